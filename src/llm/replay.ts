import { createHash } from 'node:crypto';
import { ModelCallError, type Completion, type CompletionRequest, type LlmExchange, type ModelHandle } from '../core/model.ts';
import { recordedRequest } from './client.ts';

export interface ReplayOptions {
  /** Told about every exchange served, as the live client would be. */
  onExchange?: (exchange: LlmExchange) => void;
  /** Asked before each call, as the live client does; a returned reason refuses it. */
  admit?: () => string | null;
}

const DEFAULT_CONTEXT_WINDOW = 128_000;

/** Identifies a prompt: the model, the messages and the reply cap the caller asked for. */
export function replayKey(model: string, request: LlmExchange['request']): string {
  const canonical = {
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    maxOutputTokens: request.maxOutputTokens ?? null,
  };
  return createHash('sha1').update(model).update('\0').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Model handles that answer from a run's recorded exchanges, with no network. Identical prompts
 * get their replies in recorded order; recorded failures are thrown again with their kind; a
 * prompt that was never recorded throws `replay-missing`. Usage and cost are those recorded, so
 * the replayed run's ledger equals the original's.
 *
 * @example
 * const modelFor = createReplayModels(store.llmCalls(runId), { onExchange: (e) => ledger.record(e) });
 * const model = modelFor('openai:gpt-4.1-mini');
 */
export function createReplayModels(
  exchanges: readonly LlmExchange[],
  options: ReplayOptions = {},
): (modelId: string, contextWindow?: number) => ModelHandle {
  const queues = new Map<string, LlmExchange[]>();
  for (const exchange of exchanges) {
    const key = replayKey(exchange.model, exchange.request);
    const queue = queues.get(key);
    if (queue) queue.push(exchange);
    else queues.set(key, [exchange]);
  }

  return (modelId, contextWindow = DEFAULT_CONTEXT_WINDOW) => ({
    id: modelId,
    contextWindow,
    async complete(request: CompletionRequest): Promise<Completion> {
      if (request.signal?.aborted) {
        throw new ModelCallError('aborted', `${modelId} (replay): the call was aborted before it started`, modelId);
      }
      const refusal = options.admit?.() ?? null;
      if (refusal !== null) throw new ModelCallError('budget', refusal, modelId);
      const recorded = queues.get(replayKey(modelId, recordedRequest(request)))?.shift();
      if (!recorded) {
        throw new ModelCallError(
          'replay-missing',
          `${modelId} (replay): the run has no recorded reply for this prompt of operator ${request.operator}; ` +
            'the prompt differs from the original run or the original run made fewer calls',
          modelId,
        );
      }
      const { proposal: _recordedProposal, ...served } = recorded;
      options.onExchange?.({
        ...served,
        operator: request.operator,
        ...(request.proposal === undefined ? {} : { proposal: request.proposal }),
        request: recordedRequest(request),
        startedAt: Date.now(),
      });
      if (recorded.error !== undefined || recorded.reply === null) {
        const error = recorded.error ?? { kind: 'bad-reply' as const, message: `${modelId} (replay): the recorded call has no reply` };
        throw new ModelCallError(error.kind, error.message, modelId, error.status);
      }
      return {
        text: recorded.reply,
        finishReason: recorded.finishReason ?? 'other',
        usage: { ...recorded.usage },
        costUsd: recorded.costUsd,
        latencyMs: recorded.latencyMs,
        model: modelId,
        ...(recorded.logprobs === undefined ? {} : { logprobs: recorded.logprobs.map((token) => ({ ...token })) }),
      };
    },
  });
}

/**
 * The recorded exchanges a resumed replay has not been served yet: each exchange it was served
 * (matched by prompt, the way replay matches) removes the first recorded one with that prompt.
 */
export function unserved(recorded: readonly LlmExchange[], served: readonly LlmExchange[]): LlmExchange[] {
  const pending = new Map<string, number>();
  for (const exchange of served) {
    const key = replayKey(exchange.model, exchange.request);
    pending.set(key, (pending.get(key) ?? 0) + 1);
  }
  return recorded.filter((exchange) => {
    const key = replayKey(exchange.model, exchange.request);
    const count = pending.get(key) ?? 0;
    if (count === 0) return true;
    pending.set(key, count - 1);
    return false;
  });
}
