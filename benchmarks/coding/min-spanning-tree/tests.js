import assert from 'node:assert/strict';
import { spanningForest, components } from './solution.js';

test('a small graph', () => assert.deepEqual(spanningForest(4, [[0, 1, 1], [1, 2, 4], [0, 2, 3], [2, 3, 2], [1, 3, 5]]), { weight: 6, edges: [[0, 1, 1], [2, 3, 2], [0, 2, 3]] }));
test('edges are normalised', () => assert.deepEqual(spanningForest(2, [[1, 0, 7]]), { weight: 7, edges: [[0, 1, 7]] }));
test('ties prefer the first in order', () => assert.deepEqual(spanningForest(3, [[1, 2, 1], [0, 2, 1], [0, 1, 1]]).edges, [[0, 1, 1], [0, 2, 1]]));
test('negative weights and self-loops', () => assert.deepEqual(spanningForest(3, [[0, 0, -9], [0, 1, -2], [1, 2, 3], [0, 2, -1]]), { weight: -3, edges: [[0, 1, -2], [0, 2, -1]] }));
test('a forest', () => assert.deepEqual(spanningForest(5, [[0, 1, 2], [3, 4, 1]]), { weight: 3, edges: [[3, 4, 1], [0, 1, 2]] }));
test('components', () => { assert.deepEqual(components(6, [[4, 0, 1], [2, 3, 1], [5, 2, 0]]), [[0, 4], [1], [2, 3, 5]]); assert.deepEqual(components(0, []), []); });
test('out of range', () => { assert.throws(() => spanningForest(2, [[0, 2, 1]]), RangeError); assert.throws(() => components(2, [[-1, 0, 1]]), RangeError); });
test('large graphs', () => {
  const n = 20000; const edges = [];
  let seed = 99; const random = () => (seed = (seed * 16807) % 2147483647);
  for (let i = 1; i < n; i++) edges.push([i, random() % i, 1 + (random() % 100)]);
  for (let i = 0; i < 30000; i++) edges.push([random() % n, random() % n, 1 + (random() % 100)]);
  const forest = spanningForest(n, edges);
  assert.equal(forest.edges.length, n - 1);
  assert.equal(forest.weight, forest.edges.reduce((sum, edge) => sum + edge[2], 0));
});
