import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';
import { BEST_KNOWN_SUM, CIRCLE_COUNT, checkPacking, readCircles } from './check.ts';

/**
 * Runs the candidate's pack(26) in an isolate and scores the circles it returns by the sum of
 * radii, which is recomputed here, in the evaluator's own realm: the candidate can neither see
 * nor patch this code, and nothing else it returns or exports is read. An invalid packing
 * throws, so the run records status `error` with the reason instead of a silent zero.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const program = await context.isolate('pack.js');
  if (!program.exports.includes('pack')) throw new Error('pack.js must export a function named pack');
  const circles = readCircles(await program.call('pack', CIRCLE_COUNT), CIRCLE_COUNT);
  const { sumRadii, minRadius, maxRadius, spread } = checkPacking(circles);
  const gap = BEST_KNOWN_SUM - sumRadii;
  return {
    score: sumRadii,
    metrics: { sum_radii: sumRadii, min_radius: minRadius, max_radius: maxRadius },
    features: { spread },
    feedback:
      `Valid packing of ${CIRCLE_COUNT} circles, sum of radii ${sumRadii.toFixed(6)}; ` +
      (gap > 0
        ? `${gap.toFixed(6)} below the best known ${BEST_KNOWN_SUM} (AlphaEvolve).`
        : `${(-gap).toExponential(2)} above the best known ${BEST_KNOWN_SUM} (AlphaEvolve).`) +
      `\nRadii range from ${minRadius.toFixed(4)} to ${maxRadius.toFixed(4)} (spread ${spread.toFixed(4)}).`,
    artifacts: { circles },
  };
}
