import { diffArrays, parsePatch } from 'diff';

export interface DiffLine {
  number: number;
  text: string;
}

/** One row of a side-by-side diff: a line kept, removed, added, or replaced by another. */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left: DiffLine | null;
  right: DiffLine | null;
}

/** A run of unchanged rows hidden between hunks. */
export interface Fold {
  kind: 'fold';
  rows: DiffRow[];
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Aligns two texts line by line. Removed and added blocks that sit together are paired row by
 * row, so a replaced line reads across from its replacement.
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let leftNumber = 1;
  let rightNumber = 1;
  let removed: string[] = [];
  const flushRemoved = (added: string[]) => {
    const height = Math.max(removed.length, added.length);
    for (let i = 0; i < height; i++) {
      const left = i < removed.length ? { number: leftNumber++, text: removed[i] as string } : null;
      const right = i < added.length ? { number: rightNumber++, text: added[i] as string } : null;
      rows.push({ kind: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
    }
    removed = [];
  };
  for (const change of diffArrays(splitLines(before), splitLines(after))) {
    if (change.removed) {
      flushRemoved([]);
      removed = change.value;
    } else if (change.added) {
      flushRemoved(change.value);
    } else {
      flushRemoved([]);
      for (const text of change.value)
        rows.push({ kind: 'same', left: { number: leftNumber++, text }, right: { number: rightNumber++, text } });
    }
  }
  flushRemoved([]);
  return rows;
}

/** Keeps `context` unchanged rows around each change and folds the rest. */
export function foldUnchanged(rows: DiffRow[], context = 3): Array<DiffRow | Fold> {
  const keep = rows.map(() => false);
  rows.forEach((row, index) => {
    if (row.kind === 'same') return;
    for (let i = Math.max(0, index - context); i <= Math.min(rows.length - 1, index + context); i++) keep[i] = true;
  });
  const out: Array<DiffRow | Fold> = [];
  let folded: DiffRow[] = [];
  rows.forEach((row, index) => {
    if (keep[index]) {
      if (folded.length) out.push({ kind: 'fold', rows: folded });
      folded = [];
      out.push(row);
    } else {
      folded.push(row);
    }
  });
  if (folded.length) out.push({ kind: 'fold', rows: folded });
  return out;
}

export function countChanges(rows: DiffRow[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const row of rows) {
    if (row.kind === 'same') continue;
    if (row.left) removed++;
    if (row.right) added++;
  }
  return { added, removed };
}

/** One line of a stored unified diff, numbered in the old file, the new one, or both. */
export interface PatchLine {
  kind: 'hunk' | 'same' | 'added' | 'removed';
  old: number | null;
  new: number | null;
  text: string;
}

/** One file's section of a unified diff: its name, whether it was created or deleted, and its lines. */
export interface PatchFile {
  name: string;
  label: '' | 'new file' | 'deleted';
  added: number;
  removed: number;
  lines: PatchLine[];
}

const ABSENT = '/dev/null';

/**
 * Reads a unified diff (one section per file, as the DGM stores a child against its parent) into
 * numbered lines, with a `hunk` line at the start of each hunk.
 */
export function patchFiles(text: string): PatchFile[] {
  if (text.trim() === '') return [];
  return parsePatch(text).map((patch) => {
    const oldName = patch.oldFileName ?? ABSENT;
    const newName = patch.newFileName ?? ABSENT;
    const file: PatchFile = {
      name: (newName === ABSENT ? oldName : newName).replace(/^[ab]\//, ''),
      label: oldName === ABSENT ? 'new file' : newName === ABSENT ? 'deleted' : '',
      added: 0,
      removed: 0,
      lines: [],
    };
    for (const hunk of patch.hunks) {
      let oldNumber = hunk.oldStart;
      let newNumber = hunk.newStart;
      file.lines.push({
        kind: 'hunk',
        old: null,
        new: null,
        text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
      });
      for (const line of hunk.lines) {
        const sign = line[0];
        const body = line.slice(1);
        if (sign === '+') {
          file.added++;
          file.lines.push({ kind: 'added', old: null, new: newNumber++, text: body });
        } else if (sign === '-') {
          file.removed++;
          file.lines.push({ kind: 'removed', old: oldNumber++, new: null, text: body });
        } else if (sign === ' ') {
          file.lines.push({ kind: 'same', old: oldNumber++, new: newNumber++, text: body });
        }
      }
    }
    return file;
  });
}
