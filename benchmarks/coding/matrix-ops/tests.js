import assert from 'node:assert/strict';
import { multiply, identity, power, determinant } from './solution.js';

test('multiply', () => assert.deepEqual(multiply([[1, 2, 3], [4, 5, 6]], [[7, 8], [9, 10], [11, 12]]), [[58, 64], [139, 154]]));
test('multiply checks shapes', () => assert.throws(() => multiply([[1, 2]], [[1, 2]]), RangeError));
test('identity', () => { assert.deepEqual(identity(3), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]); assert.deepEqual(identity(1), [[1]]); });
test('power gives Fibonacci numbers', () => { assert.deepEqual(power([[1, 1], [1, 0]], 10), [[89, 55], [55, 34]]); assert.deepEqual(power([[2, 0], [0, 3]], 0), [[1, 0], [0, 1]]); });
test('power with a large exponent', () => { const m = [[1, 1], [1, 0]]; assert.equal(power(m, 70)[0][1], 190392490709135); });
test('power rejects bad input', () => { assert.throws(() => power([[1, 2]], 2), RangeError); assert.throws(() => power([[1]], -1), RangeError); assert.throws(() => power([[1]], 1.5), RangeError); });
test('determinants', () => {
  assert.equal(determinant([[5]]), 5);
  assert.equal(determinant([[1, 2], [3, 4]]), -2);
  assert.equal(determinant([[2, 0, 1], [1, 3, 2], [1, 1, 1]]), 0);
  assert.equal(determinant([[0, 1], [1, 0]]), -1);
  assert.equal(determinant([[3, 2, 0, 1], [4, 0, 1, 2], [3, 0, 2, 1], [9, 2, 3, 1]]), 24);
});
test('determinant of a non-square matrix throws', () => assert.throws(() => determinant([[1, 2]]), RangeError));
