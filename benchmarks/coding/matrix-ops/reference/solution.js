const square = (m) => m.length > 0 && m.every((row) => row.length === m.length);

export function multiply(a, b) {
  if ((a[0]?.length ?? 0) !== b.length) throw new RangeError('multiply: the column count of a must equal the row count of b');
  return a.map((row) => b[0].map((_value, column) => row.reduce((sum, value, k) => sum + value * b[k][column], 0)));
}

export function identity(n) {
  return Array.from({ length: n }, (_row, i) => Array.from({ length: n }, (_value, j) => (i === j ? 1 : 0)));
}

export function power(m, k) {
  if (!square(m)) throw new RangeError('power: the matrix must be square');
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`power: bad exponent ${k}`);
  let result = identity(m.length);
  let base = m;
  for (let rest = k; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) result = multiply(result, base);
    if (rest > 1) base = multiply(base, base);
  }
  return result;
}

export function determinant(m) {
  if (!square(m)) throw new RangeError('determinant: the matrix must be square');
  if (m.length === 1) return m[0][0];
  let total = 0;
  for (let column = 0; column < m.length; column++) {
    const minor = m.slice(1).map((row) => row.filter((_value, j) => j !== column));
    total += (column % 2 === 0 ? 1 : -1) * m[0][column] * determinant(minor);
  }
  return total;
}
