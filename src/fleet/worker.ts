// A fleet worker: a stateless executor of evaluate and propose jobs.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { ProposalResult } from '../core/operator.ts';
import type { Evaluation } from '../core/types.ts';
import {
  bullConnection,
  EVALUATE_QUEUE,
  FleetRedis,
  ouroVersion,
  PREFIX,
  PROPOSE_QUEUE,
  SAMPLE_QUEUE,
  VERIFY_QUEUE,
  WORKER_KEY,
} from './connection.ts';
import { WORKER_ROLES, type WorkerHeartbeat, type WorkerRole } from './protocol.ts';
import { KEEP_FINISHED, LOCK_DURATION_MS, MAX_STALLED_COUNT, STALLED_INTERVAL_MS } from './locks.ts';
import { jobFailure, type WorkerContext } from './worker-context.ts';
import { evaluateProcessor } from './worker-evaluate.ts';
import { sampleProcessor, verifyProcessor } from './worker-flywheel.ts';
import { proposeProcessor } from './worker-propose.ts';

const HEARTBEAT_MS = 2000;
const HEARTBEAT_TTL_SECONDS = 15;

export { WORKER_ROLES, type WorkerHeartbeat, type WorkerRole } from './protocol.ts';

export interface FleetWorkerOptions {
  url: string;
  /** Evaluations, and flywheel code checks, at once (pool processes, sandboxes). */
  concurrency: number;
  /** Proposals, and flywheel model calls, at once; they wait on model replies and use little CPU (default 4). */
  proposeConcurrency?: number;
  /** The job kinds it takes (default all of them). */
  roles?: readonly WorkerRole[];
  cacheDir: string;
  /** Run candidates without the isolation this machine lacks (the worker's own choice, not the controller's). */
  unsafe?: boolean;
  /** The Python interpreter for Python evaluators on this machine. */
  python?: string;
  log?: (line: string) => void;
}

/** A running worker; `closed` settles once it has stopped. */
export interface FleetWorker {
  id: string;
  close(): Promise<void>;
}

/**
 * Starts a worker that takes evaluate and propose jobs, and the flywheel's sample and verify jobs, until closed.
 * @example
 * const worker = await startFleetWorker({ url: 'redis://10.0.0.5:6379', concurrency: 2, cacheDir: defaultCacheDir() });
 */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const roles = [...new Set(options.roles ?? WORKER_ROLES)];
  const redis = await FleetRedis.open(options.url);
  const workers: Worker[] = [];
  let refusing: string | undefined;
  const context: WorkerContext = {
    id: `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`,
    version: ouroVersion(),
    redis,
    cacheDir: options.cacheDir,
    concurrency: options.concurrency,
    unsafe: options.unsafe ?? false,
    ...(options.python ? { python: options.python } : {}),
    running: new Map(),
    standDown: (reason) => {
      if (refusing !== undefined) return;
      refusing = reason;
      log(`worker ${context.id}: refusing jobs: ${reason}`);
      // Not waiting for the jobs in hand: the one that found the mismatch is among them.
      for (const worker of workers) void worker.pause(true).catch(() => {});
    },
  };
  const { id, version, running } = context;
  const counts = { processed: 0, failed: 0 };
  const startedAt = Date.now();

  const heartbeat = async (): Promise<void> => {
    const beat: WorkerHeartbeat = {
      id,
      host: hostname(),
      pid: process.pid,
      version,
      roles,
      concurrency: options.concurrency,
      startedAt,
      heartbeatAt: Date.now(),
      ...counts,
      running: [...running.values()],
      ...(refusing ? { refusing } : {}),
    };
    await redis.command('SET', [WORKER_KEY + id, JSON.stringify(beat), 'EX', HEARTBEAT_TTL_SECONDS]);
  };
  await heartbeat();
  let lastRedisError = 0;
  const reportRedis = (error: unknown): void => {
    if (Date.now() - lastRedisError < 5000) return;
    lastRedisError = Date.now();
    log(`worker ${id}: Redis: ${(error as Error).message}; reconnecting`);
  };
  const timer = setInterval(() => {
    heartbeat().catch((error: unknown) => reportRedis(error));
  }, HEARTBEAT_MS);

  const evaluator = roles.includes('evaluate') ? evaluateProcessor(context) : undefined;
  const start = (queue: string, processor: (job: Job, token?: string) => Promise<unknown>, concurrency: number): Worker => {
    // A failure that cannot pass fails the job at once; others are retried (jobFailure).
    const retrying = (job: Job, token?: string): Promise<unknown> =>
      processor(job, token).catch((error: unknown) => {
        throw jobFailure(error);
      });
    const worker = new Worker(queue, retrying, {
      connection: bullConnection(options.url),
      prefix: PREFIX,
      name: id,
      concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED_COUNT,
      // Results stay a day: a controller that re-adds a finished job's id (after a restart) reads them instead of rerunning it.
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
    worker.on('error', (error) => reportRedis(error));
    worker.on('failed', (job, error) => {
      counts.failed++;
      log(`worker ${id}: job ${job?.id ?? '?'} failed: ${error.message}`);
    });
    workers.push(worker);
    return worker;
  };
  if (evaluator) {
    const worker = start(EVALUATE_QUEUE, evaluator.process, options.concurrency);
    worker.on('active', (job) =>
      log(`worker ${id}: evaluate ${(job.data as { candidateId?: string }).candidateId ?? '?'} (job ${job.id})`),
    );
    worker.on('completed', (_job, evaluation: Evaluation) => {
      counts.processed++;
      const result = evaluation.status === 'ok' ? `ok, score ${evaluation.score}` : `${evaluation.status}: ${evaluation.error ?? ''}`;
      log(`worker ${id}: done ${evaluation.candidateId} -> ${result} in ${Math.round(evaluation.durationMs)} ms`);
    });
  }
  if (roles.includes('propose')) {
    const worker = start(PROPOSE_QUEUE, proposeProcessor(context), options.proposeConcurrency ?? 4);
    worker.on('active', (job) => log(`worker ${id}: propose with ${(job.data as { operator?: string }).operator ?? '?'} (job ${job.id})`));
    worker.on('completed', (job, result: ProposalResult) => {
      counts.processed++;
      log(`worker ${id}: proposed (job ${job.id}) -> ${'failure' in result ? `no child: ${result.failure}` : result.description}`);
    });
  }
  if (roles.includes('sample')) {
    const worker = start(SAMPLE_QUEUE, sampleProcessor(context), options.proposeConcurrency ?? 4);
    worker.on('completed', () => counts.processed++);
  }
  if (roles.includes('verify')) {
    const worker = start(VERIFY_QUEUE, verifyProcessor(context), options.concurrency);
    worker.on('completed', (job, verdicts: Array<{ passed: boolean }>) => {
      counts.processed++;
      log(`worker ${id}: verified (job ${job.id}) -> ${verdicts.filter((verdict) => verdict.passed).length} of ${verdicts.length} passed`);
    });
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log(
    `worker ${id}: Ouroboros ${version}, roles ${roles.join(',')}, concurrency ${options.concurrency}, fleet ${options.url}, ` +
      `cache ${options.cacheDir}`,
  );

  let closing: Promise<void> | undefined;
  return {
    id,
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        await Promise.all(workers.map((worker) => worker.close()));
        await evaluator?.close();
        await redis.command('DEL', [WORKER_KEY + id]).catch(() => {});
        redis.close();
      })();
      return closing;
    },
  };
}
