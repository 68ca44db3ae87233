// Evaluation in a pool of worker processes: evaluators never run in the engine's process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OuroError } from '../core/errors.ts';
import type { EvaluationRequest } from '../core/evaluators.ts';
import type { Evaluation, Genome } from '../core/types.ts';
import { startModelBroker, type ModelBroker } from '../sandbox/broker.ts';
import { checkEvaluatorFile, checkPoolOptions, type PoolOptions } from './pool-options.ts';

export type { PoolOptions } from './pool-options.ts';
import { toEvaluation } from './evaluation.ts';
import { FINAL_STAGE } from './evaluator-module.ts';
import { LOAD_ATTEMPTS_PER_CANDIDATE, LoadFailures, MAX_CONSECUTIVE_LOAD_FAILURES } from './load-failures.ts';
import { CAN_READ_RESIDENT_MEMORY } from './process-end.ts';
import { WorkerProcess, type WorkerSettings } from './worker-process.ts';

const MEMORY_POLL_MS = 150;
const DEFAULT_MAX_EVALUATIONS = 500;
const MIN_LOAD_TIMEOUT_MS = 30_000;
/**
 * Workers kept loaded beyond `concurrency`, idle until one is killed (a timeout, a crash, too much
 * memory): the spare takes the next candidate at once instead of waiting a second or more for a
 * fresh process to load the runtime and the evaluator.
 */
const SPARE_WORKERS = 1;

interface QueuedEvaluation {
  candidateId: string;
  genome: Genome;
  request: EvaluationRequest;
  queuedAt: number;
  /** Counted load failures that happened while this waited with no loaded worker to take it. */
  failedLoads: number;
  resolve: (evaluation: Evaluation) => void;
  reject: (error: Error) => void;
}

/**
 * Evaluates candidates in worker processes, one candidate per worker at a time. Every candidate
 * fault (a throw, a bad result, a crash, a timeout, too much memory) becomes an Evaluation, and
 * the worker is replaced if it died. A replacement that fails to load (a machine too busy to load
 * it in time, an evaluator file broken mid-run) is retried with backoff, one at a time; see
 * load-failures.ts for when a waiting candidate is failed instead and when the pool gives up.
 * @example
 * const pool = await EvaluatorPool.start({
 *   evaluatorFile: '/experiments/packing/evaluate.ts', experimentDir: '/experiments/packing',
 *   options: {}, concurrency: 2, timeoutMs: 10_000, memoryMb: 512,
 * });
 * const evaluation = await pool.evaluate('run-1', { 'pack.js': 'export const pack = () => []' });
 * await pool.close();
 */
export class EvaluatorPool {
  readonly size: number;
  private readonly settings: WorkerSettings;
  private readonly maxEvaluations: number;
  /** Every worker process that has not exited yet, starting ones included. */
  private readonly processes = new Set<WorkerProcess>();
  private readonly idle: WorkerProcess[] = [];
  private readonly queue: QueuedEvaluation[] = [];
  private readonly memoryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Workers past maxEvaluationsPerWorker; they go on evaluating until a replacement is ready. */
  private readonly retiring = new Set<WorkerProcess>();
  /** Retiring workers whose replacement is ready, to be killed when their evaluation ends. */
  private readonly dismissed = new Set<WorkerProcess>();
  private readonly loadFailures = new LoadFailures();
  /** Set while waiting before the next load attempt, after a failed one. */
  private retryTimer: NodeJS.Timeout | undefined;
  /** Evaluations running now; never more than `size`, spares included. */
  private busy = 0;
  private failure: OuroError | undefined;

