// A fleet worker: a stateless executor of evaluate jobs, each run in a local EvaluatorPool.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { Evaluation } from '../core/types.ts';
import { EvaluatorPool } from '../evaluate/pool.ts';
import { fetchBundle } from './bundle.ts';
import { bullConnection, EVALUATE_QUEUE, FleetRedis, ouroVersion, PREFIX, WORKER_KEY } from './connection.ts';
import { EvaluateJob, INVALID_PAYLOAD, VERSION_MISMATCH } from './protocol.ts';

/**
 * Stalled-job handling, chosen on purpose (BullMQ's defaults, 30 s locks, notice a dead worker
 * only after up to a minute):
 * - lockDuration 5 s: a live worker renews its locks every 2.5 s (half of it) from its own event
 *   loop, which stays free because candidates run in the pool's child processes; a worker killed
 *   with -9 stops renewing, so its locks lapse within 5 s.
 * - stalledInterval 2.5 s: every worker checks for lapsed locks this often (a job is moved back
 *   once a check finds it unlocked after the one that marked it), so a dead worker's job is back in
 *   the queue within about 10 s and another worker takes it.
 * - maxStalledCount 2: a job may lose its worker twice (a kill, the OOM killer, a reboot) and is
 *   still retried; the third time it is failed as a poison candidate, one that kills whatever
 *   runs it, and the controller records an `error` evaluation and goes on.
 * OURO_FLEET_LOCK_MS shortens the lock (and the check with it) for tests.
 */
export const LOCK_DURATION_MS = Number(process.env.OURO_FLEET_LOCK_MS) || 5000;
export const STALLED_INTERVAL_MS = Math.max(500, Math.round(LOCK_DURATION_MS / 2));
export const MAX_STALLED_COUNT = 2;
const HEARTBEAT_MS = 2000;
const HEARTBEAT_TTL_SECONDS = 15;
const MAX_POOLS = 3;

export type WorkerRole = 'evaluate' | 'propose';

export interface FleetWorkerOptions {
  url: string;
  /** Evaluations at once (pool processes). */
  concurrency: number;
  cacheDir: string;
  /** Run candidates without the isolation this machine lacks (the worker's own choice, not the controller's). */
  unsafe?: boolean;
  log?: (line: string) => void;
}

export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  version: string;
  roles: WorkerRole[];
  concurrency: number;
  startedAt: number;
  heartbeatAt: number;
  processed: number;
  failed: number;
  running: { job: string; candidate: string; since: number }[];
}

interface PoolEntry {
  pool: Promise<EvaluatorPool>;
  users: number;
  lastUsed: number;
}

/** A running worker; `closed` settles once it has stopped. */
export interface FleetWorker {
  id: string;
  close(): Promise<void>;
}

