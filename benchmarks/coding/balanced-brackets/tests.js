import assert from 'node:assert/strict';
import { checkBrackets } from './solution.js';

test('balanced', () => assert.deepEqual(checkBrackets('f(a[1], {b: <c>})'), { ok: true }));
test('empty text', () => assert.deepEqual(checkBrackets(''), { ok: true }));
test('wrong closer', () => assert.deepEqual(checkBrackets('(]'), { ok: false, index: 1 }));
test('closer without opener', () => assert.deepEqual(checkBrackets('ab)'), { ok: false, index: 2 }));
test('unclosed opener reports the earliest', () => assert.deepEqual(checkBrackets('x{[()'), { ok: false, index: 1 }));
test('interleaved', () => assert.deepEqual(checkBrackets('([)]'), { ok: false, index: 2 }));
test('strings are ignored', () => assert.deepEqual(checkBrackets('print(")", \'[\')'), { ok: true }));
test('escaped quotes in strings', () => assert.deepEqual(checkBrackets('("a\\"(")'), { ok: true }));
test('unterminated string', () => assert.deepEqual(checkBrackets('(x, "abc)'), { ok: false, index: 4 }));
