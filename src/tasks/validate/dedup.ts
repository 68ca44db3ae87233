/**
 * The kept tasks, for duplicate checks: an exact duplicate has the same content hash (statement
 * and check, whitespace collapsed); a near-duplicate's statement and check are as similar as the
 * threshold by the flywheel's shingle similarity (Jaccard of hashed 3-grams of prose tokens).
 */
import { createHash } from 'node:crypto';
import { replySimilarity } from '../../flywheel/index.ts';
import type { GeneratedTask } from '../types.ts';

/** Similarity at or above which a task repeats a kept one. */
export const NEAR_DUPLICATE_DEFAULT = 0.9;

interface Entry {
  id: string;
  text: string;
}

/**
 * The tasks kept so far. `validateTask` only reads it; add each task it keeps.
 *
 * @example
 * const kept = new KeptIndex();
 * const validation = await validateTask(task, kept);
 * if (validation.kept) kept.add(task);
 */
export class KeptIndex {
  private readonly byHash = new Map<string, string>();
  private readonly entries: Entry[] = [];

  constructor(tasks: Iterable<GeneratedTask> = []) {
    for (const task of tasks) this.add(task);
  }

  get size(): number {
    return this.entries.length;
  }

  add(task: GeneratedTask): void {
    const hash = contentHash(task);
    if (this.byHash.has(hash)) return;
    this.byHash.set(hash, task.id);
    this.entries.push({ id: task.id, text: similarityText(task) });
  }

  /** Whether a task with the same content is kept. */
  has(task: GeneratedTask): boolean {
    return this.byHash.has(contentHash(task));
  }

  /** The id of the kept task with the same content, or undefined. */
  duplicateOf(task: GeneratedTask): string | undefined {
    return this.byHash.get(contentHash(task));
  }

  /** The kept task most similar to `task` at or above `threshold`, with the similarity, or undefined. */
  nearest(task: GeneratedTask, threshold: number = NEAR_DUPLICATE_DEFAULT): { id: string; similarity: number } | undefined {
    const text = similarityText(task);
    let best: { id: string; similarity: number } | undefined;
    for (const entry of this.entries) {
      const similarity = replySimilarity(text, entry.text, 'answer');
      if (similarity >= threshold && (best === undefined || similarity > best.similarity)) best = { id: entry.id, similarity };
    }
    return best;
  }
}

/** SHA-256 of the statement and the check (tests, program and value, or program and input), whitespace collapsed. */
export function contentHash(task: GeneratedTask): string {
  const parts = [task.statement, ...checkParts(task)].map((part) => part.replace(/\s+/g, ' ').trim());
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** What two tasks are compared by: the statement and the check. */
function similarityText(task: GeneratedTask): string {
  return [task.statement, ...checkParts(task)].join('\n');
}

function checkParts(task: GeneratedTask): string[] {
  if (task.code !== undefined) return ['code', task.code.tests];
  if (task.answer !== undefined) return ['answer', task.answer.program, task.answer.value];
  if (task.triple !== undefined) return ['triple', task.triple.mode, task.triple.program, task.triple.input];
  return [];
}
