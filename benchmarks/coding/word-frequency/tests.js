import assert from 'node:assert/strict';
import { wordFrequency } from './solution.js';

test('counts words', () => assert.deepEqual(wordFrequency('one fish two fish'), [['fish', 2], ['one', 1], ['two', 1]]));
test('ignores case', () => assert.deepEqual(wordFrequency('Go go GO'), [['go', 3]]));
test('punctuation separates', () => assert.deepEqual(wordFrequency('red,blue;red.green!'), [['red', 2], ['blue', 1], ['green', 1]]));
test("keeps inner apostrophes", () => assert.deepEqual(wordFrequency("don't stop, 'tis fine"), [["don't", 1], ['fine', 1], ['stop', 1], ['tis', 1]]));
test('digits are word characters', () => assert.deepEqual(wordFrequency('route 66 and 66'), [['66', 2], ['and', 1], ['route', 1]]));
test('no words', () => assert.deepEqual(wordFrequency(' ... !! '), []));
