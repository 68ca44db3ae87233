// Runs a prompt on instances: render, one model call each, then the metric; a few calls in flight at once.
import { mapWithLimit } from '../core/concurrency.ts';
import type { DatasetInstance } from './dataset.ts';
import type { ScoreOutput } from './metric-choice.ts';
import type { RenderFunction } from './options.ts';
import { renderMessages } from './render.ts';
import type { CallTally } from './task-model.ts';

/** What happened on one instance: what the model was asked and said, and how the metric scored it. */
export interface InstanceTrace {
  id: string;
  split: 'train' | 'val' | 'test';
  input: string;
  output: string;
  target: string;
  /** In [0, 1]; 0 when the metric failed. */
  score: number;
  /** The metric's word on the output, when it gave one. */
  feedback?: string;
  /** Why the metric failed on this instance. */
  error?: string;
  /** The run's cache answered the call. */
  cached: boolean;
  /** The reply hit the output-token cap and is probably cut short. */
  truncated: boolean;
}

/** Everything that stays the same across the instances of one evaluation. */
export interface ScoringPlan {
  tally: CallTally;
  model: string;
  temperature: number;
  maxOutputTokens?: number;
  concurrency: number;
  render?: RenderFunction;
  metric: ScoreOutput;
}

/**
 * Scores a prompt's components on instances, in instance order. A model call that fails rejects
 * (after the calls already in flight settle), so the evaluation fails rather than scoring on.
 */
export async function scoreInstances(
  components: Readonly<Record<string, string>>,
  instances: readonly DatasetInstance[],
  split: InstanceTrace['split'],
  plan: ScoringPlan,
): Promise<InstanceTrace[]> {
  const calls = { model: plan.model, complete: plan.tally.complete.bind(plan.tally) };
  return mapWithLimit(instances, plan.concurrency, async (instance): Promise<InstanceTrace> => {
    const messages = renderMessages(components, instance.input, instance.row, plan.render, instance.id);
    const completion = await calls.complete({
      messages,
      model: plan.model,
      temperature: plan.temperature,
      ...(plan.maxOutputTokens === undefined ? {} : { maxOutputTokens: plan.maxOutputTokens }),
    });
    const outcome = await plan.metric(completion.text, instance, calls);
    const base = {
      id: instance.id,
      split,
      input: instance.input,
      output: completion.text,
      target: instance.target,
      cached: completion.cached,
      truncated: completion.finishReason === 'length',
    };
    if ('error' in outcome) return { ...base, score: 0, error: outcome.error };
    return outcome.feedback === undefined
      ? { ...base, score: outcome.score }
      : { ...base, score: outcome.score, feedback: outcome.feedback };
  });
}

/** The mean score of some traces; 0 for none. */
export function meanScore(traces: readonly InstanceTrace[]): number {
  if (traces.length === 0) return 0;
  return traces.reduce((sum, trace) => sum + trace.score, 0) / traces.length;
}

/** The project's bounded map, under the name the prompt code has used. */
export { mapWithLimit as mapLimited } from '../core/concurrency.ts';
