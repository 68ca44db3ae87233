// What travels between the controller and the workers, checked on arrival.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Evaluation, Genome } from '../core/types.ts';

export const EvaluateJob = z.object({
  /** The controller's Ouroboros version; a worker on another version refuses the job. */
  version: z.string().min(1),
  /** sha256 of the experiment bundle the evaluator lives in. */
  bundle: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  /** The evaluator's path inside the bundle. */
  evaluator: z.string().min(1).refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), 'a relative path inside the bundle'),
  options: z.record(z.string(), z.unknown()),
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  scoreRange: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
  candidateId: z.string().min(1),
  genome: z.record(z.string(), z.string()),
});
export type EvaluateJob = z.infer<typeof EvaluateJob>;

const EvaluationResult = z.object({
  candidateId: z.string(),
  status: z.enum(['ok', 'invalid', 'error', 'timeout']),
  score: z.number().optional(),
  metrics: z.record(z.string(), z.number()),
  features: z.record(z.string(), z.number()),
  instances: z.record(z.string(), z.number()),
  feedback: z.string(),
  artifacts: z.record(z.string(), z.unknown()),
  stage: z.string(),
  error: z.string().optional(),
  durationMs: z.number(),
});

/** Failure reasons that start with this are a version mismatch, which the controller does not retry. */
export const VERSION_MISMATCH = 'version mismatch:';
/** A refused payload's failure reason starts with this. */
export const INVALID_PAYLOAD = 'invalid evaluate job:';

/**
 * The job id of a candidate's evaluation: run id and seq (the candidate id) plus a short hash of
 * the genome, so that a re-add of the same candidate finds the job already there (BullMQ ignores
 * an add whose id exists), while a resumed controller that proposes another genome for the same
 * seq gets a fresh job instead of a stale result.
 */
export function evaluateJobId(candidateId: string, genome: Genome): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(genome).sort()) hash.update(name).update('\0').update(genome[name] ?? '').update('\0');
  // BullMQ job ids may not contain ':' (it separates key parts).
  return `${candidateId.replaceAll(':', '_')}.${hash.digest('hex').slice(0, 12)}`;
}

/** Reads a worker's returned value as an Evaluation, or says what is wrong with it. */
export function parseEvaluation(value: unknown, candidateId: string): Evaluation | string {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return 'the worker returned text that is not JSON';
    }
  }
  const parsed = EvaluationResult.safeParse(data);
  if (!parsed.success) return `the worker returned an invalid evaluation: ${z.prettifyError(parsed.error)}`;
  const evaluation = parsed.data as Evaluation;
  if (evaluation.candidateId !== candidateId) return `the worker returned the evaluation of ${evaluation.candidateId}, not ${candidateId}`;
  return evaluation;
}

/** The evaluation recorded when the fleet could not evaluate a candidate. */
export function errorEvaluation(candidateId: string, error: string): Evaluation {
  return { candidateId, status: 'error', metrics: {}, features: {}, instances: {}, feedback: '', artifacts: {}, stage: 'fleet', error, durationMs: 0 };
}
