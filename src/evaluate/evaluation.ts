// Turns how an evaluation ended into the Evaluation the engine records.
import type { Evaluation, EvaluationStatus } from '../core/types.ts';
import type { Outcome } from './protocol.ts';
import { checkResult } from './result.ts';
import type { ScoreRange } from '../core/evaluators.ts';

/** What the worker reported, or what the parent saw happen to it. */
export type Ending = Outcome | { status: 'timeout'; error: string };

/** Scores a run accepts; anything outside is `invalid`, so a forged or broken score never enters the archive. */
export type { ScoreRange } from '../core/evaluators.ts';

export function toEvaluation(candidateId: string, ending: Ending, stage: string, durationMs: number, range: ScoreRange = {}): Evaluation {
  let failure: { status: Exclude<EvaluationStatus, 'ok'>; error: string };
  if (ending.status === 'ok') {
    // Candidate code runs in the worker and could send anything, so the result is checked again here.
    const check = checkResult(ending.result);
    const outside = check.ok ? outOfRange(check.result.score, range) : undefined;
    if (check.ok && outside === undefined) return { candidateId, status: 'ok', ...check.result, stage, durationMs };
    failure = { status: 'invalid', error: check.ok ? (outside as string) : check.error };
  } else {
    failure = ending;
  }
  const empty = { metrics: {}, features: {}, instances: {}, feedback: '', artifacts: {} };
  return { candidateId, status: failure.status, ...empty, stage, error: failure.error, durationMs };
}

function outOfRange(score: number, range: ScoreRange): string | undefined {
  if (range.max !== undefined && score > range.max) return `score ${score} is above evaluation.scoreRange.max (${range.max})`;
  if (range.min !== undefined && score < range.min) return `score ${score} is below evaluation.scoreRange.min (${range.min})`;
  return undefined;
}
