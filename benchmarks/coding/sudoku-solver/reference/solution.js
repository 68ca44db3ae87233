function check(grid) {
  if (!Array.isArray(grid) || grid.length !== 9 || grid.some((row) => !Array.isArray(row) || row.length !== 9 || row.some((v) => !Number.isInteger(v) || v < 0 || v > 9))) {
    throw new TypeError('a sudoku grid is 9 rows of 9 integers from 0 to 9');
  }
}

const box = (r, c) => Math.floor(r / 3) * 3 + Math.floor(c / 3);

export function isValidSudoku(grid) {
  check(grid);
  const seen = new Set();
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) {
    const v = grid[r][c];
    if (v === 0) continue;
    for (const key of [`r${r}:${v}`, `c${c}:${v}`, `b${box(r, c)}:${v}`]) { if (seen.has(key)) return false; seen.add(key); }
  }
  return true;
}

export function solveSudoku(grid) {
  if (!isValidSudoku(grid)) return null;
  const cells = grid.map((row) => [...row]);
  const rows = Array(9).fill(0); const columns = Array(9).fill(0); const boxes = Array(9).fill(0);
  const place = (r, c, v, on) => { const bit = 1 << v; for (const [list, i] of [[rows, r], [columns, c], [boxes, box(r, c)]]) list[i] = on ? list[i] | bit : list[i] & ~bit; cells[r][c] = on ? v : 0; };
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) if (cells[r][c] !== 0) place(r, c, cells[r][c], true);
  const search = () => {
    let best = null;
    for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) {
      if (cells[r][c] !== 0) continue;
      const used = rows[r] | columns[c] | boxes[box(r, c)];
      const options = [];
      for (let v = 1; v <= 9; v++) if (!(used & (1 << v))) options.push(v);
      if (best === null || options.length < best.options.length) best = { r, c, options };
      if (options.length === 0) return false;
    }
    if (best === null) return true;
    for (const v of best.options) {
      place(best.r, best.c, v, true);
      if (search()) return true;
      place(best.r, best.c, v, false);
    }
    return false;
  };
  return search() ? cells : null;
}
