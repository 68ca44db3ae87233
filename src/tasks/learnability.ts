/**
 * Learnability: whether a kept task can teach the solver anything, judged by its pass rate over n
 * attempts. Absolute Zero's learnability reward is the idea: a task the solver always solves or
 * never solves carries no learning signal, and among the rest, the harder one is worth more
 * (reward 1 - pass rate). Here the band is configurable: a task is kept only when its pass rate
 * lies strictly inside (low, high), both strictly between 0 and 1; a band just inside the ends, such as
 * `{ low: 0.01, high: 0.99 }`, is Absolute Zero's own rule.
 */
import { mapWithLimit } from '../core/concurrency.ts';
import { OuroError } from '../core/errors.ts';
import type { Attempts, LearnabilityBounds, RejectReason } from './types.ts';

/** What `learnabilityOf` says of one pass rate. */
export interface Learnability {
  keep: boolean;
  /** 1 - pass rate inside the band, else 0. */
  reward: number;
  /** Why it was not kept: at or above the high bound, or at or below the low one. */
  reason?: Extract<RejectReason, 'too-easy' | 'too-hard'>;
}

/**
 * Returns the bounds when both lie strictly inside (0, 1) and low < high; else throws an
 * `option-invalid` OuroError whose field is `bounds.low`, `bounds.high`, or `bounds` for a low bound
 * not below the high one. Absolute Zero's own rule (drop only the always- and never-solved tasks)
 * is a band just inside the ends, such as 0.01 and 0.99. Equal bounds would leave an empty band.
 *
 * @example
 * checkBounds({ low: 0.2, high: 0.8 }); // returns it
 * checkBounds({ low: 0.8, high: 0.2 }); // throws: bounds.low (0.8) must be below bounds.high (0.2)
 */
export function checkBounds(bounds: LearnabilityBounds): LearnabilityBounds {
  for (const side of ['low', 'high'] as const) {
    const value = bounds[side];
    if (typeof value !== 'number' || !(value > 0 && value < 1)) {
      throw new OuroError('option-invalid', `bounds.${side} must be a number strictly between 0 and 1, got ${String(value)}`, {
        field: `bounds.${side}`,
      });
    }
  }
  if (!(bounds.low < bounds.high)) {
    throw new OuroError('option-invalid', `bounds.low (${bounds.low}) must be below bounds.high (${bounds.high})`, { field: 'bounds' });
  }
  return bounds;
}

/**
 * Keeps a task whose pass rate lies strictly between the bounds; its reward is then 1 - pass rate.
 * A pass rate exactly on a bound is out. Throws `option-invalid` (field `passRate` or the bound's)
 * on a pass rate outside [0, 1] or bad bounds.
 *
 * @example
 * learnabilityOf(0.5, { low: 0.1, high: 0.9 }); // { keep: true, reward: 0.5 }
 * learnabilityOf(1, { low: 0.1, high: 0.9 }); // { keep: false, reward: 0, reason: 'too-easy' }
 */
export function learnabilityOf(passRate: number, bounds: LearnabilityBounds): Learnability {
  checkBounds(bounds);
  if (typeof passRate !== 'number' || !(passRate >= 0 && passRate <= 1)) {
    throw new OuroError('option-invalid', `passRate must be a number in [0, 1], got ${String(passRate)}`, { field: 'passRate' });
  }
  if (passRate >= bounds.high) return { keep: false, reward: 0, reason: 'too-easy' };
  if (passRate <= bounds.low) return { keep: false, reward: 0, reason: 'too-hard' };
  return { keep: true, reward: 1 - passRate };
}

/** The tally of `attemptTask`: `Attempts` without the task and model, which the caller knows. */
export type AttemptTally = Omit<Attempts, 'taskId' | 'model'>;

/**
 * Runs `attempt(index)` for index 0..n-1, at most `concurrency` at a time, and counts the ones that
 * resolved to true. An attempt that throws is not a failed attempt (a crashed model call says
 * nothing about the task), so no new attempt starts and the call rejects with the first error once
 * the running ones settle; a caller that wants an error to count as a failure catches it inside
 * `attempt`. Throws `option-invalid` (field `n` or `concurrency`) unless both are positive whole numbers.
 *
 * @example
 * const tally = await attemptTask(8, 2, async () => solve(task));
 * const { keep } = learnabilityOf(tally.passRate, { low: 0.1, high: 0.9 });
 */
export async function attemptTask(n: number, concurrency: number, attempt: (index: number) => Promise<boolean>): Promise<AttemptTally> {
  for (const [field, value] of [
    ['n', n],
    ['concurrency', concurrency],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new OuroError('option-invalid', `${field} must be a positive whole number, got ${String(value)}`, { field });
    }
  }
  const results = await mapWithLimit(
    Array.from({ length: n }, (_, index) => index),
    concurrency,
    attempt,
  );
  const passed = results.filter((result) => result === true).length;
  return { attempts: n, passed, passRate: passed / n };
}
