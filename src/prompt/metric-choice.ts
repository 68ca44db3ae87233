// Turns the `metric` option into one scoring function with a single outcome shape.
import { basename } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { TaskCompletion, TaskModelRequest } from '../core/evaluator.ts';
import type { DatasetInstance } from './dataset.ts';
import { judgeMessages, parseJudgeReply } from './judge.ts';
import { exactMatch, numericMatch, targetNumber } from './metrics.ts';
import type { JudgeOptions, MetricChoice, MetricResult } from './options.ts';

/** One instance's score, or why the metric could not give one (the instance then scores 0). */
export type MetricOutcome = { score: number; feedback?: string } | { error: string };

/** What a metric may use within an evaluation: the task's model and a (counted) way to call a model. */
export interface MetricCalls {
  model: string;
  complete(request: TaskModelRequest): Promise<TaskCompletion>;
}

/**
 * Scores one output. A model call's failure is not an outcome: it rejects, and so fails the
 * evaluation; only the metric's own faults become `{ error }`.
 */
export type ScoreOutput = (output: string, instance: DatasetInstance, calls: MetricCalls) => Promise<MetricOutcome>;

/** The judge's options when the metric is a judge, for choosing its model before the first call. */
export function judgeOf(choice: MetricChoice): JudgeOptions | undefined {
  return typeof choice === 'object' && choice !== null ? choice.judge : undefined;
}

/** Checks the `metric` option when the task is made, and returns its scoring function. */
export function resolveMetric(choice: MetricChoice): ScoreOutput {
  if (choice === 'exact') return async (output, instance) => ({ score: exactMatch(output, instance.target) });
  if (choice === 'numeric') return async (output, instance) => ({ score: numericMatch(output, instance.target) });
  if (typeof choice === 'function') {
    return async (output, instance) => {
      try {
        return readResult(await choice(output, instance.target, instance.row));
      } catch (error) {
        return { error: `the metric threw: ${error instanceof Error ? error.message : String(error)}` };
      }
    };
  }
  const judge = judgeOf(choice);
  if (judge === undefined || typeof judge !== 'object' || typeof judge.rubric !== 'string' || judge.rubric.trim() === '') {
    throw new OuroError(
      'option-invalid',
      `metric: expected 'exact', 'numeric', a function (output, target, row) => score, or { judge: { rubric } }; got ${describe(choice)}`,
      { field: 'metric' },
    );
  }
  return async (output, instance, calls) => {
    const reply = await calls.complete({
      messages: judgeMessages(judge.rubric, instance.input, instance.target, output),
      model: judge.model ?? calls.model,
      temperature: 0,
      ...(judge.maxOutputTokens === undefined ? {} : { maxOutputTokens: judge.maxOutputTokens }),
    });
    return parseJudgeReply(reply.text);
  };
}

/** For the numeric metric, a target with no number is a dataset error, found before any model call. */
export function checkNumericTargets(instances: readonly DatasetInstance[], file: string): void {
  for (const instance of instances) {
    if (targetNumber(instance.target) !== undefined) continue;
    throw new OuroError(
      'evaluator-invalid',
      `${basename(file)}:${instance.line}: the target ${JSON.stringify(instance.target)} holds no number`,
      {
        file,
        field: 'target',
      },
    );
  }
}

function readResult(value: number | MetricResult): MetricOutcome {
  const result = typeof value === 'number' ? { score: value } : value;
  if (typeof result !== 'object' || result === null || typeof result.score !== 'number') {
    return { error: `the metric returned ${describe(value)}, expected a score in [0, 1] or { score, feedback }` };
  }
  if (!(result.score >= 0 && result.score <= 1)) return { error: `the metric returned the score ${result.score}, outside [0, 1]` };
  if (result.feedback !== undefined && typeof result.feedback !== 'string') {
    return { error: `the metric returned feedback of type ${typeof result.feedback}, expected text` };
  }
  return result.feedback === undefined ? { score: result.score } : { score: result.score, feedback: result.feedback };
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
