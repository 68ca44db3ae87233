// The controller's half of one job kind: add jobs by id, settle each once, survive Redis restarts.
import { Queue, QueueEvents, type Job } from 'bullmq';
import { OuroError } from '../core/errors.ts';
import { bundleExists, uploadBundle, type Bundle } from './bundle.ts';
import { bullConnection, type FleetRedis, ouroVersion, PREFIX } from './connection.ts';
import { VERSION_MISMATCH } from './protocol.ts';
import { listWorkers } from './status.ts';
import type { WorkerRole } from './protocol.ts';
import { KEEP_FINISHED } from './locks.ts';

/** What differs between evaluate and propose jobs. */
export interface JobKind<Data, Result> {
  /** BullMQ queue name, which is also the worker role that takes these jobs. */
  queue: WorkerRole;
  /** What a failure is about, for messages: `candidate` or `proposal`. */
  subject: (data: Data) => { candidate?: string; proposal?: string };
  /**
   * A failure that may pass (a bundle not fetched yet, a worker without the model's key) is tried this often;
   * one whose error is not retryable, once.
   */
  attempts: number;
  /** Reads a completed job's returned value, or says what is wrong with it. */
  parse(value: unknown, data: Data): Result | string;
  /** The result that stands for a job that failed for good (or returned garbage): the run records it and goes on. */
  failed(data: Data, reason: string, attemptsMade: number): Result;
}

/**
 * How often in-flight jobs are checked against Redis: it catches results whose event was missed
 * (events live in a stream that a Redis restart without persistence loses) and re-adds jobs
 * that Redis lost, with their bundle.
 */
const RECONCILE_MS = 2000;
/** How often a controller with jobs waiting checks that some worker can take them. */
const WORKER_CHECK_MS = 15_000;

interface InFlight<Data, Result> {
  data: Data;
  /** Redis acknowledged the add; a missing job is lost only after that. */
  submitted: boolean;
  promise: Promise<Result>;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

export interface FleetJobsOptions {
  url: string;
  redis: FleetRedis;
  /** The experiment bundle the jobs refer to; uploaded again when Redis has lost it. Flywheel jobs carry all they need, and have none. */
  bundle?: Bundle;
  notice?: (message: string, warning?: boolean) => void;
}

/**
 * Jobs of one kind in flight. A job added twice under one id runs once (BullMQ ignores an add
 * whose id exists) and its promise settles once, whichever of the completion event, a failure
 * event or the periodic check sees the result first.
 */
export class FleetJobs<Data, Result> {
  private readonly inFlight = new Map<string, InFlight<Data, Result>>();
  private readonly timer: NodeJS.Timeout;
  private reconciling = false;
  private closed = false;
  private redisDown = false;
  private lastWorkerCheck = Date.now();
  private unserved = false;

  private constructor(
    private readonly options: FleetJobsOptions,
    private readonly kind: JobKind<Data, Result>,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    events.on('completed', ({ jobId, returnvalue }) => {
      // The event carries the result: no round trip unless it does not parse.
      const entry = this.inFlight.get(jobId);
      const result = entry ? kind.parse(returnvalue, entry.data) : undefined;
      if (result !== undefined && typeof result !== 'string') this.finish(jobId, result);
      else void this.check(jobId).catch(() => {});
    });
    events.on('failed', ({ jobId }) => void this.check(jobId).catch(() => {}));
    events.on('error', () => {});
    queue.on('error', () => {});
  }

  static async open<Data, Result>(options: FleetJobsOptions, kind: JobKind<Data, Result>): Promise<FleetJobs<Data, Result>> {
    const connection = bullConnection(options.url);
    const queue = new Queue(kind.queue, { connection, prefix: PREFIX });
    const events = new QueueEvents(kind.queue, { connection, prefix: PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (error) {
      await Promise.allSettled([events.close(), queue.close()]);
      throw error;
    }
    return new FleetJobs(options, kind, queue, events);
  }

  /** Resolves with the job's result; rejects only for a version mismatch or when closed. */
  run(jobId: string, data: Data): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('the fleet is closed'));
    const existing = this.inFlight.get(jobId);
    if (existing) return existing.promise;
    let settle!: Pick<InFlight<Data, Result>, 'resolve' | 'reject'>;
    const promise = new Promise<Result>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const entry: InFlight<Data, Result> = { data, submitted: false, promise, ...settle };
    this.inFlight.set(jobId, entry);
    // A failed add is retried by reconcile; a job already there (a resumed run) settles at once.
    void this.submit(jobId, data)
      .then(() => {
        entry.submitted = true;
        return this.check(jobId);
      })
      .catch(() => {});
    return promise;
  }

