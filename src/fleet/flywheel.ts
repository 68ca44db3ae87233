// The controller's side of a flywheel on the fleet: model calls become `sample` jobs and code
// checks `verify` jobs, on the same workers, queues' rules and stalled-job settings as evolution's.
import type { LlmExchange, ModelHandle } from '../core/model.ts';
import { ModelCallError } from '../core/model.ts';
import { OuroError } from '../core/errors.ts';
import type { FlywheelRemote, FlywheelTask, RemoteBooking, Sample, StartFlywheelRemote, Verdict, Verifier } from '../flywheel/index.ts';
import { FleetRedis, ouroVersion, SAMPLE_QUEUE, VERIFY_QUEUE } from './connection.ts';
import { greetWorkers } from './evaluator.ts';
import {
  parseCompletion,
  parseVerdicts,
  type SampleJob,
  type SampleOutcome,
  sampleJobId,
  type VerifyJob,
  type VerifyOutcome,
  verifyJobId,
} from './flywheel-protocol.ts';
import { failureMessage, FleetJobs } from './jobs.ts';
import { MAX_STALLED_COUNT } from './locks.ts';
import { exchangesKey } from './protocol.ts';

/** A worker without the model's key, or one that lost its connection, is worth retrying on another. */
const SAMPLE_ATTEMPTS = 3;
/** A sandbox that failed to start may work on another machine; a verdict itself is never retried. */
const VERIFY_ATTEMPTS = 2;
/** Tasks checked at once on the fleet: enough queued jobs for a few dozen worker sandboxes. */
const VERIFY_IN_FLIGHT = 64;

export interface FleetFlywheelOptions {
  url: string;
  /** Tasks whose code is checked at once (default 64). */
  verifyConcurrency?: number;
}

/**
 * `FlywheelOptions.remote` for a fleet on this Redis: the policy model's calls and the code checks
 * run on `ouro worker` processes.
 *
 * @example
 * await startFlywheel(settings, { remote: fleetFlywheel({ url: 'redis://10.0.0.5:6379' }) });
 */
export function fleetFlywheel(options: FleetFlywheelOptions): StartFlywheelRemote {
  return async (setup, notice) => {
    const redis = await FleetRedis.open(options.url);
    const opened: Array<{ close(): Promise<void> }> = [];
    try {
      const warn = (message: string): void => notice(message);
      const samples = await FleetJobs.open<SampleJob, SampleOutcome>(
        { url: options.url, redis, notice: warn },
        {
          queue: SAMPLE_QUEUE,
          attempts: SAMPLE_ATTEMPTS,
          subject: (data) => ({ proposal: data.proposal }),
          parse: (value) => {
            const completion = parseCompletion(value);
            return typeof completion === 'string' ? completion : { completion };
          },
          failed: (_data, reason, attempts) => ({ failure: failureMessage(reason, attempts, MAX_STALLED_COUNT, 'proposal') }),
        },
      );
      opened.push(samples);
      const checks = await FleetJobs.open<VerifyJob, VerifyOutcome>(
        { url: options.url, redis, notice: warn },
        {
          queue: VERIFY_QUEUE,
          attempts: VERIFY_ATTEMPTS,
          subject: (data) => ({ candidate: data.task.id }),
          parse: (value, data) => {
            const verdicts = parseVerdicts(value, data);
            return typeof verdicts === 'string' ? verdicts : { verdicts };
          },
          failed: (_data, reason, attempts) => ({
            failure: failureMessage(reason, attempts, MAX_STALLED_COUNT, 'evaluation'),
            poison: /stalled more than/i.test(reason),
          }),
        },
      );
      opened.push(checks);
      for (const role of ['sample', 'verify'] as const) await greetWorkers(redis, options.url, role, warn);
      return {
        url: options.url,
        verifyConcurrency: options.verifyConcurrency ?? VERIFY_IN_FLIGHT,
        model: (local, booking) => fleetModel(local, setup, booking, samples, redis),
        verifier: fleetVerifier(setup.runId, checks),
        close: async () => {
          await Promise.allSettled(opened.map((entry) => entry.close()));
          redis.close();
        },
      } satisfies FlywheelRemote;
    } catch (error) {
      await Promise.allSettled(opened.map((entry) => entry.close()));
      redis.close();
      throw error;
    }
  };
}

