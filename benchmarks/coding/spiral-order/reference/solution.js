function* positions(rows, columns) {
  let top = 0; let bottom = rows - 1; let left = 0; let right = columns - 1;
  while (top <= bottom && left <= right) {
    for (let c = left; c <= right; c++) yield [top, c];
    for (let r = top + 1; r <= bottom; r++) yield [r, right];
    if (top < bottom) for (let c = right - 1; c >= left; c--) yield [bottom, c];
    if (left < right) for (let r = bottom - 1; r > top; r--) yield [r, left];
    top++; bottom--; left++; right--;
  }
}

export function spiral(matrix) {
  const rows = matrix.length;
  const columns = rows === 0 ? 0 : matrix[0].length;
  return [...positions(rows, columns)].map(([r, c]) => matrix[r][c]);
}

export function spiralMatrix(rows, columns) {
  for (const size of [rows, columns]) if (!Number.isInteger(size) || size < 0) throw new RangeError(`bad size ${size}`);
  if (rows === 0 || columns === 0) return [];
  const matrix = Array.from({ length: rows }, () => new Array(columns).fill(0));
  let next = 1;
  for (const [r, c] of positions(rows, columns)) matrix[r][c] = next++;
  return matrix;
}
