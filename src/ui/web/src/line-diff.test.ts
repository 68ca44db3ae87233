import { describe, expect, it } from 'vitest';
import { createTwoFilesPatch } from 'diff';
import { countChanges, foldUnchanged, patchFiles, sideBySide, splitLines } from './line-diff.ts';

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

describe('patchFiles', () => {
  it('numbers a stored unified diff per file, marking new and deleted files', () => {
    const before = `${Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const after = before.replace('line 2\n', 'line two\n').replace('line 11\n', '');
    const text =
      createTwoFilesPatch('a/agent.mjs', 'b/agent.mjs', before, after, undefined, undefined, { context: 1 }) +
      createTwoFilesPatch('/dev/null', 'b/tools.mjs', '', 'export {};\n') +
      createTwoFilesPatch('a/old.mjs', '/dev/null', 'x\n', '');
    const [agent, tools, old] = patchFiles(text);
    expect(agent).toMatchObject({ name: 'agent.mjs', label: '', added: 1, removed: 2 });
    expect(agent?.lines.filter((line) => line.kind === 'hunk')).toHaveLength(2);
    expect(agent?.lines.slice(0, 5)).toEqual([
      { kind: 'hunk', old: null, new: null, text: '@@ -1,3 +1,3 @@' },
      { kind: 'same', old: 1, new: 1, text: 'line 1' },
      { kind: 'removed', old: 2, new: null, text: 'line 2' },
      { kind: 'added', old: null, new: 2, text: 'line two' },
      { kind: 'same', old: 3, new: 3, text: 'line 3' },
    ]);
    expect(agent?.lines.find((line) => line.kind === 'removed' && line.text === 'line 11')).toEqual({
      kind: 'removed',
      old: 11,
      new: null,
      text: 'line 11',
    });
    expect(tools).toMatchObject({ name: 'tools.mjs', label: 'new file', added: 1, removed: 0 });
    expect(old).toMatchObject({ name: 'old.mjs', label: 'deleted', added: 0, removed: 1 });
    expect(patchFiles('')).toEqual([]);
  });
});
