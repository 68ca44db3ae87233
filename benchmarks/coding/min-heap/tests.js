import assert from 'node:assert/strict';
import { Heap } from './solution.js';

test('pops in order', () => { const h = new Heap(); h.push(5, 1, 4, 2, 3); assert.deepEqual([h.pop(), h.pop(), h.pop()], [1, 2, 3]); assert.equal(h.size, 2); });
test('peek does not remove', () => { const h = new Heap(); h.push(3, 1); assert.equal(h.peek(), 1); assert.equal(h.size, 2); });
test('empty heap', () => { const h = new Heap(); assert.equal(h.pop(), undefined); assert.equal(h.peek(), undefined); assert.equal(h.size, 0); });
test('push returns the size', () => assert.equal(new Heap().push(1, 2, 3), 3));
test('a custom comparator', () => { const h = Heap.from([{ p: 2, n: 'b' }, { p: 9, n: 'z' }, { p: 5, n: 'm' }], (a, b) => b.p - a.p); assert.deepEqual(h.drain().map((x) => x.n), ['z', 'm', 'b']); });
test('duplicates', () => assert.deepEqual(Heap.from([2, 1, 2, 1]).drain(), [1, 1, 2, 2]));
test('random data sorts', () => {
  let seed = 7; const random = () => (seed = (seed * 48271) % 2147483647);
  const data = Array.from({ length: 2000 }, random);
  assert.deepEqual(Heap.from(data).drain(), [...data].sort((a, b) => a - b));
});
test('heap operations are logarithmic', () => {
  let calls = 0; const h = new Heap((a, b) => { calls++; return a - b; });
  for (let i = 20000; i > 0; i--) h.push(i);
  for (let i = 0; i < 20000; i++) h.pop();
  assert.ok(calls < 20000 * 40, `${calls} comparisons`);
});
