import assert from 'node:assert/strict';
import { shortestPath, distancesFrom } from './solution.js';

const roads = [['a', 'b', 4], ['a', 'c', 1], ['c', 'b', 2], ['b', 'd', 1], ['c', 'd', 5], ['d', 'e', 3]];
test('finds the shortest route', () => assert.deepEqual(shortestPath(roads, 'a', 'e'), { distance: 7, path: ['a', 'c', 'b', 'd', 'e'] }));
test('edges are directed', () => assert.equal(shortestPath(roads, 'e', 'a'), null));
test('same node', () => assert.deepEqual(shortestPath(roads, 'b', 'b'), { distance: 0, path: ['b'] }));
test('ties take the smallest path', () => assert.deepEqual(shortestPath([['s', 'y', 1], ['s', 'x', 1], ['x', 't', 1], ['y', 't', 1]], 's', 't'), { distance: 2, path: ['s', 'x', 't'] }));
test('parallel edges and zero weights', () => assert.deepEqual(shortestPath([['p', 'q', 5], ['p', 'q', 2], ['q', 'r', 0]], 'p', 'r'), { distance: 2, path: ['p', 'q', 'r'] }));
test('all distances', () => assert.deepEqual(distancesFrom(roads, 'c'), new Map([['c', 0], ['b', 2], ['d', 3], ['e', 6]])));
test('bad weights', () => { assert.throws(() => shortestPath([['a', 'b', -1]], 'a', 'b'), RangeError); assert.throws(() => distancesFrom([['a', 'b', Infinity]], 'a'), RangeError); });
test('large graphs', () => {
  const edges = [];
  for (let i = 0; i < 5000; i++) { edges.push([`n${i}`, `n${i + 1}`, 1]); edges.push([`n${i}`, `n${(i * 7 + 3) % 5000}`, 3]); }
  const result = shortestPath(edges, 'n0', 'n4999');
  assert.ok(result !== null && result.distance <= 4999);
  assert.equal(distancesFrom(edges, 'n0').size, 5001);
});
