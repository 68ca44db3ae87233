import assert from 'node:assert/strict';
import { shift } from './solution.js';

test('shifts forward', () => assert.equal(shift('abc', 1), 'bcd'));
test('wraps around', () => assert.equal(shift('xyz', 3), 'abc'));
test('keeps case', () => assert.equal(shift('Hello, World!', 5), 'Mjqqt, Btwqi!'));
test('negative shifts', () => assert.equal(shift('abc', -1), 'zab'));
test('large shifts', () => assert.equal(shift('abc', 27), 'bcd'));
test('non-ASCII letters are kept', () => assert.equal(shift('é a 9', 1), 'é b 9'));
test('shifting back restores', () => assert.equal(shift(shift('Round Trip', 11), -11), 'Round Trip'));
