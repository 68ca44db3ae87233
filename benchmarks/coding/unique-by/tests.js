import assert from 'node:assert/strict';
import { uniqueBy } from './solution.js';

test('by a function', () => assert.deepEqual(uniqueBy([1, 2, 3, 4, 5], (n) => n % 2), [1, 2]));
test('by a property name', () => assert.deepEqual(
  uniqueBy([{ id: 1, v: 'a' }, { id: 2, v: 'b' }, { id: 1, v: 'c' }], 'id'), [{ id: 1, v: 'a' }, { id: 2, v: 'b' }]));
test('NaN keys match each other', () => assert.deepEqual(uniqueBy([NaN, 1, NaN], (x) => x), [NaN, 1]));
test('the index is passed', () => assert.deepEqual(uniqueBy(['a', 'b', 'c', 'd'], (_x, i) => Math.floor(i / 2)), ['a', 'c']));
test('keys that are objects compare by identity', () => { const k = {}; assert.deepEqual(uniqueBy([1, 2, 3], (n) => (n < 3 ? k : {})), [1, 3]); });
test('does not modify the input', () => { const input = [1, 1]; uniqueBy(input, (x) => x); assert.deepEqual(input, [1, 1]); });
