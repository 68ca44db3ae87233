import assert from 'node:assert/strict';
import { spiral, spiralMatrix } from './solution.js';

test('a square', () => assert.deepEqual(spiral([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), [1, 2, 3, 6, 9, 8, 7, 4, 5]));
test('a wide rectangle', () => assert.deepEqual(spiral([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]), [1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]));
test('a tall rectangle', () => assert.deepEqual(spiral([[1, 2], [3, 4], [5, 6], [7, 8]]), [1, 2, 4, 6, 8, 7, 5, 3]));
test('a single column', () => assert.deepEqual(spiral([[1], [2], [3]]), [1, 2, 3]));
test('empty', () => { assert.deepEqual(spiral([]), []); assert.deepEqual(spiral([[]]), []); });
test('builds a spiral', () => assert.deepEqual(spiralMatrix(3, 4), [[1, 2, 3, 4], [10, 11, 12, 5], [9, 8, 7, 6]]));
test('round trip', () => { for (const [r, c] of [[1, 1], [2, 5], [5, 2], [6, 6]]) assert.deepEqual(spiral(spiralMatrix(r, c)), Array.from({ length: r * c }, (_, i) => i + 1)); });
test('bad sizes', () => { assert.deepEqual(spiralMatrix(0, 3), []); assert.throws(() => spiralMatrix(-1, 2), RangeError); assert.throws(() => spiralMatrix(2, 1.5), RangeError); });