  private constructor(
    options: PoolOptions,
    evaluatorFile: string,
    private readonly broker: ModelBroker | undefined,
  ) {
    this.size = options.concurrency;
    this.maxEvaluations = options.maxEvaluationsPerWorker ?? DEFAULT_MAX_EVALUATIONS;
    const { experimentDir, options: experimentOptions, timeoutMs, memoryMb } = options;
    const loadTimeoutMs = options.loadTimeoutMs ?? Math.max(MIN_LOAD_TIMEOUT_MS, timeoutMs);
    this.settings = {
      evaluatorFile,
      experimentDir,
      options: experimentOptions,
      timeoutMs,
      memoryMb,
      loadTimeoutMs,
      unsafe: options.unsafe ?? false,
      ...(broker ? { brokerSocket: broker.socketPath } : {}),
      ...(options.scoreRange ? { scoreRange: options.scoreRange } : {}),
      ...(options.privateMetrics ? { privateMetrics: options.privateMetrics } : {}),
      ...(options.taskModels ? { taskModels: options.taskModels } : {}),
    };
    if (CAN_READ_RESIDENT_MEMORY) {
      this.memoryTimer = setInterval(() => {
        for (const worker of this.processes) void worker.checkMemory();
      }, MEMORY_POLL_MS).unref();
    }
  }

