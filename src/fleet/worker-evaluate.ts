// A worker's evaluate jobs: each runs in a local EvaluatorPool, kept per experiment bundle and settings.
import { join } from 'node:path';
import type { Job } from 'bullmq';
import type { Evaluation } from '../core/types.ts';
import type { Evaluators } from '../core/evaluators.ts';
import { startLocalEvaluators } from '../evaluate/start.ts';
import { fetchBundle } from './bundle.ts';
import { EvaluateJob, INVALID_PAYLOAD } from './protocol.ts';
import { checkPayload, type WorkerContext } from './worker-context.ts';

const MAX_POOLS = 3;

interface PoolEntry {
  pool: Promise<Evaluators>;
  users: number;
  lastUsed: number;
}

/** The processor of evaluate jobs, and what closes the pools it started. */
export function evaluateProcessor(context: WorkerContext): {
  process: (job: Job, token?: string) => Promise<Evaluation>;
  close: () => Promise<void>;
} {
  const pools = new Map<string, PoolEntry>();

  const poolFor = (job: EvaluateJob, folder: string): PoolEntry => {
    const key = JSON.stringify([
      job.bundle,
      job.evaluator,
      job.options,
      job.timeoutMs,
      job.memoryMb,
      job.scoreRange ?? null,
      job.privateMetrics ?? [],
      job.python ?? null,
    ]);
    let entry = pools.get(key);
    if (!entry) {
      for (const [oldKey, old] of [...pools].sort(([, a], [, b]) => a.lastUsed - b.lastUsed)) {
        if (pools.size < MAX_POOLS) break;
        if (old.users > 0) continue;
        pools.delete(oldKey);
        void old.pool.then(
          (pool) => pool.close(),
          () => {},
        );
      }
      const pool = startLocalEvaluators({
        evaluatorFile: join(folder, job.evaluator),
        experimentDir: folder,
        options: job.options,
        concurrency: context.concurrency,
        timeoutMs: job.timeoutMs,
        memoryMb: job.memoryMb,
        unsafe: context.unsafe,
        ...(job.scoreRange ? { scoreRange: job.scoreRange } : {}),
        ...(job.privateMetrics ? { privateMetrics: job.privateMetrics } : {}),
        ...(job.python ? { python: { ...job.python, ...(context.python ? { interpreter: context.python } : {}) } } : {}),
      });
      entry = { pool, users: 0, lastUsed: Date.now() };
      pools.set(key, entry);
      const created = entry;
      pool.catch(() => pools.get(key) === created && pools.delete(key));
    }
    entry.lastUsed = Date.now();
    return entry;
  };

  const process = async (job: Job, token?: string): Promise<Evaluation> => {
    const data = await checkPayload(context, job, token, EvaluateJob, INVALID_PAYLOAD);
    const folder = await fetchBundle(context.redis, data.bundle, context.cacheDir);
    const entry = poolFor(data, folder);
    entry.users++;
    context.running.set(job.id as string, { job: job.id as string, candidate: data.candidateId, since: Date.now() });
    try {
      const pool = await entry.pool;
      return await pool.evaluate(data.candidateId, data.genome);
    } catch (error) {
      // A pool that can no longer load the evaluator is dropped; the job is retried if the error is retryable (jobFailure).
      for (const [key, value] of pools) if (value === entry) pools.delete(key);
      throw error;
    } finally {
      entry.users--;
      context.running.delete(job.id as string);
    }
  };

  return {
    process,
    close: async () => {
      await Promise.all(
        [...pools.values()].map((entry) =>
          entry.pool.then(
            (pool) => pool.close(),
            () => {},
          ),
        ),
      );
    },
  };
}
