import assert from 'node:assert/strict';
import { createLimiter } from './solution.js';

function clock() { let t = 1000; return { now: () => t, advance: (ms) => { t += ms; } }; }

test('starts full', () => { const c = clock(); const l = createLimiter({ capacity: 3, refillPerSecond: 1, now: c.now }); assert.deepEqual([l.tryTake(), l.tryTake(), l.tryTake(), l.tryTake()], [true, true, true, false]); });
test('refills over time', () => {
  const c = clock(); const l = createLimiter({ capacity: 2, refillPerSecond: 2, now: c.now });
  l.tryTake(2); assert.equal(l.tryTake(), false);
  c.advance(499); assert.equal(l.tryTake(), false);
  c.advance(1); assert.equal(l.tryTake(), true);
});
test('never above capacity', () => { const c = clock(); const l = createLimiter({ capacity: 2, refillPerSecond: 10, now: c.now }); c.advance(60000); assert.equal(l.tryTake(3), false); assert.equal(l.tryTake(2), true); });
test('a failed take removes nothing', () => { const c = clock(); const l = createLimiter({ capacity: 5, refillPerSecond: 0, now: c.now }); l.tryTake(3); assert.equal(l.tryTake(3), false); assert.equal(l.tryTake(2), true); });
test('fractions accumulate', () => { const c = clock(); const l = createLimiter({ capacity: 1, refillPerSecond: 0.5, now: c.now }); l.tryTake(); for (let i = 0; i < 4; i++) c.advance(500); assert.equal(l.tryTake(), true); });
test('wait time', () => {
  const c = clock(); const l = createLimiter({ capacity: 4, refillPerSecond: 3, now: c.now });
  assert.equal(l.waitTime(4), 0); l.tryTake(4);
  assert.equal(l.waitTime(1), 334); assert.equal(l.waitTime(3), 1000); assert.equal(l.waitTime(5), Infinity);
  c.advance(334); assert.equal(l.waitTime(1), 0);
});
test('zero refill waits forever', () => { const c = clock(); const l = createLimiter({ capacity: 1, refillPerSecond: 0, now: c.now }); l.tryTake(); assert.equal(l.waitTime(), Infinity); });
test('bad options and counts', () => {
  const c = clock();
  assert.throws(() => createLimiter({ capacity: 0, refillPerSecond: 1, now: c.now }), RangeError);
  assert.throws(() => createLimiter({ capacity: 1, refillPerSecond: -1, now: c.now }), RangeError);
  const l = createLimiter({ capacity: 1, refillPerSecond: 1, now: c.now });
  assert.throws(() => l.tryTake(0), RangeError); assert.throws(() => l.waitTime(-1), RangeError);
});
test('time is read only through now', () => {
  const realNow = Date.now; Date.now = () => { throw new Error('Date.now used'); };
  try { const c = clock(); const l = createLimiter({ capacity: 1, refillPerSecond: 1, now: c.now }); l.tryTake(); c.advance(1000); assert.equal(l.tryTake(), true); }
  finally { Date.now = realNow; }
});
