/**
 * One call to a fine-tuning service over HTTP, with the bounded retry every such call gets: HTTP
 * 429 and 5xx, dropped connections and timeouts are tried again after the server's `Retry-After`
 * or an exponential backoff (the same rule as model calls, from `llm/retry.ts`); other answers are
 * returned for the caller to judge.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OuroError, type OuroErrorCode } from '../../core/errors.ts';
import { attemptFailure, retryAfterMs, retryDelay, rootMessage, type AttemptFailure, type RetryOptions } from '../../llm/retry.ts';

/** Where the service is and how hard to try. */
export interface ServiceOptions {
  /** Such as `https://api.openai.com/v1`; paths are appended to it. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when given. */
  apiKey?: string;
  /** Tries per call, the first included. Default 5. */
  attempts?: number;
  /** Backoff and its cap; a server's Retry-After is honoured up to the cap. */
  retry?: RetryOptions;
  /** One try's time limit. Default 120 s (an upload of a large export takes a while). */
  timeoutMs?: number;
  /** Replaces the global fetch, for proxies and tests. */
  fetch?: typeof fetch;
}

/** A call as the trainer makes it. */
export interface ServiceRequest {
  method: 'GET' | 'POST';
  /** Appended to the base URL, such as `/fine_tuning/jobs`. */
  path: string;
  /** A JSON body, or a multipart form. */
  body?: Record<string, unknown> | FormData;
  /** What the call is for, in words, for messages: `uploading round 3's export`. */
  what: string;
  signal?: AbortSignal;
  /**
   * Asked before a retry whose first try may have taken effect at the service (a 5xx, a dropped
   * connection, a timeout): a body returned here is taken as the call's answer and no retry is made.
   */
  recover?: () => Promise<Record<string, unknown> | undefined>;
}

/** The service's answer: a JSON object, or a final error that was not worth retrying. */
export type ServiceReply =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; message: string; code?: string };

export const DEFAULT_SERVICE_ATTEMPTS = 5;
export const DEFAULT_SERVICE_TIMEOUT_MS = 120_000;

type TryOutcome = { reply: ServiceReply } | { failure: AttemptFailure & { ambiguous: boolean } };

/**
 * Makes the call. Returns the JSON body on 2xx and `{ ok: false }` on a final 4xx; throws an
 * OuroError for a refused key (401, 403: `config-invalid`), a caller's abort (`model-aborted`),
 * an unreadable 2xx body (`model-bad-reply`), and retryable failures that lasted every attempt
 * (`model-rate-limited`, `model-http`, `model-network`, `model-timeout`, all `isRetryable`).
 *
 * @example
 * const reply = await callService({ baseUrl, apiKey }, { method: 'GET', path: `/fine_tuning/jobs/${id}`, what: 'polling' });
 * if (reply.ok) console.log(reply.body.status);
 */
export async function callService(options: ServiceOptions, request: ServiceRequest): Promise<ServiceReply> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_SERVICE_ATTEMPTS);
  const url = `${options.baseUrl.replace(/\/+$/, '')}${request.path}`;
  const where = `${request.what} (${request.method} ${url})`;
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(options, request, url, where);
    if ('reply' in outcome) return outcome.reply;
    const { failure } = outcome;
    if (attempt >= attempts) throw exhausted(where, failure, attempts);
    try {
      await sleep(retryDelay(attempt, failure, options.retry), undefined, { signal: request.signal });
    } catch {
      throw aborted(where);
    }
    if (failure.ambiguous && request.recover !== undefined) {
      const recovered = await request.recover();
      if (recovered !== undefined) return { ok: true, status: 200, body: recovered };
    }
  }
}

async function tryOnce(options: ServiceOptions, request: ServiceRequest, url: string, where: string): Promise<TryOutcome> {
  if (request.signal?.aborted) throw aborted(where);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SERVICE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  let body: string | FormData | undefined;
  if (request.body instanceof FormData) body = request.body;
  else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: request.method,
      headers,
      body,
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw aborted(where);
    if (timeout.aborted) return { failure: { ...attemptFailure('timeout', `no answer within ${timeoutMs} ms`), ambiguous: true } };
    return { failure: { ...attemptFailure('network', rootMessage(error)), ambiguous: true } };
  }
  const parsed = parseObject(text);
  if (response.ok) {
    if (parsed === undefined) {
      throw new OuroError(
        'model-bad-reply',
        `${where}: HTTP ${response.status} with a body that is not a JSON object: ${text.slice(0, 200)}`,
      );
    }
    return { reply: { ok: true, status: response.status, body: parsed } };
  }
  const { message, code } = errorOf(parsed, text, response.status);
  const status = response.status;
  if (status === 401 || status === 403) {
    throw new OuroError('config-invalid', `${where}: HTTP ${status}: ${message}; check the trainer's API key`, { field: 'apiKey' });
  }
  const failure = attemptFailure('http', `HTTP ${status}: ${message}`, status);
  if (!failure.isRetryable) return { reply: { ok: false, status, message, ...(code === undefined ? {} : { code }) } };
  const after = retryAfterMs(Object.fromEntries(response.headers.entries()));
  // A 429 was refused before any work; a 5xx may have come after the work was done.
  return { failure: { ...failure, ...(after === undefined ? {} : { retryAfterMs: after }), ambiguous: status !== 429 } };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The service's own words: OpenAI's `{ error: { message, code } }`, a bare `message`, or the body's start. */
function errorOf(body: Record<string, unknown> | undefined, text: string, status: number): { message: string; code?: string } {
  const error = body?.error;
  if (typeof error === 'object' && error !== null) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string') return { message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (typeof error === 'string') return { message: error };
  if (typeof body?.message === 'string') return { message: body.message };
  return { message: text.trim().slice(0, 300) || `no message (HTTP ${status})` };
}

function aborted(where: string): OuroError {
  return new OuroError('model-aborted', `${where}: stopped by the caller`);
}

function exhausted(where: string, failure: AttemptFailure, attempts: number): OuroError {
  const code: OuroErrorCode =
    failure.status === 429
      ? 'model-rate-limited'
      : failure.kind === 'timeout'
        ? 'model-timeout'
        : failure.kind === 'network'
          ? 'model-network'
          : 'model-http';
  return new OuroError(code, `${where}: ${failure.detail} after ${attempts} attempts; the job is kept, resume to try again`, {
    isRetryable: true,
  });
}
