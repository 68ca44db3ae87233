import assert from 'node:assert/strict';
import { LRUCache } from './solution.js';

test('stores and reads', () => { const c = new LRUCache(2); c.set('a', 1).set('b', 2); assert.equal(c.get('a'), 1); assert.equal(c.get('b'), 2); assert.equal(c.size, 2); });
test('evicts the least recently used', () => {
  const c = new LRUCache(2);
  c.set('a', 1); c.set('b', 2); c.get('a'); c.set('c', 3);
  assert.equal(c.has('b'), false); assert.equal(c.get('a'), 1); assert.equal(c.get('c'), 3);
});
test('updating a key refreshes it and does not evict', () => {
  const c = new LRUCache(2);
  c.set('a', 1); c.set('b', 2); c.set('a', 10); c.set('c', 3);
  assert.deepEqual(c.keys(), ['a', 'c']); assert.equal(c.get('a'), 10);
});
test('has does not refresh', () => { const c = new LRUCache(2); c.set('a', 1); c.set('b', 2); c.has('a'); c.set('c', 3); assert.equal(c.has('a'), false); });
test('delete', () => { const c = new LRUCache(3); c.set(1, 'x'); assert.equal(c.delete(1), true); assert.equal(c.delete(1), false); assert.equal(c.size, 0); });
test('object keys by identity', () => { const c = new LRUCache(2); const k = {}; c.set(k, 'v'); assert.equal(c.get(k), 'v'); assert.equal(c.get({}), undefined); });
test('keys in recency order', () => { const c = new LRUCache(3); c.set('x', 1); c.set('y', 2); c.set('z', 3); c.get('x'); assert.deepEqual(c.keys(), ['y', 'z', 'x']); });
test('bad capacities throw', () => { for (const n of [0, -2, 1.5, 'two']) assert.throws(() => new LRUCache(n), RangeError); });
test('capacity one', () => { const c = new LRUCache(1); c.set('a', 1); c.set('b', 2); assert.deepEqual(c.keys(), ['b']); });
test('large workloads stay fast', () => {
  const c = new LRUCache(1000);
  for (let i = 0; i < 200000; i++) { c.set(i % 1500, i); c.get((i * 7) % 1500); }
  assert.equal(c.size, 1000);
});
