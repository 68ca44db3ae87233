import assert from 'node:assert/strict';
import { solveSudoku, isValidSudoku } from './solution.js';

const parse = (text) => Array.from({ length: 9 }, (_, r) => Array.from({ length: 9 }, (_, c) => Number(text[r * 9 + c])));
const easy = parse('530070000600195000098000060800060003400803001700020006060000280000419005000080079');
const hard = parse('000000010400000000020000000000050407008000300001090000300400200050100000000806000');
function checkSolution(puzzle, solution) {
  assert.ok(Array.isArray(solution) && solution.length === 9);
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) { assert.ok(solution[r][c] >= 1 && solution[r][c] <= 9); if (puzzle[r][c] !== 0) assert.equal(solution[r][c], puzzle[r][c]); }
  assert.equal(isValidSudoku(solution), true);
  for (const line of solution) assert.equal(new Set(line).size, 9);
}

test('validity of a partial grid', () => assert.equal(isValidSudoku(easy), true));
test('a repeated digit in a row, a column or a box', () => {
  const row = easy.map((line) => [...line]); row[0][2] = 5; assert.equal(isValidSudoku(row), false);
  const column = easy.map((line) => [...line]); column[1][0] = 0; column[2][0] = 6; assert.equal(isValidSudoku(column), false);
  const box = easy.map((line) => [...line]); box[1][1] = 9; assert.equal(isValidSudoku(box), false);
});
test('bad shapes throw', () => { assert.throws(() => isValidSudoku([[1]]), TypeError); const bad = easy.map((line) => [...line]); bad[4][4] = 10; assert.throws(() => isValidSudoku(bad), TypeError); });
test('solves an easy puzzle', () => { const copy = JSON.stringify(easy); checkSolution(easy, solveSudoku(easy)); assert.equal(JSON.stringify(easy), copy); });
test('solves a hard puzzle', () => checkSolution(hard, solveSudoku(hard)));
test('an empty grid has a solution', () => checkSolution(parse('0'.repeat(81)), solveSudoku(parse('0'.repeat(81)))));
test('unsolvable puzzles give null', () => {
  const broken = easy.map((line) => [...line]); broken[0][2] = 5; assert.equal(solveSudoku(broken), null);
  const stuck = parse('123456780000000009000000000000000000000000000000000000000000000000000000000000000'); assert.equal(solveSudoku(stuck), null);
});
