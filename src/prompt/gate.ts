// GEPA's minibatch gate: a child goes on to validation only when it does no worse than its parent on a few train instances.
import type { EvaluateContext, EvaluationResult } from '../core/evaluator.ts';
import type { Genome } from '../core/types.ts';
import { meanScore, scoreInstances } from './scoring.ts';
import { drawMinibatch } from './splits.ts';
import { componentsOf, planFor, type TaskCore } from './task-core.ts';
import { formatScore, storedTraces, tracesText } from './traces.ts';

/** The gate stage's name, as the run records the stage an evaluation stopped at. */
export const MINIBATCH_STAGE = 'minibatch';

/**
 * Scores the candidate, and its parent when it has one, on the same `minibatch` train instances
 * (drawn from the candidate id). The score is child mean - parent mean (0 without a parent): the
 * stage's threshold of 0 lets a child that is not worse through, and stops a worse one with a
 * negative score that no val accuracy can lose to. Passing traces wait for the final stage.
 */
export async function minibatchStage(core: TaskCore, genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  if (context.purpose === 'test') {
    return { score: 0, feedback: 'Minibatch gate skipped: this evaluation scores the sealed test split only.' };
  }
  const plan = planFor(core, context);
  const batch = drawMinibatch(core.splits.train, core.settings.minibatch, context.candidateId, core.settings.seed);
  const traces = await scoreInstances(componentsOf(core, genome), batch, 'train', plan);
  const mean = meanScore(traces);
  const parentTraces = context.parent ? await scoreInstances(componentsOf(core, context.parent.genome), batch, 'train', plan) : undefined;
  const parentMean = parentTraces === undefined ? undefined : meanScore(parentTraces);
  // Equal sums added in another order may differ in the last bit; a tie must pass.
  const raw = parentMean === undefined ? 0 : mean - parentMean;
  const difference = Math.abs(raw) < 1e-12 ? 0 : raw;
  const passes = difference >= 0;
  if (passes) core.carried.put(context.candidateId, { traces, ...(parentMean === undefined ? {} : { parentMean }), tally: plan.tally });

  const verdict = gateVerdict(mean, batch.length, context.parent?.id, parentMean, difference);
  return {
    score: difference,
    metrics: {
      minibatch: mean,
      ...(parentMean === undefined ? {} : { parentMinibatch: parentMean }),
      modelCalls: plan.tally.calls,
      cachedCalls: plan.tally.cached,
    },
    feedback: passes
      ? verdict
      : `${verdict}\n\nThis candidate's minibatch traces, worst first:\n\n${tracesText(traces, core.settings.feedbackChars)}`,
    artifacts: {
      minibatch: storedTraces(traces, core.settings.traceChars),
      ...(parentTraces === undefined ? {} : { parentMinibatch: storedTraces(parentTraces, core.settings.traceChars) }),
    },
  };
}

function gateVerdict(mean: number, size: number, parentId: string | undefined, parentMean: number | undefined, difference: number): string {
  const scored = `Minibatch gate: mean score ${formatScore(mean)} on ${size} training examples`;
  if (parentMean === undefined) return `${scored}; no parent to compare with, so it goes on to validation.`;
  const against = `its parent ${parentId} scored ${formatScore(parentMean)} on the same examples`;
  if (difference >= 0) return `${scored}; ${against}, so it is not worse and goes on to validation.`;
  return (
    `${scored}; ${against}, so it is worse and stops here without a validation score. ` +
    `Its score is the difference, ${formatScore(difference)}.`
  );
}
