// What a worker's job processors share: its identity, its Redis, its cache and its jobs in hand.
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { z } from 'zod';
import { isOuroError } from '../core/errors.ts';
import type { FleetRedis } from './connection.ts';
import { VERSION_MISMATCH } from './protocol.ts';

export interface WorkerContext {
  id: string;
  version: string;
  redis: FleetRedis;
  cacheDir: string;
  concurrency: number;
  unsafe: boolean;
  /** The Python interpreter for Python evaluators on this machine (`--python`); `python3` on PATH when absent. */
  python?: string;
  /** Jobs in hand, for the heartbeat; `candidate` names what the job works on. */
  running: Map<string, { job: string; candidate: string; since: number }>;
  /** Stops taking jobs for good, saying why (a controller on another version). */
  standDown(reason: string): void;
}

/**
 * The job's payload, checked. A job from a controller on another version goes back to the queue
 * for a worker that matches, and this worker stops taking jobs, saying so: one stale worker in a
 * fleet must not cost the run. A payload that fails validation is failed for good with the reason.
 */
export async function checkPayload<T extends z.ZodType>(
  context: WorkerContext,
  job: Job,
  token: string | undefined,
  schema: T,
  invalid: string,
): Promise<z.infer<T>> {
  const claimed = (job.data as { version?: unknown } | undefined)?.version;
  if (typeof claimed === 'string' && claimed !== context.version) {
    context.standDown(
      `${VERSION_MISMATCH} worker ${context.id} runs Ouroboros ${context.version}, the controller ${claimed}; ` +
        `this worker takes no more jobs: restart it on ${claimed}`,
    );
    await job.moveToWait(token);
    throw new WaitingError();
  }
  if (claimed !== context.version)
    throw new UnrecoverableError(`${VERSION_MISMATCH} the job names no Ouroboros version; this worker runs ${context.version}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`${invalid} ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}

/**
 * What a processor's failure becomes for BullMQ. An OuroError that says trying again cannot help
 * (an unknown operator, an evaluator that does not load) turns into an UnrecoverableError, which
 * fails the job at once instead of spending its attempts on the same answer; its message, and so
 * the controller's failure reason, stays the same. A retryable OuroError, and any other error,
 * whose nature is unknown, is retried as the queue's attempts allow.
 *
 * @example
 * const worker = new Worker(queue, (job, token) => process(job, token).catch((error: unknown) => { throw jobFailure(error); }));
 */
export function jobFailure(error: unknown): unknown {
  if (!isOuroError(error) || error.isRetryable) return error;
  const unrecoverable = new UnrecoverableError(error.message);
  unrecoverable.cause = error;
  return unrecoverable;
}
