import { describe, expect, it } from 'vitest';
import { countChanges, foldUnchanged, sideBySide, splitLines } from './line-diff.ts';

describe('sideBySide', () => {
  it('pairs a replaced line with its replacement and numbers both sides', () => {
    const rows = sideBySide('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(rows.map((row) => row.kind)).toEqual(['same', 'changed', 'same', 'added']);
    expect(rows[1]).toEqual({ kind: 'changed', left: { number: 2, text: 'b' }, right: { number: 2, text: 'B' } });
    expect(rows[3]).toEqual({ kind: 'added', left: null, right: { number: 4, text: 'd' } });
    expect(countChanges(rows)).toEqual({ added: 2, removed: 1 });
  });

  it('handles an empty side', () => {
    expect(sideBySide('', 'x\ny').map((row) => row.kind)).toEqual(['added', 'added']);
    expect(sideBySide('x', '').map((row) => row.kind)).toEqual(['removed']);
    expect(splitLines('')).toEqual([]);
  });

  it('folds unchanged lines away from the changes', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const folded = foldUnchanged(sideBySide(before, after), 2);
    expect(folded.map((item) => item.kind)).toEqual(['fold', 'same', 'same', 'changed', 'same', 'same', 'fold']);
    expect(folded[0]?.kind === 'fold' && folded[0].rows.length).toBe(8);
  });
});
