// What both stages of a prompt task share: the checked options, the splits, and the traces carried between stages.
import type { EvaluateContext } from '../core/evaluator.ts';
import type { Genome } from '../core/types.ts';
import { judgeOf, type ScoreOutput } from './metric-choice.ts';
import type { PromptTaskOptions, TaskSettings } from './options.ts';
import { promptComponents } from './render.ts';
import type { InstanceTrace, ScoringPlan } from './scoring.ts';
import type { DatasetSplits } from './splits.ts';
import { CallTally, chooseModel } from './task-model.ts';

/** What the gate hands the final stage of the same candidate. */
export interface CarriedMinibatch {
  traces: InstanceTrace[];
  /** The parent's mean on the same instances, when the candidate has a parent. */
  parentMean?: number;
  /** The gate's calls, so that the final stage reports the candidate's total. */
  tally: CallTally;
}

/**
 * Minibatch traces waiting for their candidate's final stage, in module memory: a worker runs
 * both stages of one candidate before the next. Entries are taken once; a few at most are kept,
 * so that a final stage that never comes (a worker stopped between stages) leaks nothing for long.
 */
export class CarriedMinibatches {
  private readonly waiting = new Map<string, CarriedMinibatch>();

  constructor(private readonly capacity = 8) {}

  put(candidateId: string, carried: CarriedMinibatch): void {
    this.waiting.delete(candidateId);
    this.waiting.set(candidateId, carried);
    while (this.waiting.size > this.capacity) this.waiting.delete(this.waiting.keys().next().value as string);
  }

  /** The candidate's carried traces, removed from memory; undefined when none wait. */
  take(candidateId: string): CarriedMinibatch | undefined {
    const carried = this.waiting.get(candidateId);
    this.waiting.delete(candidateId);
    return carried;
  }

  get size(): number {
    return this.waiting.size;
  }
}

export interface TaskCore {
  options: PromptTaskOptions;
  settings: TaskSettings;
  metric: ScoreOutput;
  splits: DatasetSplits;
  carried: CarriedMinibatches;
}

/** The scoring plan of one stage: its models chosen (an error when the run has none), a fresh call tally. */
export function planFor(core: TaskCore, context: EvaluateContext): ScoringPlan {
  const model = chooseModel(context.models, core.options.model, 'model');
  const judge = judgeOf(core.options.metric ?? 'exact');
  if (judge?.model !== undefined) chooseModel(context.models, judge.model, 'metric.judge.model');
  return {
    tally: new CallTally(context.models),
    model,
    temperature: core.settings.temperature,
    ...(core.options.maxOutputTokens === undefined ? {} : { maxOutputTokens: core.options.maxOutputTokens }),
    concurrency: core.settings.concurrency,
    ...(core.options.render === undefined ? {} : { render: core.options.render }),
    metric: core.metric,
  };
}

/** A genome's prompt components as the task's `components` option names them. */
export function componentsOf(core: TaskCore, genome: Genome): Record<string, string> {
  return promptComponents(genome, core.options.components);
}
