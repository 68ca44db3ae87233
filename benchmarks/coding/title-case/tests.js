import assert from 'node:assert/strict';
import { titleCase } from './solution.js';

test('simple words', () => assert.equal(titleCase('hello world'), 'Hello World'));
test('minor words stay lower-case', () => assert.equal(titleCase('the lord of the rings'), 'The Lord of the Rings'));
test('the last word is capitalised', () => assert.equal(titleCase('what are you looking at'), 'What Are You Looking At'));
test('shouting is calmed', () => assert.equal(titleCase('BREAKING NEWS FROM THE COAST'), 'Breaking News From the Coast'));
test('spaces collapse', () => assert.equal(titleCase('   many    spaces  here '), 'Many Spaces Here'));
test('hyphenated words', () => assert.equal(titleCase('a state-of-the-art plan'), 'A State-Of-The-Art Plan'));
test('empty input', () => { assert.equal(titleCase(''), ''); assert.equal(titleCase('   '), ''); });
test('a single minor word', () => assert.equal(titleCase('of'), 'Of'));
