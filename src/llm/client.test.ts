import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { ModelCallError, type CompletionRequest, type LlmExchange } from '../core/model.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLlmServerOptions } from '../testing/scripted-llm-server.ts';
import { createModel } from './client.ts';
import { Ledger } from './ledger.ts';
import { resolveModel, type ResolvedModel } from './spec.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 3, maxOutputTokens: 256, prices: {} };
const PRICE = { input: 2, output: 10 };
const REQUEST: CompletionRequest = {
  operator: 'rewrite',
  proposal: 'p-1',
  messages: [
    { role: 'system', content: 'You improve programs.' },
    { role: 'user', content: 'Make it faster.' },
  ],
  maxOutputTokens: 100,
};

interface Protocol {
  name: string;
  wire: 'openai' | 'anthropic';
  resolve(server: ScriptedLlmServer, llm: LlmConfig): ResolvedModel;
}

const PROTOCOLS: Protocol[] = [
  {
    name: 'compat',
    wire: 'openai',
    resolve: (server, llm) => resolveModel({ id: `compat:${server.compatBaseURL}#scripted-coder`, price: PRICE }, llm, {}),
  },
  {
    name: 'openai through OPENAI_BASE_URL',
    wire: 'openai',
    resolve: (server, llm) =>
      resolveModel({ id: 'openai:gpt-4.1-mini', price: PRICE }, llm, { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: server.openaiBaseURL }),
  },
  {
    name: 'anthropic through ANTHROPIC_BASE_URL',
    wire: 'anthropic',
    resolve: (server, llm) =>
      resolveModel({ id: 'anthropic:claude-haiku-4-5', price: PRICE }, llm, {
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: server.anthropicBaseURL,
      }),
  },
];

let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

