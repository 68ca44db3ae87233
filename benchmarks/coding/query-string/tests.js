import assert from 'node:assert/strict';
import { parseQuery, stringifyQuery } from './solution.js';

test('simple pairs', () => assert.deepEqual(parseQuery('a=1&b=two'), { a: '1', b: 'two' }));
test('leading question mark and empty pairs', () => assert.deepEqual(parseQuery('?&x=1&&y='), { x: '1', y: '' }));
test('keys without values', () => assert.deepEqual(parseQuery('flag&v=1'), { flag: '', v: '1' }));
test('decoding', () => assert.deepEqual(parseQuery('q=hello+world&name=J%C3%BCrgen&e=a%3Db'), { q: 'hello world', name: 'Jürgen', e: 'a=b' }));
test('repeated keys', () => assert.deepEqual(parseQuery('t=a&t=b&u=1&t=c'), { t: ['a', 'b', 'c'], u: '1' }));
test('empty text', () => { assert.deepEqual(parseQuery(''), {}); assert.deepEqual(parseQuery('?'), {}); });
test('stringify', () => assert.equal(stringifyQuery({ a: 1, b: 'x y', c: true }), 'a=1&b=x%20y&c=true'));
test('stringify arrays, null and undefined', () => assert.equal(stringifyQuery({ t: ['a', 'b'], n: null, u: undefined }), 't=a&t=b&n='));
test('stringify encodes keys', () => assert.equal(stringifyQuery({ 'a&b': '=' }), 'a%26b=%3D'));
test('round trip', () => { const q = { list: ['1', '2'], text: 'ä & ö', empty: '' }; assert.deepEqual(parseQuery(stringifyQuery(q)), q); });
