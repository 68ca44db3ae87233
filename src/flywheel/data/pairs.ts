/**
 * Preference pairs from a round's replies. `dpoPairs` sets a correct reply against an incorrect one
 * for the same task (DPO, Rafailov et al., 2023); `spinPairs` sets the task's reference solution
 * against the model's own reply (SPIN, Chen et al., 2024), whether or not that reply was correct,
 * since SPIN teaches the model to tell human data from its own.
 */
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, PreferencePair, Sample, Verdict } from '../types.ts';
import { failed, judgeByTask, passed } from './judged.ts';

export interface PairOptions {
  /** The most pairs made per task. Default 1. */
  maxPerTask?: number;
}

/**
 * Up to `maxPerTask` pairs per task of a passing reply (chosen) against a failing one (rejected).
 * With passing replies c0, c1, ... and failing ones r0, r1, ... (round, then index order), pairs
 * are taken shift by shift: shift 0 pairs c0-r0, c1-r1, ...; shift 1 pairs c0-r1, c1-r2, ...
 * (indices of failing replies wrap around). Every pair is distinct and every reply is used about
 * as often as the others before any is used twice. Unchecked replies take no part, and a pair
 * whose two texts are equal is skipped.
 *
 * @example
 * dpoPairs(tasks, samples, verdicts, { maxPerTask: 2 }); // [{ taskId, chosen, rejected, method: 'dpo', ... }, ...]
 */
export function dpoPairs(
  tasks: readonly FlywheelTask[],
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  options: PairOptions = {},
): PreferencePair[] {
  const maxPerTask = pairCap(options);
  const byTask = judgeByTask(samples, verdicts);
  const pairs: PreferencePair[] = [];
  for (const task of tasks) {
    const judged = byTask.get(task.id) ?? [];
    const good = judged.filter(passed).map((entry) => entry.sample);
    const bad = judged.filter(failed).map((entry) => entry.sample);
    let made = 0;
    for (let shift = 0; shift < bad.length && made < maxPerTask; shift++) {
      for (let position = 0; position < good.length && made < maxPerTask; position++) {
        const chosen = good[position] as Sample;
        const rejected = bad[(position + shift) % bad.length] as Sample;
        if (chosen.text === rejected.text) continue;
        pairs.push(pairOf(task, chosen.round, chosen.text, rejected.text, 'dpo'));
        made++;
      }
    }
  }
  return pairs;
}

/**
 * For each task with a reference `solution`, up to `maxPerTask` pairs of that solution (chosen)
 * against the model's replies (rejected), in round and index order; a reply equal to the
 * solution is skipped. Verdicts play no part. The pair's round is the reply's.
 *
 * @example
 * spinPairs(tasks, samples); // [{ chosen: task.solution, rejected: sample.text, method: 'spin', ... }]
 */
export function spinPairs(tasks: readonly FlywheelTask[], samples: readonly Sample[], options: PairOptions = {}): PreferencePair[] {
  const maxPerTask = pairCap(options);
  const byTask = judgeByTask(samples, []);
  const pairs: PreferencePair[] = [];
  for (const task of tasks) {
    const solution = task.solution;
    if (solution === undefined || solution.trim() === '') continue;
    const own = (byTask.get(task.id) ?? []).map((entry) => entry.sample).filter((sample) => sample.text.trim() !== solution.trim());
    for (const sample of own.slice(0, maxPerTask)) pairs.push(pairOf(task, sample.round, solution, sample.text, 'spin'));
  }
  return pairs;
}

/** A pair under the task's own prompt and system message. */
export function pairOf(
  task: FlywheelTask,
  round: number,
  chosen: string,
  rejected: string,
  method: PreferencePair['method'],
): PreferencePair {
  return { taskId: task.id, round, system: task.system, prompt: task.prompt, chosen, rejected, method };
}

function pairCap(options: PairOptions): number {
  const maxPerTask = options.maxPerTask ?? 1;
  if (!Number.isInteger(maxPerTask) || maxPerTask < 1) {
    throw new OuroError('option-invalid', `maxPerTask must be a positive integer, got ${maxPerTask}`, { field: 'maxPerTask' });
  }
  return maxPerTask;
}
