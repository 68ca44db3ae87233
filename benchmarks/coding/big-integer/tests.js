import assert from 'node:assert/strict';
import { add, subtract, multiply, compare } from './solution.js';

const big = (text) => BigInt(text);
let seed = 12345;
const digits = (n) => { let s = String(1 + (seed % 9)); for (let i = 1; i < n; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; s += String(seed % 10); } return s; };

test('small sums', () => { assert.equal(add('2', '3'), '5'); assert.equal(add('999', '1'), '1000'); assert.equal(add('-5', '3'), '-2'); assert.equal(add('-5', '5'), '0'); });
test('canonical output', () => { assert.equal(add('007', '-0'), '7'); assert.equal(subtract('0', '0'), '0'); assert.equal(multiply('-0', '5'), '0'); assert.equal(multiply('-3', '0'), '0'); });
test('subtraction', () => { assert.equal(subtract('1000', '1'), '999'); assert.equal(subtract('1', '1000'), '-999'); assert.equal(subtract('-7', '-10'), '3'); });
test('multiplication signs', () => { assert.equal(multiply('-12', '12'), '-144'); assert.equal(multiply('-12', '-12'), '144'); });
test('compare', () => { assert.deepEqual([compare('10', '9'), compare('-10', '9'), compare('-10', '-9'), compare('0', '-0'), compare('0012', '12')], [1, -1, -1, 0, 0]); });
test('large random numbers agree with BigInt', () => {
  for (let round = 0; round < 20; round++) {
    const a = (round % 3 === 0 ? '-' : '') + digits(30 + round * 7);
    const b = (round % 4 === 1 ? '-' : '') + digits(10 + round * 11);
    assert.equal(add(a, b), String(big(a) + big(b)));
    assert.equal(subtract(a, b), String(big(a) - big(b)));
    assert.equal(multiply(a, b), String(big(a) * big(b)));
  }
});
test('big products are fast enough', () => { const a = digits(2000); const b = digits(2000); assert.equal(multiply(a, b), String(big(a) * big(b))); });
test('syntax errors', () => { for (const bad of ['', ' 1', '+1', '1.5', 'abc', '-', '--1']) assert.throws(() => add(bad, '1'), SyntaxError, bad); });
