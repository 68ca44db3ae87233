import assert from 'node:assert/strict';
import { mergeIntervals, insertInterval } from './solution.js';

test('merges overlaps', () => assert.deepEqual(mergeIntervals([[1, 3], [2, 6], [8, 10], [15, 18]]), [[1, 6], [8, 10], [15, 18]]));
test('touching intervals merge', () => assert.deepEqual(mergeIntervals([[1, 2], [2, 3]]), [[1, 3]]));
test('unsorted input', () => assert.deepEqual(mergeIntervals([[5, 7], [1, 2], [6, 9], [0, 1]]), [[0, 2], [5, 9]]));
test('contained intervals', () => assert.deepEqual(mergeIntervals([[1, 10], [2, 3], [4, 5]]), [[1, 10]]));
test('empty and single', () => { assert.deepEqual(mergeIntervals([]), []); assert.deepEqual(mergeIntervals([[4, 4]]), [[4, 4]]); });
test('input is not modified', () => { const input = [[3, 4], [1, 3]]; mergeIntervals(input); assert.deepEqual(input, [[3, 4], [1, 3]]); });
test('insert in the middle', () => assert.deepEqual(insertInterval([[1, 2], [3, 5], [6, 7], [8, 10], [12, 16]], [4, 8]), [[1, 2], [3, 10], [12, 16]]));
test('insert at the ends', () => { assert.deepEqual(insertInterval([[3, 4]], [0, 1]), [[0, 1], [3, 4]]); assert.deepEqual(insertInterval([[3, 4]], [5, 6]), [[3, 4], [5, 6]]); });
test('bad intervals throw', () => { assert.throws(() => mergeIntervals([[3, 1]]), RangeError); assert.throws(() => insertInterval([], [2, 1]), RangeError); });
