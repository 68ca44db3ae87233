import assert from 'node:assert/strict';
import { deepEqual } from './solution.js';

test('primitives', () => { assert.equal(deepEqual(1, 1), true); assert.equal(deepEqual('a', 'b'), false); assert.equal(deepEqual(NaN, NaN), true); assert.equal(deepEqual(0, -0), true); assert.equal(deepEqual(1, '1'), false); });
test('nested objects and arrays', () => { assert.equal(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), true); assert.equal(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }), false); });
test('key sets must match', () => { assert.equal(deepEqual({ a: 1 }, { a: 1, b: undefined }), false); assert.equal(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true); });
test('arrays versus objects', () => assert.equal(deepEqual([1], { 0: 1, length: 1 }), false));
test('dates and regular expressions', () => {
  assert.equal(deepEqual(new Date(5), new Date(5)), true); assert.equal(deepEqual(new Date(5), new Date(6)), false);
  assert.equal(deepEqual(/a/g, /a/g), true); assert.equal(deepEqual(/a/g, /a/i), false);
});
test('maps and sets', () => {
  assert.equal(deepEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])), true);
  assert.equal(deepEqual(new Map([[1, 2]]), new Map([[1, 3]])), false);
  assert.equal(deepEqual(new Set([1, 2]), new Set([2, 1])), true);
  assert.equal(deepEqual(new Set([1]), new Set([1, 2])), false);
});
test('prototypes matter', () => { class P {} assert.equal(deepEqual(new P(), {}), false); assert.equal(deepEqual(Object.create(null), {}), false); });
test('null is not an object match', () => { assert.equal(deepEqual(null, {}), false); assert.equal(deepEqual(null, null), true); });
test('cycles', () => {
  const a = { name: 'n' }; a.self = a;
  const b = { name: 'n' }; b.self = b;
  const c = { name: 'm' }; c.self = c;
  assert.equal(deepEqual(a, b), true); assert.equal(deepEqual(a, c), false);
});
