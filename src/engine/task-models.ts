/**
 * The engine's side of `context.models`: evaluators' model calls, run through the run's models
 * (ledger, budgets, recording, replay) and booked as operator `task` under the candidate's id, so
 * that `ouro show` and the dashboard tell what the evaluation spent from what the proposals spent.
 *
 * A call at temperature 0 is answered once per run: a repeat of the same model, messages and reply
 * cap is served from the earlier answer (kept in the store, so a resumed run keeps it) and costs
 * nothing. Two evaluations asking the same thing at once share one call.
 */
import { createHash } from 'node:crypto';
import type { TaskCompletion, TaskModelRequest } from '../core/evaluator.ts';
import type { TaskModelHost } from '../core/evaluators.ts';
import type { ModelConfig } from '../core/experiment.ts';
import type { Completion, LlmExchange } from '../core/model.ts';
import { TASK_OPERATOR } from '../llm/ledger.ts';
import type { RunModels } from '../llm/index.ts';

/** How the cache has served a run's task calls so far. */
export interface TaskModelStats {
  calls: number;
  cached: number;
}

/**
 * A `TaskModelHost` over the run's models. `prior` holds the run's earlier exchanges (a resumed
 * run), whose temperature-0 task answers fill the cache.
 *
 * @example
 * const host = taskModelHost(models, config.models, store.llmCalls(runId));
 * const answer = await host.complete('r1-4', { messages, temperature: 0 }, signal);
 */
export function taskModelHost(
  models: RunModels,
  configs: readonly ModelConfig[],
  prior: readonly LlmExchange[] = [],
): TaskModelHost & { stats(): TaskModelStats } {
  const configured = new Map(configs.map((config) => [config.id, config.temperature]));
  const answers = new Map<string, Promise<Completion>>();
  const stats: TaskModelStats = { calls: 0, cached: 0 };
  for (const exchange of prior) {
    if (exchange.operator !== TASK_OPERATOR || exchange.error !== undefined || exchange.reply === null) continue;
    if (exchange.request.temperature !== 0) continue;
    answers.set(cacheKey(exchange.model, exchange.request.messages, exchange.request.maxOutputTokens), Promise.resolve(served(exchange)));
  }

  return {
    ids: models.ids,
    stats: () => ({ ...stats }),
    async complete(candidateId: string, request: TaskModelRequest, signal: AbortSignal): Promise<TaskCompletion> {
      const id = request.model ?? models.ids[0];
      const handle = id === undefined ? undefined : models.handles.get(id);
      if (id === undefined || handle === undefined) {
        throw new Error(
          `context.models: model ${request.model ?? '(default)'} is not configured for this run; it has ` +
            `${models.ids.join(', ') || 'none'}. Name it with --model or under models in the config`,
        );
      }
      stats.calls += 1;
      const temperature = request.temperature ?? configured.get(id);
      const call = (): Promise<Completion> =>
        handle.complete({
          messages: request.messages,
          operator: TASK_OPERATOR,
          proposal: candidateId,
          signal,
          ...(temperature === undefined ? {} : { temperature }),
          ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
        });
      if (temperature !== 0) return { ...pick(await call()), cached: false };
      const key = cacheKey(id, request.messages, request.maxOutputTokens);
      const known = answers.get(key);
      if (known !== undefined) {
        stats.cached += 1;
        return { ...pick(await known), costUsd: 0, cached: true };
      }
      const pending = call();
      answers.set(key, pending);
      try {
        return { ...pick(await pending), cached: false };
      } catch (error) {
        // A failed call is not an answer: the next asker tries again (and pays, if it succeeds).
        if (answers.get(key) === pending) answers.delete(key);
        throw error;
      }
    },
  };
}

function cacheKey(model: string, messages: TaskModelRequest['messages'], maxOutputTokens: number | undefined): string {
  const canonical = JSON.stringify([messages.map((message) => [message.role, message.content]), maxOutputTokens ?? null]);
  return createHash('sha256').update(model).update('\0').update(canonical).digest('hex');
}

function pick(completion: Completion): Omit<TaskCompletion, 'cached'> {
  const { text, finishReason, usage, costUsd, model } = completion;
  return { text, finishReason, usage: { ...usage }, costUsd, model };
}

function served(exchange: LlmExchange): Completion {
  return {
    text: exchange.reply as string,
    finishReason: exchange.finishReason ?? 'other',
    usage: { ...exchange.usage },
    costUsd: exchange.costUsd,
    latencyMs: exchange.latencyMs,
    model: exchange.model,
  };
}