/**
 * A model handle whose calls are sample jobs. Each call is admitted against the run's budget before
 * its job is sent, and the exchanges its worker made are booked when it settles: across the fleet,
 * as on one machine, at most the run's concurrency of calls can start before a spent budget is seen.
 */
function fleetModel(
  local: ModelHandle,
  setup: Parameters<StartFlywheelRemote>[0],
  booking: RemoteBooking,
  jobs: FleetJobs<SampleJob, SampleOutcome>,
  redis: FleetRedis,
): ModelHandle {
  const { id } = local;
  const config = setup.models.find((model) => model.id === id) ?? { id };
  return {
    id,
    contextWindow: local.contextWindow,
    ...(local.maxOutputTokens === undefined ? {} : { maxOutputTokens: local.maxOutputTokens }),
    async complete(request) {
      const refused = booking.admit();
      if (refused) throw new ModelCallError('budget', `${id}: call refused: ${refused}`, id);
      const data: SampleJob = {
        version: ouroVersion(),
        model: { config: { ...config }, llm: { ...setup.llm } },
        operator: request.operator,
        proposal: request.proposal ?? request.operator,
        messages: request.messages,
        allowance: booking.remaining(),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      };
      const jobId = sampleJobId(setup.runId, data);
      const outcome = await jobs.run(jobId, data);
      for (const exchange of await takeExchanges(redis, jobId)) booking.book(exchange);
      if ('failure' in outcome)
        throw new ModelCallError('network', `${id}: the fleet could not sample ${data.proposal}: ${outcome.failure}`, id);
      return outcome.completion;
    },
  };
}

/** The exchanges a worker appended for a job, removed from Redis so that they are booked once. */
async function takeExchanges(redis: FleetRedis, jobId: string): Promise<LlmExchange[]> {
  const key = exchangesKey(jobId);
  const [items] = await Promise.all([redis.command('LRANGE', [key, 0, -1]) as Promise<string[]>, redis.command('DEL', [key])]);
  return items.flatMap((item) => {
    try {
      return [JSON.parse(item) as LlmExchange];
    } catch {
      return [];
    }
  });
}

/**
 * The execution verifier as verify jobs: one job per task with the samples it is sent. A sample
 * whose check lost its worker three times (it kills what runs it) fails with that reason; any
 * other failure stops the round, which `resume` carries on once the fleet can check code again.
 */
function fleetVerifier(runId: string, jobs: FleetJobs<VerifyJob, VerifyOutcome>): Verifier {
  return {
    name: 'execution',
    accepts: (task) => task.kind === 'code' && (task.code?.language === 'javascript' || task.code?.language === 'python'),
    async verify(task: FlywheelTask, samples: readonly Sample[]): Promise<Verdict[]> {
      if (samples.length === 0) return [];
      const data: VerifyJob = { version: ouroVersion(), task, samples: samples.map(plainSample) };
      const outcome = await jobs.run(verifyJobId(runId, data), data);
      if ('verdicts' in outcome) return outcome.verdicts;
      if (outcome.poison) {
        return samples.map((sample) => ({
          taskId: sample.taskId,
          round: sample.round,
          index: sample.index,
          verifier: 'execution',
          passed: false,
          detail: outcome.failure,
        }));
      }
      throw new OuroError('fleet-failed', `task ${task.id}: the fleet could not check its code: ${outcome.failure}`, {
        candidate: task.id,
      });
    },
  };
}

/** The fields of a sample a verdict needs, without what the store added (kind, split, creation time). */
function plainSample(sample: Sample): Sample {
  return {
    taskId: sample.taskId,
    round: sample.round,
    index: sample.index,
    model: sample.model,
    temperature: sample.temperature,
    text: sample.text,
    ...(sample.answer === undefined ? {} : { answer: sample.answer }),
    tokens: sample.tokens,
    costUsd: sample.costUsd,
  };
}