describe.each(PROTOCOLS)('createModel over $name', (protocol) => {
  async function setup(options: ScriptedLlmServerOptions, llm: Partial<LlmConfig> = {}, admit?: () => string | null) {
    const started = await startScriptedLlmServer(options);
    server = started;
    const exchanges: LlmExchange[] = [];
    const ledger = new Ledger();
    const resolved = protocol.resolve(started, { ...LLM, ...llm });
    const model = createModel(resolved, {
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      onExchange: (exchange) => {
        exchanges.push(exchange);
        ledger.record(exchange);
      },
      ...(admit ? { admit } : {}),
    });
    return { server: started, model, resolved, exchanges, ledger };
  }

  it('returns the reply with its usage and cost, and records one exchange', async () => {
    const { server, model, resolved, exchanges, ledger } = await setup({
      script: [{ text: 'Use a lookup table.', usage: { inputTokens: 1200, outputTokens: 300 } }, { text: 'Inline it.' }],
    });
    const first = await model.complete(REQUEST);
    expect(first).toMatchObject({ text: 'Use a lookup table.', finishReason: 'stop', model: resolved.id });
    expect(first.usage).toEqual({ inputTokens: 1200, outputTokens: 300 });
    expect(first.costUsd).toBeCloseTo((1200 * 2 + 300 * 10) / 1_000_000, 12);
    const second = await model.complete({ ...REQUEST, maxOutputTokens: undefined });
    expect(second.text).toBe('Inline it.');

    expect(server.requests.map((request) => request.protocol)).toEqual([protocol.wire, protocol.wire]);
    expect(server.requests[0]?.messages).toEqual(REQUEST.messages);
    expect(server.requests[0]?.maxTokens).toBe(100);
    expect(server.requests[1]?.maxTokens).toBe(256);
    expect(exchanges).toHaveLength(2);
    expect(exchanges[0]).toMatchObject({
      model: resolved.id,
      operator: 'rewrite',
      proposal: 'p-1',
      request: { messages: REQUEST.messages, maxOutputTokens: 100 },
      reply: 'Use a lookup table.',
      finishReason: 'stop',
      attempts: 1,
      costUsd: first.costUsd,
    });
    expect(exchanges[0]?.error).toBeUndefined();
    const totals = ledger.totals();
    expect({ inputTokens: totals.inputTokens, outputTokens: totals.outputTokens }).toEqual(server.usage);
    expect(totals.calls).toBe(2);
    expect(totals.costUsd).toBeCloseTo(first.costUsd + second.costUsd, 12);
  });

  it('retries a 429 and records one exchange with two attempts', async () => {
    const { server, model, exchanges } = await setup({
      script: [{ status: 429, text: 'slow down', headers: { 'retry-after': '0' } }, { text: 'done' }],
    });
    const completion = await model.complete(REQUEST);
    expect(completion.text).toBe('done');
    expect(server.requests).toHaveLength(2);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ attempts: 2, reply: 'done' });
  });

  it('caps a long retry-after at maxDelayMs', async () => {
    const { model } = await setup({ script: [{ status: 503, headers: { 'retry-after': '3600' } }, { text: 'back' }] });
    expect((await model.complete(REQUEST)).text).toBe('back');
  });

  it('gives up after the configured attempts on 500 and records the failure once', async () => {
    const { server, model, resolved, exchanges, ledger } = await setup({ script: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    const error = await failure(model.complete(REQUEST));
    expect(error).toMatchObject({ kind: 'http', status: 500, model: resolved.id });
    expect(error.message).toContain(resolved.id);
    expect(error.message).toContain(server.url);
    expect(server.requests).toHaveLength(3);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ attempts: 3, reply: null, finishReason: null, error: { kind: 'http', status: 500 } });
    expect(ledger.totals()).toMatchObject({ calls: 1, failedCalls: 1, tokens: 0, costUsd: 0 });
  });

  it('does not retry a 400', async () => {
    const { server, model } = await setup({ script: [{ status: 400, text: 'bad model' }, { text: 'unused' }] });
    expect(await failure(model.complete(REQUEST))).toMatchObject({ kind: 'http', status: 400 });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow attempt', async () => {
    const { model, exchanges } = await setup({ script: [{ text: 'late', delayMs: 10_000 }] }, { timeoutMs: 150, attempts: 1 });
    expect(await failure(model.complete(REQUEST))).toMatchObject({ kind: 'timeout' });
    expect(exchanges[0]?.error?.kind).toBe('timeout');
  });

  it('retries after a timed-out attempt', async () => {
    const { model, exchanges } = await setup({ script: [{ text: 'late', delayMs: 10_000 }, { text: 'prompt' }] }, { timeoutMs: 800 });
    expect((await model.complete(REQUEST)).text).toBe('prompt');
    expect(exchanges[0]?.attempts).toBe(2);
  });

  it('reports truncated JSON as a bad reply without retrying', async () => {
    const { server, model, exchanges } = await setup({ script: [{ rawBody: '{"id":"x","choices":[{"mess' }, { text: 'unused' }] });
    expect(await failure(model.complete(REQUEST))).toMatchObject({ kind: 'bad-reply' });
    expect(server.requests).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ attempts: 1, error: { kind: 'bad-reply' } });
  });

  it('returns a reply cut at the token cap with finishReason length', async () => {
    const { model, exchanges } = await setup({ script: [{ text: 'function solve() {', finishReason: 'length' }] });
    const completion = await model.complete(REQUEST);
    expect(completion).toMatchObject({ text: 'function solve() {', finishReason: 'length' });
    expect(exchanges[0]?.finishReason).toBe('length');
  });

  it('makes no request and records nothing when admit refuses', async () => {
    const { server, model, exchanges } = await setup({ script: [{ text: 'unused' }] }, {}, () => 'the token budget is spent');
    const error = await failure(model.complete(REQUEST));
    expect(error).toMatchObject({ kind: 'budget', message: 'the token budget is spent' });
    expect(server.requests).toHaveLength(0);
    expect(exchanges).toHaveLength(0);
  });

  it('stops at once when the caller aborts a call in flight', async () => {
    const controller = new AbortController();
    const { server, model, exchanges } = await setup({
      respond: () => {
        controller.abort();
        return { text: 'too late', delayMs: 10_000 };
      },
    });
    const error = await failure(model.complete({ ...REQUEST, signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ attempts: 1, error: { kind: 'aborted' } });
  });

  it('makes no request for a signal that is already aborted', async () => {
    const { server, model, exchanges } = await setup({ script: [{ text: 'unused' }] });
    const error = await failure(model.complete({ ...REQUEST, signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
    expect(exchanges).toHaveLength(0);
  });
});

describe('createModel without a server', () => {
  it('reports a refused connection as a network failure after every attempt', async () => {
    const closed = await startScriptedLlmServer();
    await closed.close();
    const exchanges: LlmExchange[] = [];
    const resolved = resolveModel({ id: `compat:${closed.compatBaseURL}#scripted` }, { ...LLM, attempts: 2 }, {});
    const model = createModel(resolved, { retry: { baseDelayMs: 5 }, onExchange: (exchange) => exchanges.push(exchange) });
    const error = await failure(model.complete(REQUEST));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(closed.compatBaseURL);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ attempts: 2, error: { kind: 'network' } });
  });

  it('refuses to build a model whose key is missing, naming the variable', () => {
    const resolved = resolveModel({ id: 'anthropic:claude-sonnet-4-5' }, LLM, {});
    expect(() => createModel(resolved)).toThrow(/ANTHROPIC_API_KEY/);
  });
});
