/**
 * Small pieces every verifier shares: the verdict for a sample, the check that a task's samples
 * are its own, and running work on a few samples at a time.
 */
export { mapWithLimit } from '../../core/concurrency.ts';
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, Sample, Verdict, VerifierName } from '../types.ts';

/** A verdict for `sample`; `score` and `detail` are left out when undefined. */
export function verdictFor(sample: Sample, verifier: VerifierName, passed: boolean, detail?: string, score?: number): Verdict {
  const verdict: Verdict = { taskId: sample.taskId, round: sample.round, index: sample.index, verifier, passed };
  if (score !== undefined) verdict.score = score;
  if (detail !== undefined) verdict.detail = detail;
  return verdict;
}

/** Throws when a sample belongs to another task: a caller's mix-up that would file verdicts under the wrong task. */
export function checkSamplesOf(task: FlywheelTask, samples: readonly Sample[], verifier: VerifierName): void {
  for (let index = 0; index < samples.length; index++) {
    const taskId = (samples[index] as Sample).taskId;
    if (taskId !== task.id) {
      throw new OuroError('option-invalid', `the ${verifier} verifier was given a sample of task "${taskId}" with task "${task.id}"`, {
        field: 'samples',
      });
    }
  }
}

/** The error for a task a verifier does not accept (its `accepts` said no). */
export function notAccepted(task: FlywheelTask, verifier: VerifierName, why: string): OuroError {
  return new OuroError('option-invalid', `the ${verifier} verifier cannot check task "${task.id}": ${why}`, { field: 'verifier' });
}

/** A positive whole number option, or the fallback when it is undefined. */
export function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new OuroError('option-invalid', `${field} must be a positive whole number, got ${JSON.stringify(value)}`, { field });
  }
  return value;
}
