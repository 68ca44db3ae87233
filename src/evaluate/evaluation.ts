// Turns how an evaluation ended into the Evaluation the engine records.
import type { Evaluation, EvaluationStatus } from '../core/types.ts';
import type { Outcome } from './protocol.ts';
import { checkResult } from './result.ts';
import type { ScoreRange } from '../core/evaluators.ts';

/** What the worker reported, or what the parent saw happen to it. */
export type Ending = Outcome | { status: 'timeout'; error: string };

/** Scores a run accepts; anything outside is `invalid`, so a forged or broken score never enters the archive. */
export type { ScoreRange } from '../core/evaluators.ts';

/**
 * The Evaluation of one candidate. `privateNames` (the experiment's `evaluation.privateMetrics`)
 * are moved out of `metrics` into `privateMetrics` whatever the evaluator said, so that an
 * evaluator written without them in mind still keeps them out of every prompt.
 */
export function toEvaluation(
  candidateId: string,
  ending: Ending,
  stage: string,
  durationMs: number,
  range: ScoreRange = {},
  privateNames: readonly string[] = [],
): Evaluation {
  let failure: { status: Exclude<EvaluationStatus, 'ok'>; error: string };
  if (ending.status === 'ok') {
    // Candidate code runs in the worker and could send anything, so the result is checked again here.
    const check = checkResult(ending.result);
    const outside = check.ok ? outOfRange(check.result.score, range) : undefined;
    if (check.ok && outside === undefined) {
      const split = splitMetrics(check.result.metrics, check.result.privateMetrics, privateNames);
      return { candidateId, status: 'ok', ...check.result, ...split, stage, durationMs };
    }
    failure = { status: 'invalid', error: check.ok ? (outside as string) : check.error };
  } else {
    failure = ending;
  }
  const empty = { metrics: {}, privateMetrics: {}, features: {}, instances: {}, feedback: '', artifacts: {} };
  return { candidateId, status: failure.status, ...empty, stage, error: failure.error, durationMs };
}

/**
 * An Evaluation with the metrics named in `privateNames` moved to `privateMetrics`. For an
 * Evaluation that came from elsewhere (a fleet worker): a name in both keeps the private value.
 */
export function withPrivateMetrics(evaluation: Evaluation, privateNames: readonly string[]): Evaluation {
  return { ...evaluation, ...splitMetrics(evaluation.metrics, evaluation.privateMetrics, privateNames) };
}

function splitMetrics(
  metrics: Record<string, number>,
  privateMetrics: Record<string, number>,
  privateNames: readonly string[],
): { metrics: Record<string, number>; privateMetrics: Record<string, number> } {
  const hidden = new Set([...privateNames, ...Object.keys(privateMetrics)]);
  const shown: Record<string, number> = {};
  const kept: Record<string, number> = { ...privateMetrics };
  for (const [name, value] of Object.entries(metrics)) {
    if (!hidden.has(name)) shown[name] = value;
    else if (!Object.hasOwn(kept, name)) kept[name] = value;
  }
  return { metrics: shown, privateMetrics: kept };
}

function outOfRange(score: number, range: ScoreRange): string | undefined {
  if (range.max !== undefined && score > range.max) return `score ${score} is above evaluation.scoreRange.max (${range.max})`;
  if (range.min !== undefined && score < range.min) return `score ${score} is below evaluation.scoreRange.min (${range.min})`;
  return undefined;
}
