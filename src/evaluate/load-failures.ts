// What the pool does when a replacement worker cannot load the evaluator once the run is going:
// retry with backoff, fail a candidate that waited too long, and give up only after many failures in a row.

/**
 * A candidate waiting with no loaded worker to take it gets a failed Evaluation once this many
 * loads in a row have failed while it waited; the run goes on with the next candidate.
 */
export const LOAD_ATTEMPTS_PER_CANDIDATE = 3;

/**
 * After this many failed loads in a row, with no load succeeding in between, the pool stops for
 * good: every evaluation from then on rejects with an error naming the evaluator file. With the
 * default 30 s load timeout and the backoff below, that is about three minutes of failures.
 */
export const MAX_CONSECUTIVE_LOAD_FAILURES = 6;

const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 5_000;

/**
 * Counts failed loads in a row. A worker that was already loading when an earlier failure was
 * counted shares that failure's cause (the same stall, the same broken file), so its own failure
 * is not counted again: each stamp counts at most once.
 * @example
 * const loads = new LoadFailures();
 * const stamp = loads.stamp(); // when a worker starts loading
 * if (loads.record(stamp) && loads.exhausted) stop(); // when it failed
 */
export class LoadFailures {
  /** Failed loads counted since the last load that succeeded. */
  streak = 0;
  private epoch = 0;

  /** The stamp of a worker that starts loading now. */
  stamp(): number {
    return this.epoch;
  }

  /** Records a failed load; false when it is not counted, because an earlier failure already covered it. */
  record(stamp: number): boolean {
    if (stamp !== this.epoch) return false;
    this.epoch++;
    this.streak++;
    return true;
  }

  /** A worker loaded: the streak is over. */
  succeeded(): void {
    this.streak = 0;
  }

  /** Whether the pool should stop trying. */
  get exhausted(): boolean {
    return this.streak >= MAX_CONSECUTIVE_LOAD_FAILURES;
  }

  /** How long to wait before the next attempt: doubling from 250 ms, at most 5 s. */
  backoffMs(): number {
    return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, this.streak - 1));
  }
}
