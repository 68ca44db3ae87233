import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';
import { FORMULA, HELD_OUT_XS, heldOutReport, meanSquaredError, TRAINING_XS } from './points.ts';

/**
 * Runs the candidate's model(x) in an isolate at the training points and scores it by minus the
 * mean squared error there, computed here. The held-out points never touch the score: they only
 * fill the metrics `heldout_max_error`, `heldout_mse` and `exact` (1 when every held-out error is
 * below 1e-10, that is, when the formula was recovered). A training prediction that is not a
 * finite number throws, so the run records the candidate as an error with the reason.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const program = await context.isolate('model.js');
  if (!program.exports.includes('model')) throw new Error('model.js must export a function named model');
  const training: number[] = [];
  for (const x of TRAINING_XS) {
    const predicted = await program.call('model', x);
    if (typeof predicted !== 'number') throw new Error(`model(${x}) returned ${JSON.stringify(predicted)}, not a number`);
    if (!Number.isFinite(predicted)) throw new Error(`model(${x}) returned ${predicted}`);
    training.push(predicted);
  }
  const mse = meanSquaredError(TRAINING_XS, training);
  if (!Number.isFinite(mse)) throw new Error('the squared error on the training points overflows');
  const heldOut: unknown[] = [];
  for (const x of HELD_OUT_XS) {
    // A model that throws or stalls beyond the training range has not recovered the formula; it is still scored.
    heldOut.push(await program.call('model', x).catch(() => Number.NaN));
  }
  const report = heldOutReport(heldOut);
  return {
    score: -mse,
    metrics: { mse, heldout_max_error: report.maxError, heldout_mse: report.mse, exact: report.exact ? 1 : 0 },
    // The feedback, which LLM operators read, speaks of the training points only.
    feedback: `Mean squared error ${mse.toExponential(3)} against ${FORMULA} on ${TRAINING_XS.length} points in [-1, 1].`,
  };
}
