import assert from 'node:assert/strict';
import { diffLines, applyDiff } from './solution.js';

const show = (diff) => diff.map(({ op, line }) => op + line).join('|');
test('identical texts', () => assert.equal(show(diffLines('a\nb', 'a\nb')), '=a|=b'));
test('a changed line', () => assert.equal(show(diffLines('a\nb\nc', 'a\nx\nc')), '=a|-b|+x|=c'));
test('insertions and deletions', () => { assert.equal(show(diffLines('a\nc', 'a\nb\nc')), '=a|+b|=c'); assert.equal(show(diffLines('a\nb\nc', 'c')), '-a|-b|=c'); });
test('removals come before additions', () => assert.equal(show(diffLines('x\ny', 'p\nq')), '-x|-y|+p|+q'));
test('the earliest lines are kept', () => assert.equal(show(diffLines('a\na', 'a')), '=a|-a'));
test('minimal', () => { const diff = diffLines('a\nb\nc\nd\ne\nf', 'b\nc\nx\ne\nf\ng'); assert.equal(diff.filter((d) => d.op === '=').length, 4); assert.equal(show(diff), '-a|=b|=c|-d|+x|=e|=f|+g'); });
test('trailing newline is a line', () => assert.equal(show(diffLines('a\n', 'a')), '=a|-'));
test('apply', () => { const before = 'one\ntwo\nthree'; const after = 'zero\none\nthree\nfour'; assert.equal(applyDiff(before, diffLines(before, after)), after); });
test('apply checks', () => {
  assert.throws(() => applyDiff('a\nb', [{ op: '=', line: 'a' }, { op: '-', line: 'x' }]));
  assert.throws(() => applyDiff('a\nb', [{ op: '=', line: 'a' }]));
});
test('large texts', () => {
  const before = Array.from({ length: 2000 }, (_, i) => `line ${i % 97} ${i % 13}`).join('\n');
  const after = Array.from({ length: 2000 }, (_, i) => (i % 50 === 0 ? 'changed' : `line ${i % 97} ${i % 13}`)).join('\n');
  const diff = diffLines(before, after);
  assert.equal(applyDiff(before, diff), after);
  assert.equal(diff.filter((d) => d.op === '=').length, 1960);
});
