// The controller's side of the fleet: evaluations become BullMQ jobs that workers run.
import { relative, resolve, sep } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { OuroError } from '../core/errors.ts';
import type { Evaluation, Genome } from '../core/types.ts';
import type { PoolOptions } from '../evaluate/pool.ts';
import { checkEvaluatorFile, checkPoolOptions } from '../evaluate/pool-options.ts';
import { bundleExists, collectBundle, uploadBundle, type Bundle } from './bundle.ts';
import { bullConnection, EVALUATE_QUEUE, FleetRedis, ouroVersion, PREFIX } from './connection.ts';
import { errorEvaluation, evaluateJobId, parseEvaluation, VERSION_MISMATCH, type EvaluateJob } from './protocol.ts';
import { MAX_STALLED_COUNT } from './worker.ts';
import { listWorkers } from './status.ts';
import type { EvolveOptions } from '../engine/evolve.ts';

export interface FleetEvaluatorOptions extends PoolOptions {
  /** The Redis URL, `redis://host:6379`. */
  url: string;
  /** Warnings and news for the user (no worker yet, a worker on another version, jobs requeued). */
  notice?: (message: string, warning?: boolean) => void;
}

/**
 * Tries an ordinary failure (the bundle not fetched yet, an evaluator that did not load) this
 * often. A lost worker is not a failure: it is counted by BullMQ's stalled check instead.
 */
const ATTEMPTS = 3;
/**
 * How often in-flight jobs are checked against Redis: it catches results whose event was missed
 * (events live in a stream that a Redis restart without persistence loses) and re-adds jobs
 * that Redis lost, with their bundle.
 */
const RECONCILE_MS = 2000;

interface InFlight {
  data: EvaluateJob;
  /** Redis acknowledged the add; a missing job is lost only after that. */
  submitted: boolean;
  promise: Promise<Evaluation>;
  resolve: (evaluation: Evaluation) => void;
  reject: (error: Error) => void;
}

/**
 * Offers `evaluate(candidateId, genome)` like EvaluatorPool, but runs each evaluation on a fleet
 * worker. A job's id comes from the candidate and its genome, so a job added twice runs once and
 * its result settles the promise once.
 */
export class FleetEvaluator {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly timer: NodeJS.Timeout;
  private reconciling = false;
  private closed = false;
  private redisDown = false;

  private constructor(
    private readonly options: FleetEvaluatorOptions,
    private readonly redis: FleetRedis,
    private readonly bundle: Bundle,
    private readonly evaluator: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    events.on('completed', ({ jobId, returnvalue }) => {
      // The event carries the result: no round trip unless it does not read as an evaluation.
      const entry = this.inFlight.get(jobId);
      const evaluation = entry ? parseEvaluation(returnvalue, entry.data.candidateId) : undefined;
      if (evaluation !== undefined && typeof evaluation !== 'string') this.finish(jobId, evaluation);
      else void this.check(jobId).catch(() => {});
    });
    events.on('failed', ({ jobId }) => void this.check(jobId).catch(() => {}));
    events.on('error', () => {});
    queue.on('error', () => {});
  }

  /** Connects (or fails with `fleet-unreachable` within seconds) and stores the experiment's bundle. */
  static async start(options: FleetEvaluatorOptions): Promise<FleetEvaluator> {
    // The checks a local pool makes, so a missing evaluator fails here and not on every worker.
    checkPoolOptions(options);
    await checkEvaluatorFile(resolve(options.evaluatorFile));
    const redis = await FleetRedis.open(options.url);
    try {
      const evaluator = relative(resolve(options.experimentDir), resolve(options.evaluatorFile)).split(sep).join('/');
      if (evaluator.startsWith('..')) {
        throw new OuroError('fleet-bundle', `the evaluator ${options.evaluatorFile} is outside the experiment folder ${options.experimentDir}; fleet workers only receive that folder`, { file: options.evaluatorFile });
      }
      const bundle = await collectBundle(options.experimentDir);
      await uploadBundle(redis, bundle);
      if (options.models) options.notice?.('fleet: workers offer no model broker, so evaluators that call a model cannot reach one', true);
      const connection = bullConnection(options.url);
      const queue = new Queue(EVALUATE_QUEUE, { connection, prefix: PREFIX });
      const events = new QueueEvents(EVALUATE_QUEUE, { connection, prefix: PREFIX });
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      const fleet = new FleetEvaluator(options, redis, bundle, evaluator, queue, events);
      await fleet.greetWorkers().catch(async (error: unknown) => {
        await fleet.close();
        throw error;
      });
      return fleet;
    } catch (error) {
      redis.close();
      throw error;
    }
  }

