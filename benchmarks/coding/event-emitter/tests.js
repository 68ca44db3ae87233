import assert from 'node:assert/strict';
import { Emitter } from './solution.js';

test('calls listeners in order with arguments', () => {
  const e = new Emitter(); const seen = [];
  e.on('x', (a, b) => seen.push(['first', a, b])); e.on('x', (a) => seen.push(['second', a]));
  assert.equal(e.emit('x', 1, 2), 2); assert.deepEqual(seen, [['first', 1, 2], ['second', 1]]);
});
test('unknown events', () => assert.equal(new Emitter().emit('none'), 0));
test('the remover removes one registration', () => {
  const e = new Emitter(); let count = 0; const f = () => count++;
  const remove = e.on('x', f); e.on('x', f); remove(); e.emit('x');
  assert.equal(count, 1); assert.equal(e.listenerCount('x'), 1);
});
test('once fires once', () => { const e = new Emitter(); let count = 0; e.once('x', () => count++); e.emit('x'); e.emit('x'); assert.equal(count, 1); assert.equal(e.listenerCount('x'), 0); });
test('off removes the earliest', () => {
  const e = new Emitter(); const seen = []; const f = (tag) => seen.push(tag);
  e.on('x', f); e.on('x', () => seen.push('other')); e.on('x', f); e.off('x', f); e.emit('x', 't');
  assert.deepEqual(seen, ['other', 't']);
});
test('listeners added during emit wait', () => {
  const e = new Emitter(); let late = 0;
  e.on('x', () => e.on('x', () => late++));
  e.emit('x'); assert.equal(late, 0); e.emit('x'); assert.equal(late, 1);
});
test('listeners removed during emit are skipped', () => {
  const e = new Emitter(); let called = false; let removeSecond;
  e.on('x', () => removeSecond()); removeSecond = e.on('x', () => { called = true; });
  assert.equal(e.emit('x'), 1); assert.equal(called, false);
});
test('errors are collected', () => {
  const e = new Emitter(); let after = false;
  e.on('x', () => { throw new Error('one'); }); e.on('x', () => { after = true; }); e.on('x', () => { throw new Error('two'); });
  assert.throws(() => e.emit('x'), (error) => error instanceof AggregateError && error.errors.map((x) => x.message).join() === 'one,two');
  assert.equal(after, true);
});
