import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { ModelCallError, type CompletionRequest, type LlmExchange, type ModelHandle } from '../core/model.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../testing/scripted-llm-server.ts';
import { modelConfigs, openRunModels } from './run-models.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 64, prices: {} };
const USAGE = { inputTokens: 100, outputTokens: 100 };
const ask = (content: string): CompletionRequest => ({ operator: 'rewrite', messages: [{ role: 'user', content }] });

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that echoes each prompt, reporting 200 tokens a call. */
async function echoServer(): Promise<string> {
  server = await startScriptedLlmServer({ respond: (request) => ({ text: `re: ${request.messages.at(-1)!.content}`, usage: USAGE }) });
  return `compat:${server.compatBaseURL}#scripted`;
}

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

const handleOf = (handles: ReadonlyMap<string, ModelHandle>, id: string): ModelHandle => handles.get(id)!;

describe('openRunModels', () => {
  it('refuses a call once the token budget is spent; the refused call never reaches the model', async () => {
    const id = await echoServer();
    const models = await openRunModels({ configs: [{ id }], llm: LLM, budget: { tokens: 300 }, env: {} });
    expect(models.ids).toEqual([id]);
    expect(models.remaining()).toEqual({ tokens: 300 });
    const model = handleOf(models.handles, id);
    expect((await model.complete(ask('one'))).text).toBe('re: one');
    expect(models.admit()).toBeNull();
    await model.complete(ask('two'));
    expect(models.admit()).toBe('the token budget (300) is spent');
    const refused = await failure(model.complete(ask('three')));
    expect(refused).toMatchObject({ kind: 'budget', message: 'the token budget (300) is spent' });
    expect(server!.requests).toHaveLength(2);
    expect(models.remaining()).toEqual({ tokens: 0 });
    expect(models.ledger.totals()).toMatchObject({ calls: 2, tokens: 400 });
  });

  it("books the prior exchanges first, so that a resumed run's budget counts them", async () => {
    const id = await echoServer();
    const first: LlmExchange[] = [];
    const before = await openRunModels({ configs: [{ id }], llm: LLM, budget: {}, record: (exchange) => first.push(exchange), env: {} });
    await handleOf(before.handles, id).complete(ask('earlier'));
    expect(first).toHaveLength(1);

    const resumed = await openRunModels({ configs: [{ id }], llm: LLM, budget: { tokens: 400 }, prior: first, env: {} });
    expect(resumed.ledger.totals()).toMatchObject({ calls: 1, tokens: 200 });
    expect(resumed.remaining()).toEqual({ tokens: 200 });
    await handleOf(resumed.handles, id).complete(ask('now'));
    expect(await failure(handleOf(resumed.handles, id).complete(ask('too much')))).toMatchObject({ kind: 'budget' });
    expect(server!.requests.map((request) => request.messages.at(-1)!.content)).toEqual(['earlier', 'now']);
  });

  it('records every exchange as it ends, failures included, tagged with the proposal it was bound to', async () => {
    server = await startScriptedLlmServer({
      script: [
        { text: 'fine', usage: USAGE },
        { status: 400, text: 'refused' },
        { text: 'again', usage: USAGE },
      ],
    });
    const id = `compat:${server.compatBaseURL}#scripted`;
    const recorded: LlmExchange[] = [];
    const models = await openRunModels({
      configs: [{ id, price: { input: 1_000, output: 2_000 } }],
      llm: LLM,
      budget: { costUsd: 10 },
      record: (exchange) => {
        // The ledger books an exchange after it is stored: it has not seen this one yet.
        expect(models.ledger.totals().calls).toBe(recorded.length);
        recorded.push(exchange);
      },
      env: {},
    });
    const { handle, spentUsd } = models.bind(id, 'p7');
    await handle.complete(ask('a'));
    await failure(handle.complete(ask('b')));
    await handleOf(models.handles, id).complete(ask('c'));
    expect(recorded.map((exchange) => [exchange.proposal, exchange.reply, exchange.error?.kind])).toEqual([
      ['p7', 'fine', undefined],
      ['p7', null, 'http'],
      [undefined, 'again', undefined],
    ]);
    // 100 tokens in at $1,000 and 100 out at $2,000 per million.
    expect(spentUsd()).toBeCloseTo(0.3, 10);
    expect(models.ledger.totals()).toMatchObject({ calls: 3, failedCalls: 1, tokens: 400 });
    expect(models.ledger.totals().costUsd).toBeCloseTo(0.6, 10);
    expect(models.remaining().costUsd).toBeCloseTo(9.4, 10);
    expect(() => models.bind('openai:gpt-4.1-mini', 'p8')).toThrow(/not set up for this run/);
  });

  it('replays recorded replies with no network and reports what did not match', async () => {
    const id = await echoServer();
    const recorded: LlmExchange[] = [];
    const live = await openRunModels({ configs: [{ id }], llm: LLM, budget: {}, record: (exchange) => recorded.push(exchange), env: {} });
    for (const prompt of ['one', 'two', 'one']) await handleOf(live.handles, id).complete(ask(prompt));
    expect(live.unserved()).toEqual([]);
    await server!.close();
    server = undefined;

    const served: LlmExchange[] = [];
    const replay = await openRunModels({
      configs: [{ id }],
      llm: LLM,
      budget: { tokens: 1_000 },
      replay: recorded,
      record: (exchange) => served.push(exchange),
      env: {},
    });
    const model = handleOf(replay.handles, id);
    expect(model.maxOutputTokens).toBe(64);
    expect((await model.complete(ask('one'))).text).toBe('re: one');
    expect((await model.complete(ask('one'))).text).toBe('re: one');
    expect(await failure(model.complete(ask('three')))).toMatchObject({ kind: 'replay-missing' });
    expect(served.map((exchange) => exchange.reply)).toEqual(['re: one', 're: one']);
    expect(replay.ledger.totals()).toMatchObject({ calls: 2, tokens: 400 });
    expect(replay.unserved().map((exchange) => exchange.reply)).toEqual(['re: two']);
    expect(replay.unrecorded()).toBe(1);
  });

  it('says which model does not answer before anything is spent, and never probes a replay', async () => {
    const id = await echoServer();
    await server!.close();
    server = undefined;
    const error = await openRunModels({ configs: [{ id }], llm: LLM, budget: {}, env: {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'model-unreachable', message: expect.stringContaining(`no answer from this model:\n  ${id}: `) });
    const offline = await openRunModels({ configs: [{ id }], llm: LLM, budget: {}, replay: [], env: {} });
    expect(offline.ids).toEqual([id]);
  });

  it("takes --model values over the config, keeping the config's settings for a model it lists", () => {
    const config = [{ id: 'openai:gpt-4.1-mini', temperature: 0.2 }, { id: 'openai:gpt-4.1' }];
    expect(modelConfigs(config, ['openai:gpt-4.1-mini', 'compat:http://127.0.0.1:1/v1#x'])).toEqual([
      { id: 'openai:gpt-4.1-mini', temperature: 0.2 },
      { id: 'compat:http://127.0.0.1:1/v1#x' },
    ]);
    expect(modelConfigs(config, [])).toEqual(config);
    expect(modelConfigs(undefined, undefined)).toEqual([]);
  });
});