  /** Resolves with the candidate's Evaluation; rejects only for a version mismatch or when closed. */
  evaluate(candidateId: string, genome: Genome): Promise<Evaluation> {
    if (this.closed) return Promise.reject(new Error('the fleet evaluator is closed'));
    const jobId = evaluateJobId(candidateId, genome);
    const existing = this.inFlight.get(jobId);
    if (existing) return existing.promise;
    const { options } = this;
    const data: EvaluateJob = {
      version: ouroVersion(), bundle: this.bundle.hash, evaluator: this.evaluator, options: options.options,
      timeoutMs: options.timeoutMs, memoryMb: options.memoryMb, candidateId, genome,
      ...(options.scoreRange ? { scoreRange: options.scoreRange } : {}),
    };
    let settle!: Pick<InFlight, 'resolve' | 'reject'>;
    const promise = new Promise<Evaluation>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const entry: InFlight = { data, submitted: false, promise, ...settle };
    this.inFlight.set(jobId, entry);
    // A failed add is retried by reconcile; a job already there (a resumed run) settles at once.
    void this.submit(jobId, data).then(() => {
      entry.submitted = true;
      return this.check(jobId);
    }).catch(() => {});
    return promise;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // Jobs nobody waits for any more leave the queue; one a worker holds is locked and stays.
    const abandoned = [...this.inFlight.keys()];
    for (const entry of this.inFlight.values()) entry.reject(new Error('the fleet evaluator is closed'));
    this.inFlight.clear();
    await Promise.allSettled(abandoned.map((jobId) => this.queue.remove(jobId)));
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.close();
  }

  private submit(jobId: string, data: EvaluateJob): Promise<Job> {
    // An add whose id already exists is ignored by BullMQ: a retried submit never makes a second job.
    return this.queue.add('evaluate', data, {
      jobId, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 24 * 3600 },
    });
  }

  /** Settles a job's promise if the job has finished; re-adds it if Redis lost it. */
  private async check(jobId: string): Promise<void> {
    const entry = this.inFlight.get(jobId);
    if (!entry || this.closed) return;
    // The state first, then the job: a job read before its state could be finished by then, and its result missing.
    const state = await this.queue.getJobState(jobId);
    if (state === 'unknown') {
      if (entry.submitted) {
        if (!(await bundleExists(this.redis, this.bundle.hash))) await uploadBundle(this.redis, this.bundle);
        this.options.notice?.(`fleet: job ${jobId} was lost by Redis (a restart?); queued it again`);
      }
      await this.submit(jobId, entry.data);
      entry.submitted = true;
      return;
    }
    if (state !== 'completed' && state !== 'failed') return;
    const job = await this.queue.getJob(jobId);
    if (!job) return;
    if (state === 'completed') {
      const evaluation = parseEvaluation(job.returnvalue, entry.data.candidateId);
      this.finish(jobId, typeof evaluation === 'string' ? errorEvaluation(entry.data.candidateId, evaluation) : evaluation);
    } else if (state === 'failed') {
      const reason = job.failedReason ?? 'no reason given';
      if (reason.startsWith(VERSION_MISMATCH)) {
        this.fail(jobId, new OuroError('fleet-version', `fleet: ${reason}. The run stops; it resumes with \`ouro resume <run> --fleet ${this.options.url}\` once the workers match.`, { candidate: entry.data.candidateId }));
        return;
      }
      const stalled = /stalled more than/i.test(reason);
      const error = stalled
        ? `poison candidate: its evaluation lost the worker running it ${MAX_STALLED_COUNT + 1} times (a crash or a kill of the whole worker process), so it is not tried again (${reason})`
        : `the fleet could not evaluate it after ${job.attemptsMade} attempt(s): ${reason}`;
      this.finish(jobId, errorEvaluation(entry.data.candidateId, error));
    }
  }

  private finish(jobId: string, evaluation: Evaluation): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    this.inFlight.delete(jobId);
    entry.resolve(evaluation);
  }

  private fail(jobId: string, error: Error): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    this.inFlight.delete(jobId);
    entry.reject(error);
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      // A Redis restarted without persistence has forgotten the bundle too.
      if (!(await bundleExists(this.redis, this.bundle.hash))) await uploadBundle(this.redis, this.bundle);
      for (const jobId of [...this.inFlight.keys()]) await this.check(jobId);
      if (this.redisDown) this.options.notice?.('fleet: Redis is reachable again');
      this.redisDown = false;
    } catch (error) {
      if (!this.redisDown) this.options.notice?.(`fleet: Redis at ${this.options.url} is not answering (${(error as Error).message}); waiting for it`, true);
      this.redisDown = true;
    } finally {
      this.reconciling = false;
    }
  }

  private async greetWorkers(): Promise<void> {
    const workers = await listWorkers(this.redis);
    const version = ouroVersion();
    const stranger = workers.filter((worker) => worker.version !== version);
    for (const worker of stranger) {
      this.options.notice?.(`fleet: worker ${worker.id} runs Ouroboros ${worker.version}, this controller ${version}; it will refuse jobs and stop the run`, true);
    }
    if (workers.length === stranger.length) {
      this.options.notice?.(`fleet: no worker is connected to ${this.options.url} yet; jobs wait in the queue until one starts (\`ouro worker --fleet ${this.options.url}\`)`, true);
    } else {
      this.options.notice?.(`fleet: ${workers.length - stranger.length} worker(s) on ${this.options.url}; experiment bundle ${this.bundle.hash.slice(0, 12)} (${(this.bundle.bytes / 1024).toFixed(0)} KB)`);
    }
  }
}

/** `EvolveOptions.evaluators` for a fleet on this Redis: evaluations go to `ouro worker` processes. */
export function fleetEvaluators(url: string): NonNullable<EvolveOptions['evaluators']> {
  return (options, notice) => FleetEvaluator.start({ ...options, url, notice });
}
