// The controller's side of evaluation on the fleet: evaluations become BullMQ jobs that workers run.
import { relative, resolve, sep } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { Evaluation, Genome } from '../core/types.ts';
import { withPrivateMetrics } from '../evaluate/evaluation.ts';
import { checkEvaluatorFile, checkPoolOptions } from '../evaluate/pool-options.ts';
import type { PoolOptions, PythonEvaluatorOptions, StartEvaluators } from '../core/evaluators.ts';
import { collectBundle, uploadBundle, type Bundle } from './bundle.ts';
import { EVALUATE_QUEUE, FleetRedis, ouroVersion } from './connection.ts';
import { failureMessage, FleetJobs } from './jobs.ts';
import { MAX_STALLED_COUNT } from './locks.ts';
import { errorEvaluation, evaluateJobId, parseEvaluation, type EvaluateJob } from './protocol.ts';
import { listWorkers } from './status.ts';
import type { WorkerRole } from './worker.ts';

export interface FleetEvaluatorOptions extends PoolOptions {
  /** The Redis URL, `redis://host:6379`. */
  url: string;
  /** Warnings and news for the user (no worker yet, a worker on another version, jobs requeued). */
  notice?: (message: string, warning?: boolean) => void;
}

/** Tries an ordinary failure this often. A lost worker is not a failure: BullMQ's stalled check counts it instead. */
const ATTEMPTS = 3;

/** A connection to the fleet's Redis with the experiment's bundle stored in it. */
export interface FleetSetup {
  redis: FleetRedis;
  bundle: Bundle;
}

/** Connects (or fails with `fleet-unreachable` within seconds) and stores the experiment folder as a bundle. */
export async function openFleet(url: string, experimentDir: string): Promise<FleetSetup> {
  const redis = await FleetRedis.open(url);
  try {
    const bundle = await collectBundle(experimentDir);
    await uploadBundle(redis, bundle);
    return { redis, bundle };
  } catch (error) {
    redis.close();
    throw error;
  }
}

/** Warns about workers on another version, and about a fleet with no worker for `role` yet. */
export async function greetWorkers(
  redis: FleetRedis,
  url: string,
  role: WorkerRole,
  notice: FleetEvaluatorOptions['notice'],
  bundle?: Bundle,
): Promise<void> {
  const workers = (await listWorkers(redis)).filter((worker) => worker.roles.includes(role));
  const version = ouroVersion();
  const stranger = workers.filter((worker) => worker.version !== version);
  for (const worker of stranger) {
    notice?.(
      `fleet: worker ${worker.id} runs Ouroboros ${worker.version}, this controller ${version}; ` +
        `it will refuse this run's jobs and stop taking any`,
      true,
    );
  }
  if (workers.length === stranger.length) {
    notice?.(
      `fleet: no worker with role ${role} is connected to ${url} yet; its jobs wait in the queue until one starts ` +
        `(\`ouro worker --fleet ${url}\`)`,
      true,
    );
  } else if (bundle) {
    notice?.(
      `fleet: ${workers.length - stranger.length} worker(s) for ${role} on ${url}; experiment bundle ${bundle.hash.slice(0, 12)} ` +
        `(${(bundle.bytes / 1024).toFixed(0)} KB)`,
    );
  } else {
    notice?.(`fleet: ${workers.length - stranger.length} worker(s) for ${role} on ${url}`);
  }
}

/**
 * Offers `evaluate(candidateId, genome)` like EvaluatorPool, but runs each evaluation on a fleet
 * worker. A job's id comes from the candidate and its genome, so a job added twice runs once and
 * its result settles the promise once.
 */
export class FleetEvaluator {
  private constructor(
    private readonly options: FleetEvaluatorOptions,
    private readonly setup: FleetSetup,
    private readonly evaluator: string,
    private readonly jobs: FleetJobs<EvaluateJob, Evaluation>,
  ) {}

  static async start(options: FleetEvaluatorOptions): Promise<FleetEvaluator> {
    // The checks a local pool makes, so a missing evaluator fails here and not on every worker.
    checkPoolOptions(options);
    await checkEvaluatorFile(resolve(options.evaluatorFile));
    const evaluator = relative(resolve(options.experimentDir), resolve(options.evaluatorFile)).split(sep).join('/');
    if (evaluator.startsWith('..')) {
      throw new OuroError(
        'fleet-bundle',
        `the evaluator ${options.evaluatorFile} is outside the experiment folder ${options.experimentDir}; ` +
          `fleet workers only receive that folder`,
        { file: options.evaluatorFile },
      );
    }
    const setup = await openFleet(options.url, options.experimentDir);
    try {
      if (options.models) options.notice?.('fleet: workers offer no model broker, so evaluators that call a model cannot reach one', true);
      const jobs = await FleetJobs.open<EvaluateJob, Evaluation>(
        { url: options.url, ...setup, notice: options.notice },
        {
          queue: EVALUATE_QUEUE,
          attempts: ATTEMPTS,
          subject: (data) => ({ candidate: data.candidateId }),
          parse: (value, data) => {
            // The worker moves them too; moving them again here keeps the guarantee in the controller's hands.
            const evaluation = parseEvaluation(value, data.candidateId);
            return typeof evaluation === 'string' ? evaluation : withPrivateMetrics(evaluation, options.privateMetrics ?? []);
          },
          failed: (data, reason, attempts) =>
            errorEvaluation(data.candidateId, failureMessage(reason, attempts, MAX_STALLED_COUNT, 'evaluation')),
        },
      );
      await greetWorkers(setup.redis, options.url, 'evaluate', options.notice, setup.bundle).catch(async (error: unknown) => {
        await jobs.close();
        throw error;
      });
      return new FleetEvaluator(options, setup, evaluator, jobs);
    } catch (error) {
      setup.redis.close();
      throw error;
    }
  }

  /** Resolves with the candidate's Evaluation; rejects only for a version mismatch or when closed. */
  evaluate(candidateId: string, genome: Genome): Promise<Evaluation> {
    const { options } = this;
    const data: EvaluateJob = {
      version: ouroVersion(),
      bundle: this.setup.bundle.hash,
      evaluator: this.evaluator,
      options: options.options,
      timeoutMs: options.timeoutMs,
      memoryMb: options.memoryMb,
      candidateId,
      genome,
      ...(options.scoreRange ? { scoreRange: options.scoreRange } : {}),
      ...(options.privateMetrics?.length ? { privateMetrics: [...options.privateMetrics] } : {}),
      ...(options.python ? { python: workerPython(options.python) } : {}),
    };
    return this.jobs.run(evaluateJobId(candidateId, genome), data);
  }

  async close(): Promise<void> {
    await this.jobs.close();
    this.setup.redis.close();
  }
}

/** `EvolveOptions.evaluators` for a fleet on this Redis: evaluations go to `ouro worker` processes. */
export function fleetEvaluators(url: string): StartEvaluators {
  return (options, notice) => FleetEvaluator.start({ ...options, url, notice });
}

/** A Python evaluator's settings as a job carries them: everything but the controller's interpreter. */
function workerPython({ interpreter: _, ...rest }: PythonEvaluatorOptions): EvaluateJob['python'] {
  return {
    protocol: rest.protocol,
    ...(rest.cascadeThresholds ? { cascadeThresholds: [...rest.cascadeThresholds] } : {}),
    ...(rest.warm === undefined ? {} : { warm: rest.warm }),
    ...(rest.featureMetrics ? { featureMetrics: [...rest.featureMetrics] } : {}),
  };
}
