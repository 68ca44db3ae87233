import { OuroError } from '../core/errors.ts';
import { ModelCallError, type ChatMessage, type ModelHandle, type TokenLogprob, type TokenUsage } from '../core/model.ts';
import type { CommonOptions, HaltReason, InferBudget, InferCost, InferInput, ModelSource, SampleFunction, SampleRequest } from './types.ts';

/** A reply as the methods see it, whatever the source. */
export interface Reply {
  text: string;
  usage: TokenUsage;
  costUsd: number;
  logprobs?: TokenLogprob[];
}

export type CallOutcome = { ok: true; reply: Reply } | { ok: false; halt: HaltReason };

function isModelHandle(source: ModelSource): source is ModelHandle {
  return typeof source === 'object' && source !== null && typeof (source as ModelHandle).complete === 'function';
}

/** How errors and traces name a source: the model id, or `a sampler function`. */
export function sourceName(source: ModelSource): string {
  return isModelHandle(source) ? `model ${source.id}` : 'a sampler function';
}

/**
 * Makes a method's model calls: one place that checks the budget and the abort signal before each
 * call and sums what the replies cost. A limit is checked before a call, so the last call may
 * overshoot a token or money limit by what that one call spent.
 */
export class Spender {
  readonly cost: InferCost = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private readonly budget: InferBudget;

  constructor(
    private readonly method: string,
    private readonly source: ModelSource,
    private readonly options: CommonOptions,
  ) {
    this.budget = options.budget ?? {};
    for (const field of ['calls', 'tokens', 'costUsd'] as const) {
      const value = this.budget[field];
      if (value !== undefined && !(value > 0)) {
        throw new OuroError('option-invalid', `${method}: budget.${field} must be greater than 0 (got ${value})`, {
          field: `budget.${field}`,
        });
      }
    }
  }

  /** Why the next call may not be made, or null when it may. */
  halted(): HaltReason | null {
    if (this.options.signal?.aborted) return 'aborted';
    const { calls, tokens, costUsd } = this.budget;
    if (calls !== undefined && this.cost.calls >= calls) return 'budget-calls';
    if (tokens !== undefined && this.cost.inputTokens + this.cost.outputTokens >= tokens) return 'budget-tokens';
    if (costUsd !== undefined && this.cost.costUsd >= costUsd) return 'budget-cost';
    return null;
  }

  /** Calls the method's own source, or `other` (an LLM judge on another model), under one budget. */
  async call(request: Omit<SampleRequest, 'signal'>, other?: ModelSource): Promise<CallOutcome> {
    const halt = this.halted();
    if (halt !== null) return { ok: false, halt };
    const source = other ?? this.source;
    const signal = this.options.signal;
    let reply: Reply;
    try {
      reply = await callSource(source, { ...request, ...(signal ? { signal } : {}) }, this.options.operator ?? this.method);
    } catch (error) {
      if (error instanceof ModelCallError && error.kind === 'budget') return { ok: false, halt: 'model-budget' };
      if (signal?.aborted || (error instanceof ModelCallError && error.kind === 'aborted')) return { ok: false, halt: 'aborted' };
      throw error;
    }
    this.cost.calls += 1;
    this.cost.inputTokens += reply.usage.inputTokens;
    this.cost.outputTokens += reply.usage.outputTokens;
    this.cost.costUsd += reply.costUsd;
    if (request.logprobs === true) this.requireLogprobs(reply, source, request.topLogprobs);
    return { ok: true, reply };
  }

  /**
   * Refuses up front a source known to lack log-probabilities (an Anthropic model), so that a
   * method that needs them fails before it spends anything.
   */
  checkLogprobs(source: ModelSource = this.source): void {
    if (isModelHandle(source) && source.logprobs === false) {
      throw new OuroError(
        'option-invalid',
        `${this.method} needs token log-probabilities, but ${sourceName(source)} (provider ${source.id.split(':')[0]}) ` +
          `does not return them; use an OpenAI or OpenAI-compatible model`,
        { field: 'model' },
      );
    }
  }

  private requireLogprobs(reply: Reply, source: ModelSource, topLogprobs: number | undefined): void {
    const missing = reply.logprobs === undefined || (reply.logprobs.length === 0 && reply.text.length > 0);
    const missingTop = !missing && topLogprobs !== undefined && reply.logprobs?.some((token) => (token.topLogprobs?.length ?? 0) === 0);
    if (!missing && !missingTop) return;
    const what = missing ? 'token log-probabilities' : `the top-${topLogprobs} log-probabilities of each token`;
    const where = isModelHandle(source) ? `${sourceName(source)} (provider ${source.id.split(':')[0]})` : sourceName(source);
    throw new OuroError(
      'option-invalid',
      `${this.method} needs ${what}, but the reply from ${where} carried none: the provider or server does not return them`,
      { field: 'model' },
    );
  }
}

async function callSource(source: ModelSource, request: SampleRequest, operator: string): Promise<Reply> {
  if (isModelHandle(source)) {
    const completion = await source.complete({
      messages: request.messages,
      operator,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.logprobs ? { logprobs: true } : {}),
      ...(request.topLogprobs === undefined ? {} : { topLogprobs: request.topLogprobs }),
    });
    return {
      text: completion.text,
      usage: completion.usage,
      costUsd: completion.costUsd,
      ...(completion.logprobs === undefined ? {} : { logprobs: completion.logprobs }),
    };
  }
  const answer = await (source as SampleFunction)(request);
  if (typeof answer === 'string') return { text: answer, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0 };
  return {
    text: answer.text,
    usage: answer.usage ?? { inputTokens: 0, outputTokens: 0 },
    costUsd: answer.costUsd ?? 0,
    ...(answer.logprobs === undefined ? {} : { logprobs: answer.logprobs }),
  };
}

/** The conversation for an input, with the optional system message first. */
export function messagesFor(input: InferInput, system?: string): ChatMessage[] {
  const messages: ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input.map((message) => ({ ...message }));
  return system === undefined ? messages : [{ role: 'system', content: system }, ...messages];
}

/** The fields of a call that come from the common options. */
export function samplingOf(options: CommonOptions): Pick<SampleRequest, 'temperature' | 'maxOutputTokens'> {
  return {
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
  };
}

/** Throws `option-invalid` naming the option unless `value` is an integer within [min, max]. */
export function checkInteger(method: string, field: string, value: number, min: number, max = Number.POSITIVE_INFINITY): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    throw new OuroError('option-invalid', `${method}: ${field} must be ${range} (got ${value})`, { field });
  }
}

/** Throws `option-invalid` naming the option unless 0 < value < 1. */
export function checkOpenUnit(method: string, field: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new OuroError('option-invalid', `${method}: ${field} must be strictly between 0 and 1 (got ${value})`, { field });
  }
}

/** exp(mean token log-probability): the geometric-mean probability of the reply's tokens. */
export function meanTokenProbability(logprobs: readonly TokenLogprob[] | undefined): number | undefined {
  if (logprobs === undefined || logprobs.length === 0) return undefined;
  return Math.exp(logprobs.reduce((sum, token) => sum + token.logprob, 0) / logprobs.length);
}
