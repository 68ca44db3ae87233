import { APICallError } from 'ai';
import { isRetryableModelFailure, type ModelCallFailure } from '../core/model.ts';

export interface RetryOptions {
  /** Backoff before the second attempt; it doubles for each attempt after that. */
  baseDelayMs?: number;
  /** No wait is longer than this, a server's `retry-after` included. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY = { baseDelayMs: 1_000, maxDelayMs: 30_000 } as const;

/** One attempt's failure, sorted into what the caller sees and whether another attempt may help. */
export interface AttemptFailure {
  kind: ModelCallFailure;
  detail: string;
  status?: number;
  /** As `ModelCallError.isRetryable` says for the same kind and status (`isRetryableModelFailure`). */
  isRetryable: boolean;
  /** The wait the server asked for, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * An attempt's failure; whether it is retried follows `isRetryableModelFailure`, the rule the
 * final `ModelCallError` follows too, so that the loop and the error never disagree.
 *
 * @example
 * attemptFailure('http', 'HTTP 503: overloaded', 503).isRetryable // true
 */
export function attemptFailure(kind: ModelCallFailure, detail: string, status?: number): AttemptFailure {
  return { kind, detail, ...(status === undefined ? {} : { status }), isRetryable: isRetryableModelFailure(kind, status) };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The innermost readable reason along an error's cause chain, such as `connect ECONNREFUSED 127.0.0.1:9`. */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  let message = String(error);
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (current instanceof TypeError && /fetch failed|terminated/i.test(current.message)) return 'fetch failed';
    current = current.cause;
  }
  return undefined;
}

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const milliseconds = Number(lower['retry-after-ms']);
  if (lower['retry-after-ms'] !== undefined && Number.isFinite(milliseconds)) return Math.max(0, milliseconds);
  const value = lower['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sorts an attempt's error. Retried: HTTP 429 and 5xx, timeouts of one attempt, dropped or
 * refused connections. Not retried: other HTTP errors, replies that do not parse, and a caller's
 * abort.
 */
export function classifyFailure(error: unknown, state: { aborted: boolean; timedOut: boolean; timeoutMs: number }): AttemptFailure {
  if (state.aborted) return attemptFailure('aborted', 'the caller aborted the call');
  if (state.timedOut) return attemptFailure('timeout', `no reply within ${state.timeoutMs} ms`);
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return attemptFailure('network', rootMessage(error));
    if (status >= 200 && status < 300) return attemptFailure('bad-reply', `unreadable reply (HTTP ${status}): ${error.message}`, status);
    const after = retryAfterMs(error.responseHeaders);
    const failure = attemptFailure('http', `HTTP ${status}: ${error.message}`, status);
    return after === undefined ? failure : { ...failure, retryAfterMs: after };
  }
  if (networkCode(error) !== undefined) return attemptFailure('network', rootMessage(error));
  return attemptFailure('bad-reply', rootMessage(error));
}

/**
 * The wait before attempt `attempt + 1`: the server's `retry-after` when it gave one, otherwise
 * exponential backoff with up to 50% jitter so that parallel callers spread out; capped either way.
 */
export function retryDelay(attempt: number, failure: AttemptFailure, options: RetryOptions = {}, random = Math.random): number {
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  if (failure.retryAfterMs !== undefined) return Math.min(cap, failure.retryAfterMs);
  const exponential = base * 2 ** (attempt - 1);
  return Math.min(cap, exponential * (1 + 0.5 * random()));
}
