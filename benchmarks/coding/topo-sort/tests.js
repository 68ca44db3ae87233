import assert from 'node:assert/strict';
import { topoSort } from './solution.js';

test('a chain', () => assert.deepEqual(topoSort({ app: ['lib'], lib: ['core'], core: [] }), ['core', 'lib', 'app']));
test('alphabetical among ready nodes', () => assert.deepEqual(topoSort({ d: ['a'], c: [], b: ['a'], a: [] }), ['a', 'b', 'c', 'd']));
test('implicit nodes', () => assert.deepEqual(topoSort({ z: ['y', 'x'] }), ['x', 'y', 'z']));
test('a diamond', () => assert.deepEqual(topoSort({ top: ['left', 'right'], left: ['base'], right: ['base'] }), ['base', 'left', 'right', 'top']));
test('ready order, not name order', () => assert.deepEqual(topoSort({ a: ['b'], b: [], c: [] }), ['b', 'a', 'c']));
test('empty graph', () => assert.deepEqual(topoSort({}), []));
test('a cycle is reported', () => {
  assert.throws(() => topoSort({ a: ['b'], b: ['c'], c: ['a'], d: [] }), (error) => {
    const match = /cycle[^a-z]*((?:[a-c] -> )+[a-c])/.exec(error.message);
    if (!match) return false;
    const nodes = match[1].split(' -> ');
    return nodes[0] === nodes[nodes.length - 1] && nodes.length === 4 && new Set(nodes).size === 3;
  });
});
test('a self-loop', () => assert.throws(() => topoSort({ a: ['a'] }), /cycle: a -> a/));
