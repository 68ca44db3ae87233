// Turns how an evaluation ended into the Evaluation the engine records.
import type { Evaluation, EvaluationStatus } from '../core/types.ts';
import type { Outcome } from './protocol.ts';
import { checkResult } from './result.ts';

/** What the worker reported, or what the parent saw happen to it. */
export type Ending = Outcome | { status: 'timeout'; error: string };

export function toEvaluation(candidateId: string, ending: Ending, stage: string, durationMs: number): Evaluation {
  let failure: { status: EvaluationStatus; error: string };
  if (ending.status === 'ok') {
    // Candidate code runs in the worker and could send anything, so the result is checked again here.
    const check = checkResult(ending.result);
    if (check.ok) return { candidateId, status: 'ok', ...check.result, stage, durationMs };
    failure = { status: 'invalid', error: check.error };
  } else {
    failure = ending;
  }
  const empty = { metrics: {}, features: {}, instances: {}, feedback: '', artifacts: {} };
  return { candidateId, status: failure.status, ...empty, stage, error: failure.error, durationMs };
}
