// What a worker's job processors share: its identity, its Redis, its cache and its jobs in hand.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { FleetRedis } from './connection.ts';
import { VERSION_MISMATCH } from './protocol.ts';

export interface WorkerContext {
  id: string;
  version: string;
  redis: FleetRedis;
  cacheDir: string;
  concurrency: number;
  unsafe: boolean;
  /** Jobs in hand, for the heartbeat; `candidate` names what the job works on. */
  running: Map<string, { job: string; candidate: string; since: number }>;
}

/**
 * The job's payload, checked: a job from a controller on another version, or one that fails
 * validation, is failed for good (never retried) with the reason.
 */
export function checkPayload<T extends z.ZodType>(context: WorkerContext, job: Job, schema: T, invalid: string): z.infer<T> {
  const claimed = (job.data as { version?: unknown } | undefined)?.version;
  if (claimed !== context.version) {
    throw new UnrecoverableError(`${VERSION_MISMATCH} worker ${context.id} runs Ouroboros ${context.version}, the controller ${String(claimed)}; run the same version on both`);
  }
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`${invalid} ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}
