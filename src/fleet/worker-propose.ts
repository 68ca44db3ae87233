// A worker's propose jobs: the controller's operator runs here, with a model this machine calls itself.
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { OuroError } from '../core/errors.ts';
import { experimentSchema, type LlmConfig, type ModelConfig } from '../core/experiment.ts';
import type { CompletionRequest, LlmExchange, ModelHandle } from '../core/model.ts';
import type { Operator, ProposalResult } from '../core/operator.ts';
import { Rng } from '../core/rng.ts';
import { createModel, missingKey, resolveModel } from '../llm/index.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../propose/index.ts';
import { createLlmOperators } from '../propose/llm/index.ts';
import { fetchBundle } from './bundle.ts';
import { KEEP_FINISHED } from './locks.ts';
import { decodeView, exchangesKey, INVALID_PROPOSE_PAYLOAD, ProposeJob } from './protocol.ts';
import { checkPayload, type WorkerContext } from './worker-context.ts';

/** The processor of propose jobs. Model keys come from this worker's environment and never travel. */
export function proposeProcessor(
  context: WorkerContext,
  env: NodeJS.ProcessEnv = process.env,
): (job: Job, token?: string) => Promise<ProposalResult> {
  const operators = new Map<string, Operator>();

  const operatorFor = (data: ProposeJob, folder: string): Operator => {
    const templatesDir = data.prompts ? join(folder, data.prompts) : undefined;
    const key = JSON.stringify([data.operator, templatesDir ?? null, data.maxOutputTokens]);
    let operator = operators.get(key);
    if (!operator) {
      // Unknown names throw config-invalid with the list of operators, which fails the job with that reason.
      operator = EMBEDDED_OPERATORS.includes(data.operator)
        ? (createOperators([data.operator])[0] as Operator)
        : (createLlmOperators([data.operator], {
            ...(templatesDir ? { templatesDir } : {}),
            maxOutputTokens: data.maxOutputTokens,
          })[0] as Operator);
      operators.set(key, operator);
    }
    return operator;
  };

  return async (job: Job, token?: string): Promise<ProposalResult> => {
    const data = await checkPayload(context, job, token, ProposeJob, INVALID_PROPOSE_PAYLOAD);
    const folder = await fetchBundle(context.redis, data.bundle, context.cacheDir);
    const operator = operatorFor(data, folder);
    const booked: Promise<unknown>[] = [];
    const model = data.model
      ? modelFor(data, env, (exchange) => booked.push(appendExchange(context, job.id as string, exchange)))
      : undefined;
    context.running.set(job.id as string, {
      job: job.id as string,
      candidate: `proposal ${data.proposal} (${data.operator})`,
      since: Date.now(),
    });
    try {
      const result = await operator.propose({
        parents: data.parents.map(decodeView),
        inspirations: data.inspirations.map(decodeView),
        rng: Rng.fromSeed(data.seed),
        lessons: data.lessons,
        ...(model ? { model } : {}),
        ...(data.description ? { description: data.description } : {}),
      });
      await Promise.all(booked);
      return result;
    } finally {
      context.running.delete(job.id as string);
    }
  };
}

/**
 * The job's model, resolved with this worker's keys. Calls are refused once the job's allowance
 * (what the run's budget had left when the job was sent) is spent, and tagged with the proposal id.
 */
export function modelFor(
  data: Pick<ProposeJob, 'model' | 'allowance' | 'proposal'>,
  env: NodeJS.ProcessEnv,
  onExchange: (exchange: LlmExchange) => void,
): ModelHandle {
  const llm = experimentSchema.shape.llm.parse(data.model?.llm ?? {}) as LlmConfig;
  const resolved = resolveModel(data.model?.config as ModelConfig, llm, env);
  const missing = missingKey(resolved);
  if (missing) {
    // Retryable: another worker of the fleet may have the key.
    throw new OuroError(
      'config-missing',
      `this worker has no ${missing} for ${resolved.id}: set it in the worker's environment, or start the worker with --roles evaluate`,
      { field: 'model', isRetryable: true },
    );
  }
  const spent = { tokens: 0, costUsd: 0 };
  const { allowance } = data;
  const handle = createModel(resolved, {
    admit: () => {
      if (allowance.tokens !== undefined && spent.tokens >= allowance.tokens)
        return `the run's token budget is spent (this job's share: ${allowance.tokens})`;
      if (allowance.costUsd !== undefined && spent.costUsd >= allowance.costUsd)
        return `the run's money budget is spent (this job's share: $${allowance.costUsd})`;
      return null;
    },
    onExchange: (exchange) => {
      spent.tokens += exchange.usage.inputTokens + exchange.usage.outputTokens;
      spent.costUsd += exchange.costUsd;
      onExchange(exchange);
    },
  });
  return {
    id: handle.id,
    contextWindow: handle.contextWindow,
    ...(handle.maxOutputTokens === undefined ? {} : { maxOutputTokens: handle.maxOutputTokens }),
    complete: (request: CompletionRequest) => handle.complete({ ...request, proposal: data.proposal }),
  };
}

/**
 * Appends a model exchange of job `jobId` to its Redis list as the call ends, so the controller
 * books it even if this process dies before the job completes.
 */
export function appendExchange(context: WorkerContext, jobId: string, exchange: LlmExchange): Promise<unknown> {
  const key = exchangesKey(jobId);
  return context.redis
    .command('RPUSH', [key, JSON.stringify(exchange)])
    .then(() => context.redis.command('EXPIRE', [key, KEEP_FINISHED.age]));
}
