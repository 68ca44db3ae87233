import assert from 'node:assert/strict';
import { matches } from './solution.js';

test('literals search anywhere', () => { assert.equal(matches('abc', 'xxabcxx'), true); assert.equal(matches('abd', 'xxabcxx'), false); });
test('dot', () => { assert.equal(matches('a.c', 'abc'), true); assert.equal(matches('a.c', 'ac'), false); });
test('star', () => { assert.equal(matches('^ab*c$', 'ac'), true); assert.equal(matches('^ab*c$', 'abbbc'), true); assert.equal(matches('^ab*c$', 'abxc'), false); });
test('plus and question mark', () => { assert.equal(matches('^ab+c$', 'ac'), false); assert.equal(matches('^ab+c$', 'abbc'), true); assert.equal(matches('^colou?r$', 'color'), true); assert.equal(matches('^colou?r$', 'colouur'), false); });
test('anchors', () => { assert.equal(matches('^ab', 'cab'), false); assert.equal(matches('ab$', 'abc'), false); assert.equal(matches('^$', ''), true); assert.equal(matches('', 'anything'), true); });
test('dot star', () => { assert.equal(matches('^a.*z$', 'abcz'), true); assert.equal(matches('^a.*z$', 'az'), true); assert.equal(matches('^a.*z$', 'abc'), false); });
test('escapes', () => { assert.equal(matches('a\\.b', 'a.b'), true); assert.equal(matches('a\\.b', 'axb'), false); assert.equal(matches('\\*+', 'x**'), true); assert.equal(matches('^\\^', '^a'), true); });
test('a dollar inside is literal', () => assert.equal(matches('a$b', 'xa$b'), true));
test('syntax errors', () => { for (const p of ['*a', '^+', 'a\\', 'a**']) assert.throws(() => matches(p, 'a'), SyntaxError, p); });
test('no exponential blow-up', () => assert.equal(matches('^a*a*a*a*a*a*a*a*b$', 'a'.repeat(30)), false));
