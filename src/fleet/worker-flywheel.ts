// A worker's flywheel jobs: one model call with this machine's key (`sample`), and one task's code
// check in this machine's sandbox (`verify`).
import type { Job } from 'bullmq';
import type { Completion } from '../core/model.ts';
import { executionVerifier, type FlywheelTask, type Verdict } from '../flywheel/index.ts';
import { INVALID_SAMPLE_PAYLOAD, INVALID_VERIFY_PAYLOAD, SampleJob, VerifyJob } from './flywheel-protocol.ts';
import { checkPayload, type WorkerContext } from './worker-context.ts';
import { appendExchange, modelFor } from './worker-propose.ts';

/** The processor of sample jobs: the call is admitted against the job's allowance, and its exchange appended to Redis as it ends. */
export function sampleProcessor(
  context: WorkerContext,
  env: NodeJS.ProcessEnv = process.env,
): (job: Job, token?: string) => Promise<Completion> {
  return async (job, token) => {
    const data = await checkPayload(context, job, token, SampleJob, INVALID_SAMPLE_PAYLOAD);
    const jobId = job.id as string;
    const booked: Promise<unknown>[] = [];
    const model = modelFor(data, env, (exchange) => booked.push(appendExchange(context, jobId, exchange)));
    context.running.set(jobId, { job: jobId, candidate: `sample ${data.proposal} (${model.id})`, since: Date.now() });
    try {
      const completion = await model.complete({
        messages: data.messages,
        operator: data.operator,
        ...(data.temperature === undefined ? {} : { temperature: data.temperature }),
        ...(data.maxOutputTokens === undefined ? {} : { maxOutputTokens: data.maxOutputTokens }),
      });
      await Promise.all(booked);
      const { logprobs: _dropped, ...reply } = completion;
      return reply;
    } finally {
      context.running.delete(jobId);
    }
  };
}

/**
 * The processor of verify jobs: the flywheel's own execution verifier, in this worker's sandbox
 * (bubblewrap, or none where the worker was started with `--unsafe`). A machine without
 * bubblewrap fails the job with the sandbox's message, which names the install command.
 */
export function verifyProcessor(context: WorkerContext): (job: Job, token?: string) => Promise<Verdict[]> {
  // The worker's concurrency bounds jobs at once; each job checks its samples one after another.
  const verifier = executionVerifier({ concurrency: 1, ...(context.unsafe ? { unsafe: true } : {}) });
  return async (job, token) => {
    const data = await checkPayload(context, job, token, VerifyJob, INVALID_VERIFY_PAYLOAD);
    const task = data.task as FlywheelTask;
    const jobId = job.id as string;
    context.running.set(jobId, { job: jobId, candidate: `verify ${task.id} (${data.samples.length} samples)`, since: Date.now() });
    try {
      return await verifier.verify(task, data.samples);
    } finally {
      context.running.delete(jobId);
    }
  };
}
