import assert from 'node:assert/strict';
import { digitalRoot, persistence } from './solution.js';

test('digital roots', () => assert.deepEqual([0, 7, 16, 942, 132189, 493193].map(digitalRoot), [0, 7, 7, 6, 6, 2]));
test('a large number', () => assert.equal(digitalRoot(9007199254740991), 4));
test('persistence', () => assert.deepEqual([4, 39, 999, 25, 277777788888899].map(persistence), [0, 3, 4, 2, 11]));
test('bad input throws', () => { for (const n of [-1, 1.5]) { assert.throws(() => digitalRoot(n), RangeError); assert.throws(() => persistence(n), RangeError); } });
