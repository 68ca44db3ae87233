import assert from 'node:assert/strict';
import { resolvePointer, setPointer } from './solution.js';

const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 2, '~1': 3, nested: { list: [{ id: 7 }] } };
test('the whole document', () => assert.equal(resolvePointer(doc, ''), doc));
test('keys and indices', () => { assert.deepEqual(resolvePointer(doc, '/foo'), ['bar', 'baz']); assert.equal(resolvePointer(doc, '/foo/1'), 'baz'); assert.equal(resolvePointer(doc, '/nested/list/0/id'), 7); });
test('the empty key', () => assert.equal(resolvePointer(doc, '/'), 0));
test('escapes', () => { assert.equal(resolvePointer(doc, '/a~1b'), 1); assert.equal(resolvePointer(doc, '/m~0n'), 2); assert.equal(resolvePointer(doc, '/~01'), 3); });
test('missing keys name the pointer', () => assert.throws(() => resolvePointer(doc, '/nested/nope'), /\/nested\/nope/));
test('bad indices', () => { for (const p of ['/foo/2', '/foo/01', '/foo/-', '/foo/x']) assert.throws(() => resolvePointer(doc, p), Error, p); });
test('into a primitive', () => assert.throws(() => resolvePointer(doc, '/foo/0/length')));
test('syntax errors', () => assert.throws(() => resolvePointer(doc, 'foo'), SyntaxError));
test('set copies the path', () => {
  const input = { a: { b: 1 }, c: { d: 2 } };
  const out = setPointer(input, '/a/b', 5);
  assert.deepEqual(out, { a: { b: 5 }, c: { d: 2 } }); assert.deepEqual(input, { a: { b: 1 }, c: { d: 2 } });
  assert.equal(out.c, input.c);
});
test('set appends and adds keys', () => { assert.deepEqual(setPointer({ l: [1] }, '/l/-', 2), { l: [1, 2] }); assert.deepEqual(setPointer({}, '/new', true), { new: true }); });
test('set the root', () => assert.equal(setPointer({ a: 1 }, '', 'x'), 'x'));
test('set needs the parent', () => assert.throws(() => setPointer({}, '/a/b', 1)));
