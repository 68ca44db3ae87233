import assert from 'node:assert/strict';
import { editDistance, suggest } from './solution.js';

test('classic pairs', () => { assert.equal(editDistance('kitten', 'sitting'), 3); assert.equal(editDistance('flaw', 'lawn'), 2); assert.equal(editDistance('abc', 'cab'), 2); });
test('empty strings', () => { assert.equal(editDistance('', 'abc'), 3); assert.equal(editDistance('', ''), 0); });
test('symmetric', () => assert.equal(editDistance('sunday', 'saturday'), editDistance('saturday', 'sunday')));
test('long strings', () => { const a = 'ab'.repeat(800); const b = 'ba'.repeat(800); assert.equal(editDistance(a, b), 2); });
test('suggestions', () => assert.deepEqual(suggest('speling', ['spelling', 'spewing', 'peeling', 'sapling', 'spelling', 'selling']), ['spelling', 'spewing', 'peeling']));
test('limit and case', () => assert.deepEqual(suggest('Cat', ['bat', 'cot', 'CAT', 'dog', 'cart'], 2), ['CAT', 'bat']));
test('nothing close', () => assert.deepEqual(suggest('zebra', ['apple', 'mango']), []));
