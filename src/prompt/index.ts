/**
 * Prompt tasks: an evaluator that scores an evolving prompt on a JSONL dataset, with train, val
 * and sealed test splits, a GEPA minibatch gate and per-instance val scores for a Pareto archive.
 */
export { promptTask } from './task.ts';
export type {
  DatasetRow,
  JudgeOptions,
  MetricChoice,
  MetricFunction,
  MetricResult,
  PromptTask,
  PromptTaskOptions,
  RenderFunction,
  SplitCounts,
  SplitSizes,
} from './options.ts';
export { PROMPT_TASK_DEFAULTS } from './options.ts';
export { exactMatch, gsm8kTarget, lastNumber, markedAnswer, numericMatch } from './metrics.ts';
export type { InstanceTrace } from './scoring.ts';
