export function isValidSudoku(grid) {
  return true;
}

export function solveSudoku(grid) {
  return grid;
}
