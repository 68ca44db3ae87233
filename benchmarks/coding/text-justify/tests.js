import assert from 'node:assert/strict';
import { justify } from './solution.js';

test('justifies', () => assert.deepEqual(justify('This is an example of text justification.', 16), ['This    is    an', 'example  of text', 'justification.']));
test('uneven gaps favour the left', () => assert.deepEqual(justify('a b c d e', 8), ['a  b c d', 'e']));
test('a single word on a line', () => assert.deepEqual(justify('acknowledgment is key', 14), ['acknowledgment', 'is key']));
test('single-word lines are padded', () => assert.deepEqual(justify('abcdef gh', 7), ['abcdef ', 'gh']));
test('the last line is not padded', () => assert.deepEqual(justify('What must be shall be.', 12), ['What must be', 'shall be.']));
test('long words are split', () => assert.deepEqual(justify('ab cdefghijk lm', 4), ['ab  ', 'cdef', 'ghij', 'k lm']));
test('whitespace of any kind', () => assert.deepEqual(justify('  one\ttwo\n\nthree  ', 9), ['one   two', 'three']));
test('empty and bad widths', () => { assert.deepEqual(justify('   ', 5), []); assert.throws(() => justify('a', 0), RangeError); });
test('every line but the last has the width', () => {
  const text = 'the quick brown fox jumps over the lazy dog and keeps running far away into the distant hills';
  for (const width of [10, 17, 23]) { const lines = justify(text, width); lines.slice(0, -1).forEach((line) => assert.equal(line.length, width)); assert.equal(lines.join(' ').split(/\s+/).join(' '), text); }
});
