function check(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
}
const digits = (n) => String(n).split('').map(Number);

export function digitalRoot(n) {
  check(n);
  let value = n;
  while (value > 9) value = digits(value).reduce((a, b) => a + b, 0);
  return value;
}

export function persistence(n) {
  check(n);
  let steps = 0;
  for (let value = n; value > 9; steps++) value = digits(value).reduce((a, b) => a * b, 1);
  return steps;
}
