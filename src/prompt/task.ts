import { basename } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { datasetPath, readDataset } from './dataset.ts';
import { finalStage } from './final-stage.ts';
import { MINIBATCH_STAGE, minibatchStage } from './gate.ts';
import { checkNumericTargets, resolveMetric } from './metric-choice.ts';
import type { PromptTask, PromptTaskOptions } from './options.ts';
import { readSettings } from './settings.ts';
import { splitCounts, splitDataset } from './splits.ts';
import { CarriedMinibatches, type TaskCore } from './task-core.ts';

/**
 * An evaluator for evolving a prompt on a JSONL dataset, GEPA-style (Agrawal et al. 2025): a
 * minibatch gate on a few train instances against the parent, then the val split for the score
 * and the per-instance scores a `pareto` archive keeps its front over. The test split is sealed:
 * only an evaluation whose purpose is `test` (`ouro best <run> --test`) ever sends it to a model.
 *
 * The dataset, the options and the splits are checked here, when the evaluator module loads,
 * before any model is called. Each evaluation calls the run's models through `context.models`.
 *
 * @example
 * // evaluate.ts, beside system.md (the genome) and data.jsonl
 * const task = promptTask({
 *   dataset: new URL('./data.jsonl', import.meta.url),
 *   input: 'question',
 *   target: gsm8kTarget,
 *   metric: 'numeric',
 *   splits: { train: 40, val: 30, test: 30 },
 * });
 * export const stages = task.stages;
 * export default task.evaluate;
 */
export function promptTask(options: PromptTaskOptions): PromptTask {
  const settings = readSettings(options);
  const metric = resolveMetric(options.metric ?? 'exact');
  const file = datasetPath(options.dataset);
  const name = basename(file);
  const instances = readDataset(file, options);
  if (options.metric === 'numeric') checkNumericTargets(instances, file);
  const counts = splitCounts(options.splits, instances.length, name);
  if (settings.minibatch > counts.train) {
    throw new OuroError('option-invalid', `promptTask minibatch: ${settings.minibatch} is more than the ${counts.train} train instances`, {
      field: 'minibatch',
    });
  }
  const splits = splitDataset(instances, counts, settings.seed);
  const core: TaskCore = { options, settings, metric, splits, carried: new CarriedMinibatches() };
  return {
    stages: [{ name: MINIBATCH_STAGE, threshold: 0, evaluate: (genome, context) => minibatchStage(core, genome, context) }],
    evaluate: (genome, context) => finalStage(core, genome, context),
    splits: counts,
    ids: { train: splits.train.map((instance) => instance.id), val: splits.val.map((instance) => instance.id) },
  };
}
