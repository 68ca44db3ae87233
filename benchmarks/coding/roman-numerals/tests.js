import assert from 'node:assert/strict';
import { toRoman, fromRoman } from './solution.js';

test('small numbers', () => assert.deepEqual([1, 3, 4, 5, 9, 14].map(toRoman), ['I', 'III', 'IV', 'V', 'IX', 'XIV']));
test('larger numbers', () => { assert.equal(toRoman(1994), 'MCMXCIV'); assert.equal(toRoman(3999), 'MMMCMXCIX'); assert.equal(toRoman(444), 'CDXLIV'); });
test('out of range', () => { for (const n of [0, 4000, -5, 2.5]) assert.throws(() => toRoman(n), RangeError); });
test('parses', () => { assert.equal(fromRoman('MCMXCIV'), 1994); assert.equal(fromRoman('XLII'), 42); });
test('round trip for every number', () => { for (let n = 1; n < 4000; n++) assert.equal(fromRoman(toRoman(n)), n); });
test('rejects non-standard numerals', () => { for (const s of ['IIII', 'IC', 'VX', '', 'xiv', 'ABC', 'MMMM']) assert.throws(() => fromRoman(s)); });
