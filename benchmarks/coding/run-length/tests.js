import assert from 'node:assert/strict';
import { encode, decode } from './solution.js';

test('encodes runs', () => assert.equal(encode('aaabcc'), '3ab2c'));
test('keeps singles', () => assert.equal(encode('abc'), 'abc'));
test('long runs use several digits', () => assert.equal(encode('x'.repeat(12) + 'y'), '12xy'));
test('spaces and punctuation', () => assert.equal(encode('  !!!a'), '2 3!a'));
test('decodes', () => assert.equal(decode('3ab2c'), 'aaabcc'));
test('decodes multi-digit counts', () => assert.equal(decode('10z2 '), 'zzzzzzzzzz  '));
test('empty strings', () => { assert.equal(encode(''), ''); assert.equal(decode(''), ''); });
test('round trip', () => { for (const s of ['wwwwaaadexxxxxx', 'a b  c   d', 'zz']) assert.equal(decode(encode(s)), s); });
