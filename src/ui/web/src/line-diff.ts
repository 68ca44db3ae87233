import { diffArrays } from 'diff';

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
      for (const text of change.value) rows.push({ kind: 'same', left: { number: leftNumber++, text }, right: { number: rightNumber++, text } });
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
