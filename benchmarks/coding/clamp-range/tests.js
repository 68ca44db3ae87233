import assert from 'node:assert/strict';
import { clamp } from './solution.js';

test('inside the range', () => assert.equal(clamp(5, 1, 10), 5));
test('below the range', () => assert.equal(clamp(-3, 0, 10), 0));
test('above the range', () => assert.equal(clamp(42, 0, 10), 10));
test('on the bounds', () => { assert.equal(clamp(0, 0, 10), 0); assert.equal(clamp(10, 0, 10), 10); });
test('a single-point range', () => assert.equal(clamp(7, 3, 3), 3));
test('fractions and negatives', () => assert.equal(clamp(-2.5, -2, 2), -2));
test('inverted bounds throw RangeError', () => assert.throws(() => clamp(1, 5, 2), RangeError));
test('NaN throws TypeError', () => { assert.throws(() => clamp(NaN, 0, 1), TypeError); assert.throws(() => clamp(1, NaN, 2), TypeError); });
