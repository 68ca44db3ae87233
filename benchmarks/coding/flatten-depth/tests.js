import assert from 'node:assert/strict';
import { flatten } from './solution.js';

test('fully flattens by default', () => assert.deepEqual(flatten([1, [2, [3, [4]]], 5]), [1, 2, 3, 4, 5]));
test('a limited depth', () => assert.deepEqual(flatten([1, [2, [3, [4]]]], 1), [1, 2, [3, [4]]]));
test('depth zero copies', () => { const input = [1, [2]]; const out = flatten(input, 0); assert.deepEqual(out, [1, [2]]); assert.notEqual(out, input); });
test('drops null and undefined', () => assert.deepEqual(flatten([null, 1, [undefined, 2, [null]]]), [1, 2]));
test('keeps objects and strings', () => assert.deepEqual(flatten([{ a: 1 }, ['xy', [{ b: 2 }]]]), [{ a: 1 }, 'xy', { b: 2 }]));
test('empty arrays vanish', () => assert.deepEqual(flatten([[], [[]], 3]), [3]));
