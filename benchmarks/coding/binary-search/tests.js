import assert from 'node:assert/strict';
import { lowerBound, upperBound, indexOf } from './solution.js';

const data = [1, 3, 3, 3, 7, 9];
test('lower bounds', () => assert.deepEqual([0, 1, 3, 4, 7, 10].map((t) => lowerBound(data, t)), [0, 0, 1, 4, 4, 6]));
test('upper bounds', () => assert.deepEqual([0, 1, 3, 4, 9, 10].map((t) => upperBound(data, t)), [0, 1, 4, 4, 6, 6]));
test('indexOf finds the first', () => { assert.equal(indexOf(data, 3), 1); assert.equal(indexOf(data, 9), 5); assert.equal(indexOf(data, 4), -1); });
test('empty arrays', () => { assert.equal(lowerBound([], 5), 0); assert.equal(upperBound([], 5), 0); assert.equal(indexOf([], 5), -1); });
test('uses few comparisons', () => {
  const big = Array.from({ length: 1 << 16 }, (_, i) => i * 2);
  let reads = 0;
  const counted = new Proxy(big, { get(target, key) { if (typeof key === 'string' && /^\d+$/.test(key)) reads++; return target[key]; } });
  assert.equal(indexOf(counted, 4242), 2121);
  assert.equal(lowerBound(counted, 4243), 2122);
  assert.ok(reads < 200, `read ${reads} items`);
});
