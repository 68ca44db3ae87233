/**
 * What an LLM operator sees of a model: one call in, one reply out. The llm/ layer implements it
 * with retries, pricing, the ledger and recording; operators and tests depend only on this.
 */
import { OuroError } from './errors.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** The operator making the call, for the ledger. */
  operator: string;
  /** Per-call cap on output tokens; the model's default when omitted. */
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Set by the engine, not by operators: the proposal this call belongs to, for the record. */
  proposal?: string;
  /** Sampling temperature for this call; the model's configured one when omitted. */
  temperature?: number;
  /**
   * Ask for the log-probability of each reply token. Providers that cannot return them (Anthropic)
   * leave `Completion.logprobs` unset rather than failing the call.
   */
  logprobs?: boolean;
  /** With `logprobs`, how many of the most likely alternatives to return at each position (OpenAI allows up to 20). */
  topLogprobs?: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One reply token with its natural-log probability, and the most likely alternatives when asked for. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  topLogprobs?: Array<{ token: string; logprob: number }>;
}

export interface Completion {
  text: string;
  /** `length` means the reply hit the output-token cap and is probably cut short. */
  finishReason: 'stop' | 'length' | 'other';
  usage: TokenUsage;
  /** Money the call cost in US dollars, from the price table (0 when the model has no price). */
  costUsd: number;
  latencyMs: number;
  /** The model that answered, as `provider:model`. */
  model: string;
  /** Per-token log-probabilities, present only when asked for and the provider returned them. */
  logprobs?: TokenLogprob[];
}

export interface ModelHandle {
  /** `provider:model`, such as `openai:gpt-4.1-mini`. */
  readonly id: string;
  /** Context window in tokens, used to trim prompts before a call. */
  readonly contextWindow: number;
  /** The reply cap this model is configured with; operators reserve that much of the window. */
  readonly maxOutputTokens?: number;
  /**
   * False when the provider is known not to return token log-probabilities (Anthropic); unset
   * when unknown, in which case a caller that needs them checks `Completion.logprobs`.
   */
  readonly logprobs?: boolean;
  /**
   * One exchange. Throws `ModelCallError` when the call fails after its retries, when it is
   * refused because a token or money budget is spent, or when the signal aborts it.
   */
  complete(request: CompletionRequest): Promise<Completion>;
}

export type ModelCallFailure = 'http' | 'timeout' | 'network' | 'budget' | 'aborted' | 'replay-missing' | 'bad-reply';

/** The OuroError code of a failed model call: `model-<kind>`, and `model-rate-limited` for an HTTP 429. */
export type ModelCallErrorCode = `model-${ModelCallFailure}` | 'model-rate-limited';

/**
 * Whether another attempt at a call that failed this way may succeed: HTTP 429 and 5xx, one
 * attempt's timeout, a dropped or refused connection. Not: other HTTP statuses, a reply that does
 * not parse, a spent budget, a caller's abort, a reply missing from a replay. The llm retry loop
 * and `ModelCallError.isRetryable` both follow this one rule.
 *
 * @example
 * isRetryableModelFailure('http', 429) // true
 * isRetryableModelFailure('http', 401) // false
 */
export function isRetryableModelFailure(kind: ModelCallFailure, status?: number): boolean {
  if (kind === 'http') return status !== undefined && (status === 429 || status >= 500);
  return kind === 'timeout' || kind === 'network';
}

/**
 * A model call that produced no usable reply; operators turn it into a failed proposal. An
 * OuroError whose code is `model-<kind>` (`model-rate-limited` for an HTTP 429).
 *
 * @example
 * throw new ModelCallError('http', 'openai:gpt-4.1-mini: HTTP 429: slow down', 'openai:gpt-4.1-mini', 429);
 */
export class ModelCallError extends OuroError {
  declare readonly code: ModelCallErrorCode;

  constructor(
    readonly kind: ModelCallFailure,
    message: string,
    readonly model: string,
    readonly status?: number,
  ) {
    super(kind === 'http' && status === 429 ? 'model-rate-limited' : `model-${kind}`, message, {
      isRetryable: isRetryableModelFailure(kind, status),
    });
    this.name = 'ModelCallError';
  }
}

/** One exchange with a model as the run's database keeps it; replay serves these back. */
export interface LlmExchange {
  /** `provider:model`. */
  model: string;
  operator: string;
  proposal?: string;
  /** What was asked; `temperature` only when the caller set one (the model's configured one applied otherwise). */
  request: { messages: ChatMessage[]; maxOutputTokens?: number; temperature?: number };
  /** The reply text, or null when the call failed. */
  reply: string | null;
  finishReason: Completion['finishReason'] | null;
  /** Why the call failed, when it did. */
  error?: { kind: ModelCallFailure; message: string; status?: number };
  usage: TokenUsage;
  /** Token log-probabilities of the reply, when the call asked for them and got them. */
  logprobs?: TokenLogprob[];
  costUsd: number;
  /** From the first attempt to the final answer, retries and backoff included. */
  latencyMs: number;
  attempts: number;
  startedAt: number;
}
