function check(m) {
  if (m.some((row) => row.length !== m[0].length)) throw new TypeError('rows have different lengths');
}

export function transpose(m) {
  check(m);
  if (m.length === 0) return [];
  return m[0].map((_value, column) => m.map((row) => row[column]));
}

export function rotate(m) {
  return transpose(m).map((row) => row.reverse());
}