  /**
   * Starts the workers and waits until each has loaded the evaluator. Rejects with an OuroError
   * naming the file: an evaluator that cannot load at the start of a run is a fatal error.
   */
  static async start(options: PoolOptions): Promise<EvaluatorPool> {
    checkPoolOptions(options);
    const evaluatorFile = resolve(options.evaluatorFile);
    await checkEvaluatorFile(evaluatorFile);
    const broker = options.models
      ? await startModelBroker({
          socketPath: join(await mkdtemp(join(tmpdir(), 'ouro-broker-')), 'broker.sock'),
          models: options.models.handles,
          defaultModel: options.models.defaultModel,
        })
      : undefined;
    const pool = new EvaluatorPool(options, evaluatorFile, broker);
    const workers = Array.from({ length: pool.size }, () => pool.spawn());
    const results = await Promise.allSettled(workers.map((worker) => worker.ready));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await pool.close();
      throw failed.reason;
    }
    pool.started = true;
    for (const worker of workers) pool.offer(worker);
    pool.replenish(); // the spare loads in the background
    return pool;
  }

  /**
   * Evaluates one candidate, waiting for a free worker if all are busy. Never rejects for a
   * candidate's fault; rejects only when the pool is closed or the evaluator failed to load
   * MAX_CONSECUTIVE_LOAD_FAILURES times in a row.
   */
  evaluate(candidateId: string, genome: Genome, request: EvaluationRequest = {}): Promise<Evaluation> {
    if (this.closed) return Promise.reject(new Error('the evaluator pool is closed'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ candidateId, genome, request, queuedAt: performance.now(), failedLoads: 0, resolve, reject });
      this.dispatch();
    });
  }

  /** Kills every worker and its process group. Evaluations still queued or running are rejected. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.memoryTimer);
    clearTimeout(this.retryTimer);
    this.rejectQueued(new Error('evaluation abandoned: the evaluator pool was closed'));
    const workers = [...this.processes];
    for (const worker of workers) worker.kill('closed');
    await Promise.all(workers.map((worker) => worker.exited));
    if (this.broker) {
      await this.broker.close();
      await rm(dirname(this.broker.socketPath), { recursive: true, force: true });
    }
  }

  private spawn(): WorkerProcess {
    const worker = new WorkerProcess(this.settings);
    this.processes.add(worker);
    worker.onExit = () => {
      this.processes.delete(worker);
      this.retiring.delete(worker);
      this.dismissed.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
      this.replenish();
    };
    return worker;
  }

  /**
   * Starts replacements until `size` workers and the spare are alive again. While loads are
   * failing, one worker at a time tries, after a backoff.
   */
  private replenish(): void {
    if (!this.started || this.closed || this.failure !== undefined || this.retryTimer !== undefined) return;
    let alive = 0;
    let loading = 0;
    for (const worker of this.processes) {
      if (!worker.alive || this.retiring.has(worker)) continue;
      alive++;
      if (!worker.loaded) loading++;
    }
    const maxLoading = this.loadFailures.streak > 0 ? 1 : Number.POSITIVE_INFINITY;
    for (; alive < this.size + SPARE_WORKERS && loading < maxLoading; alive++, loading++) {
      let worker: WorkerProcess;
      try {
        worker = this.spawn();
      } catch (error) {
        this.fail(
          new OuroError('evaluator-invalid', `could not start an evaluator process: ${String(error)}`, {
            file: this.settings.evaluatorFile,
            cause: error,
            isRetryable: true,
          }),
        );
        return;
      }
      const stamp = this.loadFailures.stamp();
      worker.ready.then(
        () => this.loaded(worker),
        (error: OuroError) => this.loadFailed(error, stamp),
      );
    }
  }

  private loaded(worker: WorkerProcess): void {
    this.loadFailures.succeeded();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.dismissOne();
    this.offer(worker);
    this.replenish(); // the other missing workers, if loads had been failing
  }

  /** A replacement did not load: wait and try again, fail candidates that waited too long, or give up. */
  private loadFailed(error: OuroError, stamp: number): void {
    if (this.closed || this.failure !== undefined) return;
    if (!this.loadFailures.record(stamp)) return; // an earlier failure already counted its cause
    if (this.loadFailures.exhausted) {
      const message =
        `${MAX_CONSECUTIVE_LOAD_FAILURES} evaluator processes in a row failed to load, so evaluation stops. ` +
        `The last one: ${error.message}`;
      this.fail(new OuroError('evaluator-invalid', message, { file: this.settings.evaluatorFile, cause: error }));
      return;
    }
    this.failStarved(error);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.replenish();
    }, this.loadFailures.backoffMs());
  }

  /**
   * With no loaded worker left to take them, queued candidates wait on the next load. One that
   * has waited through LOAD_ATTEMPTS_PER_CANDIDATE failed loads gets a failed Evaluation instead.
   */
  private failStarved(error: OuroError): void {
    for (const worker of this.processes) if (worker.loaded) return;
    for (const job of [...this.queue]) {
      if (++job.failedLoads < LOAD_ATTEMPTS_PER_CANDIDATE) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      const reason = `no evaluator process could take this candidate: ${job.failedLoads} loads in a row failed; the last: ${error.message}`;
      const ending = { status: 'error' as const, error: reason };
      const { scoreRange, privateMetrics } = this.settings;
      job.resolve(toEvaluation(job.candidateId, ending, FINAL_STAGE, performance.now() - job.queuedAt, scoreRange, privateMetrics));
    }
  }

  private offer(worker: WorkerProcess): void {
    if (!worker.idle) return;
    this.idle.push(worker);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.busy < this.size) {
      const worker = this.idle.pop();
      if (worker === undefined) return;
      if (!worker.idle) continue; // it died while idle; its exit handler starts a replacement
      const job = this.queue.shift()!;
      this.busy++;
      worker.evaluate(job.candidateId, job.genome, job.request).then(
        (evaluation) => {
          this.busy--;
          job.resolve(evaluation);
          this.release(worker);
        },
        (error: Error) => {
          this.busy--;
          job.reject(error);
        },
      );
    }
  }

  private release(worker: WorkerProcess): void {
    if (this.closed) return;
    if (this.dismissed.has(worker)) worker.kill('retired');
    else if (worker.imports >= this.maxEvaluations && !this.retiring.has(worker)) {
      // Its replacement starts now, while it goes on working, so that recycling costs no idle time.
      this.retiring.add(worker);
      this.replenish();
    }
    if (worker.idle) this.offer(worker);
    else this.replenish(); // killed for a timeout or memory: replace it without waiting for its exit
    this.dispatch(); // a slot is free: the spare, if idle, takes the next candidate now
  }

  /** A replacement is ready: the oldest retiring worker goes now if idle, else when its evaluation ends. */
  private dismissOne(): void {
    for (const worker of this.retiring) {
      if (this.dismissed.has(worker)) continue;
      if (worker.idle) worker.kill('retired');
      else this.dismissed.add(worker);
      return;
    }
  }

  /** The evaluator no longer loads (edited or deleted mid-run, or the machine is stalled): nothing more can be evaluated. */
  private fail(error: OuroError): void {
    this.failure = error;
    clearTimeout(this.retryTimer);
    this.rejectQueued(error);
  }

  private rejectQueued(error: Error): void {
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}
