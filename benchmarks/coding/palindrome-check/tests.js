import assert from 'node:assert/strict';
import { isPalindrome, longestPalindrome } from './solution.js';

test('a plain palindrome', () => assert.equal(isPalindrome('racecar'), true));
test('a phrase with spaces and case', () => assert.equal(isPalindrome('Never odd or even'), true));
test('punctuation is ignored', () => assert.equal(isPalindrome('No lemon, no melon!'), true));
test('not a palindrome', () => assert.equal(isPalindrome('palindrome'), false));
test('digits count', () => { assert.equal(isPalindrome('12 21'), true); assert.equal(isPalindrome('123'), false); });
test('no letters at all', () => assert.equal(isPalindrome('?!'), true));
test('longest odd substring', () => assert.equal(longestPalindrome('xabacdy'), 'aba'));
test('longest even substring', () => assert.equal(longestPalindrome('zzabbaq'), 'abba'));
test('ties go to the first', () => assert.equal(longestPalindrome('abc'), 'a'));
test('case-sensitive', () => assert.equal(longestPalindrome('Abca'), 'A'));
test('empty', () => assert.equal(longestPalindrome(''), ''));
