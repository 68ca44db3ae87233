import assert from 'node:assert/strict';
import { chunk } from './solution.js';

test('even split', () => assert.deepEqual(chunk([1, 2, 3, 4], 2), [[1, 2], [3, 4]]));
test('a shorter last chunk', () => assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]));
test('size larger than the input', () => assert.deepEqual(chunk(['a', 'b'], 5), [['a', 'b']]));
test('size one', () => assert.deepEqual(chunk([7, 8, 9], 1), [[7], [8], [9]]));
test('empty input', () => assert.deepEqual(chunk([], 3), []));
test('bad sizes throw', () => { for (const size of [0, -1, 1.5, NaN]) assert.throws(() => chunk([1], size), RangeError); });
test('the input is not modified', () => { const input = [1, 2, 3]; chunk(input, 2); assert.deepEqual(input, [1, 2, 3]); });
