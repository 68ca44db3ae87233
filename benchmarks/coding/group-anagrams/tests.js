import assert from 'node:assert/strict';
import { groupAnagrams } from './solution.js';

test('groups', () => assert.deepEqual(groupAnagrams(['listen', 'google', 'silent', 'enlist', 'gogole']), [['listen', 'silent', 'enlist'], ['google', 'gogole']]));
test('case is ignored', () => assert.deepEqual(groupAnagrams(['Tea', 'eat', 'ATE', 'tan']), [['Tea', 'eat', 'ATE'], ['tan']]));
test('repeats stay', () => assert.deepEqual(groupAnagrams(['ab', 'ba', 'ab']), [['ab', 'ba', 'ab']]));
test('letter counts matter', () => assert.deepEqual(groupAnagrams(['aab', 'abb']), [['aab'], ['abb']]));
test('empty input', () => assert.deepEqual(groupAnagrams([]), []));
