import assert from 'node:assert/strict';
import { toWords } from './solution.js';

test('small numbers', () => assert.deepEqual([0, 7, 13, 20, 42, 99].map(toWords), ['zero', 'seven', 'thirteen', 'twenty', 'forty-two', 'ninety-nine']));
test('hundreds', () => assert.deepEqual([100, 105, 342, 999].map(toWords), ['one hundred', 'one hundred and five', 'three hundred and forty-two', 'nine hundred and ninety-nine']));
test('thousands', () => assert.deepEqual([1000, 1005, 1234, 20020].map(toWords), ['one thousand', 'one thousand and five', 'one thousand two hundred and thirty-four', 'twenty thousand and twenty']));
test('millions and billions', () => {
  assert.equal(toWords(2000000), 'two million');
  assert.equal(toWords(1000001), 'one million and one');
  assert.equal(toWords(987654321012), 'nine hundred and eighty-seven billion six hundred and fifty-four million three hundred and twenty-one thousand and twelve');
});
test('negative numbers', () => assert.equal(toWords(-15), 'minus fifteen'));
test('bad input', () => { for (const n of [1.5, 1e12, -1e12, NaN]) assert.throws(() => toWords(n), RangeError); });
