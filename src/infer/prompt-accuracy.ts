import type { EvaluationResult } from '../core/evaluator.ts';
import { selfConsistency, type SelfConsistencyOptions } from './self-consistency.ts';
import type { ModelSource } from './types.ts';

export interface DevExample {
  /** Names the example in `instances` and in feedback. */
  id: string;
  question: string;
  /** The expected answer, compared with the extracted, normalised majority answer. */
  answer: string;
}

export interface PromptAccuracyOptions extends Omit<SelfConsistencyOptions, 'system'> {
  /** Fills the evolving prompt with one question; by default the prompt, a blank line, then the question. */
  render?: (prompt: string, question: string) => string;
  /** Questions answered wrongly, quoted in the feedback (3 by default). */
  feedbackExamples?: number;
}

/**
 * Scores a prompt for evolution: the share of a dev set it gets right under self-consistency.
 * Returns an `EvaluationResult` (score, metrics, per-instance scores, feedback naming the misses),
 * so an experiment's evaluator can return it as it is. Model spend shows in the metrics.
 *
 * @example
 * // evaluate.ts of a prompt-evolving experiment
 * const model = createModel(resolveModel({ id: 'compat:http://127.0.0.1:11434/v1#qwen2.5' }, llm));
 * export default async (genome) => selfConsistencyAccuracy(model, genome['system.txt'], DEV_SET, {
 *   extract: 'number', stop: { rule: 'esc', window: 4, maxSamples: 16 },
 * });
 */
export async function selfConsistencyAccuracy(
  source: ModelSource,
  prompt: string,
  examples: readonly DevExample[],
  options: PromptAccuracyOptions = {},
): Promise<EvaluationResult> {
  const render = options.render ?? ((template: string, question: string) => `${template}\n\n${question}`);
  const instances: Record<string, number> = {};
  const misses: string[] = [];
  let samples = 0;
  let tokens = 0;
  let costUsd = 0;
  let halted = 0;
  for (const example of examples) {
    const result = await selfConsistency(source, render(prompt, example.question), options);
    const right = result.answer === example.answer;
    instances[example.id] = right ? 1 : 0;
    if (!right)
      misses.push(
        `${example.id}: expected ${example.answer}, the vote gave ${result.answer ?? 'no answer'} ` +
          `(${result.votes.map((vote) => `${vote.answer} x${vote.votes}`).join(', ') || 'no answers'})`,
      );
    samples += result.samples.length;
    tokens += result.cost.inputTokens + result.cost.outputTokens;
    costUsd += result.cost.costUsd;
    if (result.halted) halted += 1;
  }
  const count = Math.max(1, examples.length);
  const right = Object.values(instances).reduce((sum, value) => sum + value, 0);
  const shown = misses.slice(0, options.feedbackExamples ?? 3);
  return {
    score: right / count,
    metrics: { accuracy: right / count, samplesPerQuestion: samples / count, tokens, costUsd, halted },
    instances,
    feedback:
      misses.length === 0
        ? `All ${examples.length} dev questions right.`
        : [
            `${right} of ${examples.length} dev questions right. Missed:`,
            ...shown,
            ...(misses.length > shown.length ? [`... and ${misses.length - shown.length} more`] : []),
          ].join('\n'),
  };
}
