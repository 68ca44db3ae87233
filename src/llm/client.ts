import { setTimeout as sleep } from 'node:timers/promises';
import { generateText } from 'ai';
import {
  ModelCallError,
  type Completion,
  type CompletionRequest,
  type LlmExchange,
  type ModelHandle,
  type TokenLogprob,
  type TokenUsage,
} from '../core/model.ts';
import { costOf } from './prices.ts';
import {
  languageModel,
  logprobOptions,
  logprobsFromMetadata,
  providerReturnsLogprobs,
  requireKey,
  type FetchFunction,
} from './providers.ts';
import { attemptFailure, classifyFailure, retryDelay, type AttemptFailure, type RetryOptions } from './retry.ts';
import { baseUrlOf, type ResolvedModel } from './spec.ts';

export interface ModelOptions {
  /** Asked before each call; a returned reason refuses the call with kind `budget`. */
  admit?: () => string | null;
  /** Told about every call that reached the network, once, when it succeeded or finally failed. */
  onExchange?: (exchange: LlmExchange) => void;
  retry?: RetryOptions;
  /** Replaces the global fetch, for proxies and instrumentation. */
  fetch?: FetchFunction;
}

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

type AttemptOutcome =
  | { ok: true; text: string; finishReason: Completion['finishReason']; usage: TokenUsage; logprobs?: TokenLogprob[] }
  | { ok: false; failure: AttemptFailure };

function finishReasonOf(reason: string): Completion['finishReason'] {
  return reason === 'stop' || reason === 'length' ? reason : 'other';
}

/** The request as the record keeps it: a copy, so that later edits by the caller do not leak in. */
export function recordedRequest(request: CompletionRequest): LlmExchange['request'] {
  return {
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/**
 * A model handle that calls a provider through the AI SDK, with its own retry loop (the SDK's is
 * off, so that retries happen in one place), a timeout per attempt, budget admission and one
 * recorded exchange per call. Throws `config-missing` when the model needs a key it lacks.
 *
 * @example
 * const model = createModel(resolveModel({ id: 'openai:gpt-4.1-mini' }, experiment.llm), {
 *   onExchange: (exchange) => ledger.record(exchange),
 * });
 * const reply = await model.complete({ operator: 'rewrite', messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createModel(resolved: ResolvedModel, options: ModelOptions = {}): ModelHandle {
  requireKey(resolved);
  const model = languageModel(resolved, options.fetch);
  const where = `${resolved.id} at ${baseUrlOf(resolved.spec)}`;

  async function complete(request: CompletionRequest): Promise<Completion> {
    if (request.signal?.aborted) {
      throw new ModelCallError('aborted', `${where}: the call was aborted before it started`, resolved.id);
    }
    const refusal = options.admit?.() ?? null;
    if (refusal !== null) throw new ModelCallError('budget', refusal, resolved.id);

    const startedAt = Date.now();
    const clock = performance.now();
    const maxOutputTokens = request.maxOutputTokens ?? resolved.maxOutputTokens;
    let attempts = 0;

    const record = (outcome: Pick<LlmExchange, 'reply' | 'finishReason' | 'usage' | 'error' | 'logprobs'>): number => {
      const latencyMs = Math.round(performance.now() - clock);
      options.onExchange?.({
        model: resolved.id,
        operator: request.operator,
        ...(request.proposal === undefined ? {} : { proposal: request.proposal }),
        request: recordedRequest(request),
        reply: outcome.reply,
        finishReason: outcome.finishReason,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        usage: outcome.usage,
        ...(outcome.logprobs === undefined ? {} : { logprobs: outcome.logprobs }),
        costUsd: costOf(outcome.usage, resolved.price),
        latencyMs,
        attempts,
        startedAt,
      });
      return latencyMs;
    };

    /** Records the final failure and returns the error to throw. */
    const finalError = (failure: AttemptFailure): ModelCallError => {
      const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
      const message = `${where}: ${failure.kind === 'aborted' ? failure.detail : `${failure.detail}${tries}`}`;
      record({
        reply: null,
        finishReason: null,
        usage: NO_USAGE,
        error: { kind: failure.kind, message, ...(failure.status === undefined ? {} : { status: failure.status }) },
      });
      return new ModelCallError(failure.kind, message, resolved.id, failure.status);
    };

    for (;;) {
      attempts += 1;
      const outcome = await attempt(request, maxOutputTokens);
      if (outcome.ok) {
        const { text, finishReason, usage, logprobs } = outcome;
        const latencyMs = record({ reply: text, finishReason, usage, ...(logprobs === undefined ? {} : { logprobs }) });
        return {
          text,
          finishReason,
          usage,
          costUsd: costOf(usage, resolved.price),
          latencyMs,
          model: resolved.id,
          ...(logprobs === undefined ? {} : { logprobs }),
        };
      }
      if (!outcome.failure.isRetryable || attempts >= resolved.attempts) throw finalError(outcome.failure);
      try {
        await sleep(retryDelay(attempts, outcome.failure, options.retry), undefined, request.signal ? { signal: request.signal } : {});
      } catch {
        throw finalError(attemptFailure('aborted', 'the caller aborted the call while it waited to retry'));
      }
    }
  }

  /** One HTTP exchange under its own timeout; never throws. */
  async function attempt(request: CompletionRequest, maxOutputTokens: number): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(resolved.timeoutMs);
    const temperature = request.temperature ?? resolved.temperature;
    const wantsLogprobs = request.logprobs === true && providerReturnsLogprobs(resolved);
    try {
      const result = await generateText({
        model,
        messages: request.messages,
        allowSystemInMessages: true,
        maxOutputTokens,
        ...(temperature === undefined ? {} : { temperature }),
        ...(wantsLogprobs ? { providerOptions: logprobOptions(resolved, request.topLogprobs) } : {}),
        maxRetries: 0,
        abortSignal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      });
      const logprobs = wantsLogprobs ? logprobsFromMetadata(result.providerMetadata) : undefined;
      return {
        ok: true,
        text: result.text,
        finishReason: finishReasonOf(result.finishReason),
        usage: { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 },
        ...(logprobs === undefined ? {} : { logprobs }),
      };
    } catch (error) {
      const state = { aborted: request.signal?.aborted === true, timedOut: timeout.aborted, timeoutMs: resolved.timeoutMs };
      return { ok: false, failure: classifyFailure(error, state) };
    }
  }

  return {
    id: resolved.id,
    contextWindow: resolved.contextWindow,
    maxOutputTokens: resolved.maxOutputTokens,
    ...(providerReturnsLogprobs(resolved) ? {} : { logprobs: false }),
    complete,
  };
}
