import { describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { ModelCallError, type CompletionRequest, type LlmExchange, type ModelHandle } from '../core/model.ts';
import { startScriptedLlmServer } from '../testing/scripted-llm-server.ts';
import { createModel } from './client.ts';
import { Ledger } from './ledger.ts';
import { createReplayModels } from './replay.ts';
import { resolveModel } from './spec.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 2, maxOutputTokens: 64, prices: {} };
const ASK: CompletionRequest = { operator: 'rewrite', messages: [{ role: 'user', content: 'Improve solve().' }] };
const OTHER: CompletionRequest = { operator: 'diff', messages: [{ role: 'user', content: 'Write a diff.' }], maxOutputTokens: 32 };

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

/** Runs the same calls against a live model or a replayed one, collecting replies and errors. */
async function session(model: ModelHandle): Promise<string[]> {
  const outcomes: string[] = [];
  for (const request of [ASK, OTHER, ASK, OTHER]) {
    try {
      outcomes.push((await model.complete(request)).text);
    } catch (error) {
      outcomes.push(`${(error as ModelCallError).kind}`);
    }
  }
  return outcomes;
}

async function recordRun(): Promise<{ id: string; exchanges: LlmExchange[]; outcomes: string[] }> {
  const server = await startScriptedLlmServer({
    script: [
      { text: 'first answer' },
      { status: 400, text: 'refused' },
      { text: 'second answer', finishReason: 'length' },
      { text: 'a diff' },
    ],
  });
  try {
    const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted`, price: { input: 3, output: 6 } }, LLM, {});
    const exchanges: LlmExchange[] = [];
    const model = createModel(resolved, { retry: { baseDelayMs: 5 }, onExchange: (exchange) => exchanges.push(exchange) });
    return { id: resolved.id, exchanges, outcomes: await session(model) };
  } finally {
    await server.close();
  }
}

describe('createReplayModels', () => {
  it('serves a recorded run again in order, failures included, with an equal ledger', async () => {
    const original = await recordRun();
    expect(original.outcomes).toEqual(['first answer', 'http', 'second answer', 'a diff']);

    const replayed: LlmExchange[] = [];
    const modelFor = createReplayModels(JSON.parse(JSON.stringify(original.exchanges)) as LlmExchange[], {
      onExchange: (exchange) => replayed.push(exchange),
    });
    const model = modelFor(original.id, 32_000);
    expect(model).toMatchObject({ id: original.id, contextWindow: 32_000 });
    expect(await session(model)).toEqual(original.outcomes);

    const strip = (exchange: LlmExchange) => ({ ...exchange, startedAt: 0 });
    expect(replayed.map(strip)).toEqual(original.exchanges.map(strip));
    const error = await failure(modelFor(original.id).complete(OTHER));
    expect(error.kind).toBe('replay-missing');
    expect(Ledger.from(replayed).totals()).toEqual(Ledger.from(original.exchanges).totals());
  });

  it('rethrows a recorded failure with its kind, status and message', async () => {
    const original = await recordRun();
    const model = createReplayModels(original.exchanges)(original.id);
    await model.complete(ASK);
    const error = await failure(model.complete(OTHER));
    expect(error).toMatchObject({ kind: 'http', status: 400, message: original.exchanges[1]?.error?.message });
    const finished = await model.complete(ASK);
    expect(finished).toMatchObject({ text: 'second answer', finishReason: 'length', costUsd: original.exchanges[2]?.costUsd });
  });

  it('names the operator and model of a prompt it never saw', async () => {
    const model = createReplayModels([])('openai:gpt-4.1-mini');
    const error = await failure(model.complete({ ...ASK, operator: 'crossover-llm' }));
    expect(error.kind).toBe('replay-missing');
    expect(error.message).toContain('crossover-llm');
    expect(error.message).toContain('openai:gpt-4.1-mini');
  });

  it('tells prompts apart by model and reply cap', async () => {
    const original = await recordRun();
    const modelFor = createReplayModels(original.exchanges);
    expect((await failure(modelFor('openai:gpt-4.1').complete(ASK))).kind).toBe('replay-missing');
    const model = modelFor(original.id);
    expect((await failure(model.complete({ ...OTHER, maxOutputTokens: 33 }))).kind).toBe('replay-missing');
  });

  it('respects admit without using up a recorded reply', async () => {
    const original = await recordRun();
    let refuse = true;
    const served: LlmExchange[] = [];
    const model = createReplayModels(original.exchanges, {
      admit: () => (refuse ? 'the cost budget is spent' : null),
      onExchange: (exchange) => served.push(exchange),
    })(original.id);
    expect(await failure(model.complete(ASK))).toMatchObject({ kind: 'budget', message: 'the cost budget is spent' });
    expect(served).toHaveLength(0);
    refuse = false;
    expect((await model.complete(ASK)).text).toBe('first answer');
    expect(served).toHaveLength(1);
  });
});
