import assert from 'node:assert/strict';
import { evaluate } from './solution.js';

test('precedence', () => { assert.equal(evaluate('1 + 2 * 3'), 7); assert.equal(evaluate('(1 + 2) * 3'), 9); assert.equal(evaluate('10 - 4 - 3'), 3); assert.equal(evaluate('20 / 4 / 5'), 1); });
test('modulo', () => assert.equal(evaluate('17 % 5 * 2'), 4));
test('power is right-associative', () => { assert.equal(evaluate('2 ^ 3 ^ 2'), 512); assert.equal(evaluate('(2 ^ 3) ^ 2'), 64); });
test('unary minus and power', () => { assert.equal(evaluate('-2 ^ 2'), -4); assert.equal(evaluate('2 ^ -1'), 0.5); assert.equal(evaluate('--3'), 3); assert.equal(evaluate('4 * -2'), -8); });
test('number forms', () => assert.equal(evaluate('.5 + 1e3 + 2.25'), 1002.75));
test('variables', () => assert.equal(evaluate('rate * (hours_1 + 2)', { rate: 10, hours_1: 3 }), 50));
test('functions', () => { assert.equal(evaluate('max(1, 7, 3) + min(4, 2)'), 9); assert.equal(evaluate('sqrt(16) * abs(-2)'), 8); });
test('whitespace', () => assert.equal(evaluate(' \t1+\n2 '), 3));
test('syntax errors', () => { for (const text of ['', '1 +', '(1 + 2', '1 + 2)', '2 3', '1 $ 2', '* 2', 'max(1,)', '()']) assert.throws(() => evaluate(text), SyntaxError, text); });
test('unknown names', () => { assert.throws(() => evaluate('x + 1'), (e) => e instanceof ReferenceError && /x/.test(e.message)); assert.throws(() => evaluate('nope(1)'), ReferenceError); assert.throws(() => evaluate('toString'), ReferenceError); });
test('division by zero', () => assert.equal(evaluate('1 / 0'), Infinity));
