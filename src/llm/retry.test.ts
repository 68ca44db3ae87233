import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { classifyFailure, retryAfterMs, retryDelay, type AttemptFailure } from './retry.ts';

const STATE = { aborted: false, timedOut: false, timeoutMs: 1000 };

function httpError(statusCode: number | undefined, responseHeaders?: Record<string, string>): APICallError {
  return new APICallError({
    message: 'boom',
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    responseHeaders,
  });
}

describe('classifyFailure', () => {
  it('retries 429, 5xx, timeouts and network errors only', () => {
    expect(classifyFailure(httpError(429), STATE)).toMatchObject({ kind: 'http', status: 429, isRetryable: true });
    expect(classifyFailure(httpError(502), STATE)).toMatchObject({ kind: 'http', status: 502, isRetryable: true });
    expect(classifyFailure(httpError(401), STATE)).toMatchObject({ kind: 'http', status: 401, isRetryable: false });
    expect(classifyFailure(httpError(200), STATE)).toMatchObject({ kind: 'bad-reply', isRetryable: false });
    expect(classifyFailure(httpError(undefined), STATE)).toMatchObject({ kind: 'network', isRetryable: true });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyFailure(refused, STATE)).toMatchObject({ kind: 'network', detail: 'connect ECONNREFUSED', isRetryable: true });
    expect(classifyFailure(new Error('odd'), STATE)).toMatchObject({ kind: 'bad-reply', isRetryable: false });
    expect(classifyFailure(new Error('odd'), { ...STATE, timedOut: true })).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(classifyFailure(new Error('odd'), { ...STATE, timedOut: true, aborted: true })).toMatchObject({
      kind: 'aborted',
      isRetryable: false,
    });
  });

  it('carries the retry-after of an HTTP error', () => {
    expect(classifyFailure(httpError(429, { 'Retry-After': '2' }), STATE).retryAfterMs).toBe(2000);
  });
});

describe('retryAfterMs', () => {
  it('reads milliseconds, seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250' })).toBe(250);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  const failure: AttemptFailure = { kind: 'http', detail: 'HTTP 500', status: 500, isRetryable: true };

  it('doubles per attempt with up to half again of jitter, under the cap', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(1, failure, options, () => 0)).toBe(100);
    expect(retryDelay(2, failure, options, () => 0)).toBe(200);
    expect(retryDelay(2, failure, options, () => 1)).toBe(300);
    expect(retryDelay(6, failure, options, () => 0)).toBe(1000);
  });

  it('follows retry-after, capped', () => {
    expect(retryDelay(1, { ...failure, retryAfterMs: 700 }, { maxDelayMs: 1000 })).toBe(700);
    expect(retryDelay(1, { ...failure, retryAfterMs: 3_600_000 }, { maxDelayMs: 1000 })).toBe(1000);
  });
});
