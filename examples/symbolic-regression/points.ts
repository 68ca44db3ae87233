// The problem: Nguyen-1, y = x^3 + x^2 + x, fitted on 20 points in [-1, 1] and checked on 39
// other points, between the training points and beyond them, out to |x| = 2.

/** The formula the run should recover. */
export function target(x: number): number {
  return x * x * x + x * x + x;
}

/** What the formula is, as README and feedback print it. */
export const FORMULA = 'x^3 + x^2 + x';

/** The 20 points the score is computed on: evenly spaced over [-1, 1], both ends included. */
export const TRAINING_XS: readonly number[] = Array.from({ length: 20 }, (_, index) => -1 + (2 * index) / 19);

/**
 * The 39 points that decide whether the formula was recovered, none of them a training point: the
 * 19 midpoints between neighbouring training points, and 10 points on each side beyond the
 * training range (|x| from 1.1 to 2), where a cubic that only fits [-1, 1] drifts away fast.
 */
export const HELD_OUT_XS: readonly number[] = [
  ...Array.from({ length: 19 }, (_, index) => -1 + (2 * index + 1) / 19),
  ...Array.from({ length: 10 }, (_, index) => -(1 + (index + 1) / 10)),
  ...Array.from({ length: 10 }, (_, index) => 1 + (index + 1) / 10),
];

/** Below this largest absolute error on every held-out point, the formula counts as recovered. */
export const EXACT_TOLERANCE = 1e-10;

/** Stands for an error that is not a finite number (a held-out prediction of NaN or Infinity): metrics must be finite. */
export const UNBOUNDED_ERROR = Number.MAX_VALUE;

export interface HeldOutReport {
  /** The largest absolute error over the held-out points; UNBOUNDED_ERROR when a prediction is not finite. */
  maxError: number;
  /** The mean squared error over the held-out points; UNBOUNDED_ERROR when it is not finite. */
  mse: number;
  /** True when every held-out error is below EXACT_TOLERANCE. */
  exact: boolean;
}

/** The mean squared error of `predictions` against the formula at `xs`; Infinity when it overflows. */
export function meanSquaredError(xs: readonly number[], predictions: readonly number[]): number {
  let squared = 0;
  xs.forEach((x, index) => {
    squared += ((predictions[index] as number) - target(x)) ** 2;
  });
  return squared / xs.length;
}

/** How far `predictions` (one per held-out x, anything the candidate returned) are from the formula. */
export function heldOutReport(predictions: readonly unknown[]): HeldOutReport {
  let maxError = 0;
  HELD_OUT_XS.forEach((x, index) => {
    const predicted = predictions[index];
    const error = typeof predicted === 'number' ? Math.abs(predicted - target(x)) : Number.NaN;
    maxError = Number.isFinite(error) ? Math.max(maxError, error) : UNBOUNDED_ERROR;
  });
  const numbers = predictions.map((predicted) => (typeof predicted === 'number' ? predicted : Number.NaN));
  const mse = maxError === UNBOUNDED_ERROR ? UNBOUNDED_ERROR : meanSquaredError(HELD_OUT_XS, numbers);
  return { maxError, mse: Number.isFinite(mse) ? mse : UNBOUNDED_ERROR, exact: maxError < EXACT_TOLERANCE };
}
