/**
 * ReST-EM (Singh et al., 2023) and rejection-sampling fine-tuning (RFT, Yuan et al., 2023): keep up
 * to `maxPerTask` correct replies per task, and only distinct ones, so that easy tasks, which
 * yield many near-identical correct replies, do not crowd out the rest of the data.
 */
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, Sample, SftExample, Verdict } from '../types.ts';
import { judgeByTask, passed } from './judged.ts';
import { sampleExample } from './select-star.ts';
import { replyShingles, type SimilarityOptions, similaritySettings } from './similarity.ts';
import { jaccard } from '../../propose/novelty.ts';

export interface RestOptions {
  /** The most replies kept per task (ReST-EM caps it so that easy tasks do not dominate). */
  maxPerTask: number;
  /** When two correct replies count as near-duplicates: n-gram Jaccard similarity at or above `threshold`. */
  similarity?: SimilarityOptions;
}

export interface RestSelection {
  examples: SftExample[];
  /** Correct replies dropped as near-duplicates of one already kept for the same task. */
  nearDuplicates: number;
  /** Distinct correct replies dropped because their task already had `maxPerTask`. */
  overCap: number;
}

/**
 * Goes through each task's passing replies in round and index order and keeps a reply unless it is
 * a near-duplicate of one already kept for that task, until the task has `maxPerTask`. Greedy in
 * sample order, so the result does not depend on anything but the inputs.
 *
 * @example
 * const { examples, nearDuplicates } = selectRest(tasks, samples, verdicts, { maxPerTask: 4, similarity: { threshold: 0.8 } });
 */
export function selectRest(
  tasks: readonly FlywheelTask[],
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  options: RestOptions,
): RestSelection {
  if (!Number.isInteger(options.maxPerTask) || options.maxPerTask < 1) {
    throw new OuroError('option-invalid', `maxPerTask must be a positive integer, got ${options.maxPerTask}`, { field: 'maxPerTask' });
  }
  const { threshold, ngram } = similaritySettings(options.similarity);
  const byTask = judgeByTask(samples, verdicts);
  const selection: RestSelection = { examples: [], nearDuplicates: 0, overCap: 0 };
  for (const task of tasks) {
    const kept: Uint32Array[] = [];
    for (const judged of (byTask.get(task.id) ?? []).filter(passed)) {
      const shingles = replyShingles(judged.sample.text, task.kind, ngram);
      if (kept.some((other) => jaccard(shingles, other) >= threshold)) selection.nearDuplicates++;
      else if (kept.length >= options.maxPerTask) selection.overCap++;
      else {
        kept.push(shingles);
        selection.examples.push(sampleExample(task, judged));
      }
    }
  }
  return selection;
}
