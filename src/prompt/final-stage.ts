// The final stage: the val split scores a candidate (the sealed test split, when the purpose is `test`).
import type { EvaluateContext, EvaluationResult } from '../core/evaluator.ts';
import { OuroError } from '../core/errors.ts';
import type { Genome } from '../core/types.ts';
import { type InstanceTrace, meanScore, scoreInstances } from './scoring.ts';
import { drawMinibatch } from './splits.ts';
import { type CarriedMinibatch, componentsOf, planFor, type TaskCore } from './task-core.ts';
import type { CallTally } from './task-model.ts';
import { formatScore, storedTraces, tracesText } from './traces.ts';

/**
 * Scores every val instance. The feedback is this candidate's train minibatch traces (carried
 * from the gate, or drawn here when the evaluator exports no gate), so that reflection reads real
 * traces; the test split stays out of every call, text and artifact.
 */
export async function finalStage(core: TaskCore, genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  // Taken first, so that nothing stays behind whatever happens below.
  const carried = core.carried.take(context.candidateId);
  if (context.purpose === 'test') return testStage(core, genome, context);
  const plan = planFor(core, context);
  const components = componentsOf(core, genome);
  const minibatch: CarriedMinibatch = carried ?? {
    traces: await scoreInstances(
      components,
      drawMinibatch(core.splits.train, core.settings.minibatch, context.candidateId, core.settings.seed),
      'train',
      plan,
    ),
    tally: plan.tally,
  };
  const val = await scoreInstances(components, core.splits.val, 'val', plan);
  if (carried !== undefined) plan.tally.add(carried.tally);

  const accuracy = meanScore(val);
  const trainMean = meanScore(minibatch.traces);
  const parent = minibatch.parentMean === undefined ? '' : ` (its parent: ${formatScore(minibatch.parentMean)})`;
  const feedback = [
    `Validation: ${summary(val)}.`,
    `Training minibatch: mean score ${formatScore(trainMean)} on ${minibatch.traces.length} examples${parent}. Its traces, worst first:`,
    tracesText(minibatch.traces, core.settings.feedbackChars),
  ].join('\n\n');
  return {
    score: accuracy,
    instances: Object.fromEntries(val.map((trace) => [trace.id, trace.score])),
    metrics: {
      accuracy,
      valInstances: val.length,
      minibatch: trainMean,
      ...(minibatch.parentMean === undefined ? {} : { parentMinibatch: minibatch.parentMean }),
      failedMetrics: failures(val) + failures(minibatch.traces),
      ...callMetrics(plan.tally),
    },
    feedback,
    artifacts: {
      train: storedTraces(minibatch.traces, core.settings.traceChars),
      val: storedTraces(val, core.settings.traceChars),
    },
  };
}

/** `ouro best --test`: the sealed test split alone, no gate, no train traces. */
async function testStage(core: TaskCore, genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  if (core.splits.test.length === 0) {
    throw new OuroError('option-invalid', 'this evaluation asks for the test split, but splits.test is 0: give the task a test split', {
      field: 'splits.test',
    });
  }
  const plan = planFor(core, context);
  const test = await scoreInstances(componentsOf(core, genome), core.splits.test, 'test', plan);
  const accuracy = meanScore(test);
  return {
    score: accuracy,
    instances: Object.fromEntries(test.map((trace) => [trace.id, trace.score])),
    metrics: { accuracy, testInstances: test.length, failedMetrics: failures(test), ...callMetrics(plan.tally) },
    feedback: `Test: ${summary(test)}.`,
    artifacts: { test: storedTraces(test, core.settings.traceChars) },
  };
}

function summary(traces: readonly InstanceTrace[]): string {
  const full = traces.filter((trace) => trace.score === 1).length;
  const failed = failures(traces);
  const failedText = failed === 0 ? '' : `, ${failed} where the metric failed`;
  return `mean score ${formatScore(meanScore(traces))} over ${traces.length} instances (${full} with full marks${failedText})`;
}

function failures(traces: readonly InstanceTrace[]): number {
  return traces.filter((trace) => trace.error !== undefined).length;
}

function callMetrics(tally: CallTally): Record<string, number> {
  return { modelCalls: tally.calls, cachedCalls: tally.cached, truncatedOutputs: tally.truncated, costUsd: tally.costUsd };
}
