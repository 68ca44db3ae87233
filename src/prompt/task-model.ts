import { OuroError } from '../core/errors.ts';
import type { TaskCompletion, TaskModelRequest, TaskModels } from '../core/evaluator.ts';

const HOW_TO_GIVE_ONE =
  'run with --model, such as --model openai:gpt-4.1-mini, or --model compat:http://127.0.0.1:11434/v1#qwen2.5:7b ' +
  'for a local Ollama server (any OpenAI-compatible server works as compat:<base URL>#<model>), ' +
  "or name one in the config's models field";

/**
 * The model a task calls: `wanted` when given (it must be one of the run's), else the run's
 * first. A run with no model is an error saying how to give one.
 *
 * @example
 * chooseModel(context.models, undefined, 'model') // 'openai:gpt-4.1-mini', the run's first
 */
export function chooseModel(models: TaskModels, wanted: string | undefined, field: string): string {
  if (models.ids.length === 0) {
    throw new OuroError(
      'model-missing',
      `this prompt task calls a model to answer each instance, and the run has none: ${HOW_TO_GIVE_ONE}`,
      {
        field: 'models',
      },
    );
  }
  if (wanted === undefined) return models.ids[0] as string;
  if (!models.ids.includes(wanted)) {
    throw new OuroError(
      'model-missing',
      `${field}: ${wanted} is not one of the run's models (${models.ids.join(', ')}); add it with --model ${wanted} ` +
        "or in the config's models field",
      { field },
    );
  }
  return wanted;
}

/**
 * The task's calls within one evaluation, counted: how many, how many the run's cache answered,
 * what they cost and how many replies hit the output cap. Errors pass through untouched: a
 * failed model call fails the evaluation.
 */
export class CallTally {
  calls = 0;
  cached = 0;
  costUsd = 0;
  truncated = 0;

  constructor(private readonly models: TaskModels) {}

  async complete(request: TaskModelRequest): Promise<TaskCompletion> {
    const completion = await this.models.complete(request);
    this.calls++;
    if (completion.cached) this.cached++;
    this.costUsd += completion.costUsd;
    if (completion.finishReason === 'length') this.truncated++;
    return completion;
  }

  /** Adds another tally's counts, for totals over an evaluation's stages. */
  add(other: CallTally): void {
    this.calls += other.calls;
    this.cached += other.cached;
    this.costUsd += other.costUsd;
    this.truncated += other.truncated;
  }
}