/**
 * Starts a worker that takes evaluate jobs until closed.
 * @example
 * const worker = await startFleetWorker({ url: 'redis://10.0.0.5:6379', concurrency: 2, cacheDir: defaultCacheDir() });
 */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const redis = await FleetRedis.open(options.url);
  const version = ouroVersion();
  const id = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const pools = new Map<string, PoolEntry>();
  const running = new Map<string, { job: string; candidate: string; since: number }>();
  const counts = { processed: 0, failed: 0 };
  const startedAt = Date.now();

  const heartbeat = async (): Promise<void> => {
    const beat: WorkerHeartbeat = {
      id, host: hostname(), pid: process.pid, version, roles: ['evaluate'], concurrency: options.concurrency,
      startedAt, heartbeatAt: Date.now(), ...counts, running: [...running.values()],
    };
    await redis.command('SET', [WORKER_KEY + id, JSON.stringify(beat), 'EX', HEARTBEAT_TTL_SECONDS]);
  };
  await heartbeat();
  let lastRedisError = 0;
  const timer = setInterval(() => {
    heartbeat().catch((error: unknown) => reportRedis(error));
  }, HEARTBEAT_MS);
  const reportRedis = (error: unknown): void => {
    if (Date.now() - lastRedisError < 5000) return;
    lastRedisError = Date.now();
    log(`worker ${id}: Redis: ${(error as Error).message}; reconnecting`);
  };

  const poolFor = async (job: EvaluateJob, folder: string): Promise<PoolEntry> => {
    const key = JSON.stringify([job.bundle, job.evaluator, job.options, job.timeoutMs, job.memoryMb, job.scoreRange ?? null]);
    let entry = pools.get(key);
    if (!entry) {
      for (const [oldKey, old] of [...pools].sort(([, a], [, b]) => a.lastUsed - b.lastUsed)) {
        if (pools.size < MAX_POOLS) break;
        if (old.users > 0) continue;
        pools.delete(oldKey);
        void old.pool.then((pool) => pool.close(), () => {});
      }
      const pool = EvaluatorPool.start({
        evaluatorFile: join(folder, job.evaluator), experimentDir: folder, options: job.options,
        concurrency: options.concurrency, timeoutMs: job.timeoutMs, memoryMb: job.memoryMb, unsafe: options.unsafe ?? false,
        ...(job.scoreRange ? { scoreRange: job.scoreRange } : {}),
      });
      entry = { pool, users: 0, lastUsed: Date.now() };
      pools.set(key, entry);
      const created = entry;
      pool.catch(() => pools.get(key) === created && pools.delete(key));
    }
    entry.lastUsed = Date.now();
    return entry;
  };

  const evaluate = async (job: Job): Promise<Evaluation> => {
    const claimed = (job.data as { version?: unknown } | undefined)?.version;
    if (claimed !== version) {
      throw new UnrecoverableError(`${VERSION_MISMATCH} worker ${id} runs Ouroboros ${version}, the controller ${String(claimed)}; run the same version on both`);
    }
    const parsed = EvaluateJob.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`${INVALID_PAYLOAD} ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
    const data = parsed.data;
    const folder = await fetchBundle(redis, data.bundle, options.cacheDir);
    const entry = await poolFor(data, folder);
    entry.users++;
    running.set(job.id as string, { job: job.id as string, candidate: data.candidateId, since: Date.now() });
    try {
      const pool = await entry.pool;
      return await pool.evaluate(data.candidateId, data.genome);
    } catch (error) {
      // A pool that can no longer load the evaluator is dropped; the job is retried (attempts).
      for (const [key, value] of pools) if (value === entry) pools.delete(key);
      throw error;
    } finally {
      entry.users--;
      running.delete(job.id as string);
    }
  };

  const worker = new Worker(EVALUATE_QUEUE, evaluate, {
    connection: bullConnection(options.url),
    prefix: PREFIX,
    name: id,
    concurrency: options.concurrency,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    // Results stay a day: a controller that re-adds a finished job's id (after a restart) reads them instead of rerunning it.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 24 * 3600 },
  });
  worker.on('error', (error) => reportRedis(error));
  worker.on('active', (job) => log(`worker ${id}: evaluate ${(job.data as { candidateId?: string }).candidateId ?? '?'} (job ${job.id})`));
  worker.on('completed', (job, evaluation: Evaluation) => {
    counts.processed++;
    const result = evaluation.status === 'ok' ? `ok, score ${evaluation.score}` : `${evaluation.status}: ${evaluation.error ?? ''}`;
    log(`worker ${id}: done ${evaluation.candidateId} -> ${result} in ${Math.round(evaluation.durationMs)} ms`);
  });
  worker.on('failed', (job, error) => {
    counts.failed++;
    log(`worker ${id}: job ${job?.id ?? '?'} failed: ${error.message}`);
  });
  await worker.waitUntilReady();
  log(`worker ${id}: Ouroboros ${version}, roles evaluate, concurrency ${options.concurrency}, fleet ${options.url}, cache ${options.cacheDir}`);

  let closing: Promise<void> | undefined;
  return {
    id,
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        await worker.close();
        await Promise.all([...pools.values()].map((entry) => entry.pool.then((pool) => pool.close(), () => {})));
        await redis.command('DEL', [WORKER_KEY + id]).catch(() => {});
        redis.close();
      })();
      return closing;
    },
  };
}