  /** Stops waiting for a job: its promise rejects, and a job no worker holds yet leaves the queue. */
  async abandon(jobId: string): Promise<void> {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    this.inFlight.delete(jobId);
    entry.reject(new Error('abandoned'));
    await this.queue.remove(jobId).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // Jobs nobody waits for any more leave the queue; one a worker holds is locked and stays.
    const abandoned = [...this.inFlight.keys()];
    for (const entry of this.inFlight.values()) entry.reject(new Error('the fleet is closed'));
    this.inFlight.clear();
    await Promise.allSettled(abandoned.map((jobId) => this.queue.remove(jobId)));
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }

  private submit(jobId: string, data: Data): Promise<Job> {
    return this.queue.add(this.kind.queue, data, {
      jobId,
      attempts: this.kind.attempts,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
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
        await this.ensureBundle();
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
      const result = this.kind.parse(job.returnvalue, entry.data);
      this.finish(jobId, typeof result === 'string' ? this.kind.failed(entry.data, result, job.attemptsMade) : result);
      return;
    }
    const reason = job.failedReason ?? 'no reason given';
    if (reason.startsWith(VERSION_MISMATCH)) {
      this.fail(
        jobId,
        new OuroError(
          'fleet-version',
          `fleet: ${reason}. The run stops; it resumes with \`ouro resume <run> --fleet ${this.options.url}\` once the workers match.`,
          this.kind.subject(entry.data),
        ),
      );
      return;
    }
    this.finish(jobId, this.kind.failed(entry.data, reason, job.attemptsMade));
  }

  private finish(jobId: string, result: Result): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    this.inFlight.delete(jobId);
    entry.resolve(result);
  }

  private fail(jobId: string, error: Error): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    this.inFlight.delete(jobId);
    entry.reject(error);
  }

  private async ensureBundle(): Promise<void> {
    const { redis, bundle } = this.options;
    if (bundle && !(await bundleExists(redis, bundle.hash))) await uploadBundle(redis, bundle);
  }

  /** Warns once while no live worker of this version takes the jobs waiting, and says when one does again. */
  private async checkWorkers(): Promise<void> {
    this.lastWorkerCheck = Date.now();
    const version = ouroVersion();
    const able = (await listWorkers(this.options.redis)).filter(
      (worker) => worker.version === version && worker.roles.includes(this.kind.queue) && !worker.refusing,
    );
    if (able.length === 0 && !this.unserved) {
      this.options.notice?.(
        `fleet: no worker on Ouroboros ${version} takes ${this.kind.queue} jobs, and ${this.inFlight.size} wait; ` +
          `start one with \`ouro worker --fleet ${this.options.url}\``,
        true,
      );
    } else if (able.length > 0 && this.unserved) {
      this.options.notice?.(`fleet: ${able.length} worker(s) take ${this.kind.queue} jobs again`);
    }
    this.unserved = able.length === 0;
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      // A Redis restarted without persistence has forgotten the bundle too.
      await this.ensureBundle();
      for (const jobId of [...this.inFlight.keys()]) await this.check(jobId);
      if (this.inFlight.size > 0 && Date.now() - this.lastWorkerCheck >= WORKER_CHECK_MS) await this.checkWorkers();
      if (this.redisDown) this.options.notice?.('fleet: Redis is reachable again');
      this.redisDown = false;
    } catch (error) {
      if (!this.redisDown)
        this.options.notice?.(`fleet: Redis at ${this.options.url} is not answering (${(error as Error).message}); waiting for it`, true);
      this.redisDown = true;
    } finally {
      this.reconciling = false;
    }
  }
}

/** The poison-candidate message for a job that lost its worker too often, or the plain failure. */
export function failureMessage(reason: string, attemptsMade: number, maxStalledCount: number, what: 'evaluation' | 'proposal'): string {
  const subject = what === 'evaluation' ? 'poison candidate: its evaluation' : 'poison proposal: it';
  return /stalled more than/i.test(reason)
    ? `${subject} lost the worker running it ${maxStalledCount + 1} times (a crash or a kill of the whole worker process), ` +
        `so it is not tried again (${reason})`
    : `the fleet could not ${what === 'evaluation' ? 'evaluate' : 'propose'} it after ${attemptsMade} attempt(s): ${reason}`;
}
