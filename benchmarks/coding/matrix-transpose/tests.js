import assert from 'node:assert/strict';
import { transpose, rotate } from './solution.js';

test('square transpose', () => assert.deepEqual(transpose([[1, 2], [3, 4]]), [[1, 3], [2, 4]]));
test('rectangular transpose', () => assert.deepEqual(transpose([[1, 2, 3]]), [[1], [2], [3]]));
test('empty', () => assert.deepEqual(transpose([]), []));
test('rotate clockwise', () => assert.deepEqual(rotate([[1, 2, 3], [4, 5, 6]]), [[4, 1], [5, 2], [6, 3]]));
test('four rotations restore', () => { const m = [[1, 2], [3, 4], [5, 6]]; assert.deepEqual(rotate(rotate(rotate(rotate(m)))), m); });
test('ragged rows throw', () => { assert.throws(() => transpose([[1, 2], [3]]), TypeError); assert.throws(() => rotate([[1], [2, 3]]), TypeError); });
test('the input is kept', () => { const m = [[1, 2], [3, 4]]; transpose(m); rotate(m); assert.deepEqual(m, [[1, 2], [3, 4]]); });
