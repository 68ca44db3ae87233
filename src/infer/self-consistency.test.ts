import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import type { LlmExchange } from '../core/model.ts';
import { createModel } from '../llm/client.ts';
import { Ledger } from '../llm/ledger.ts';
import { createReplayModels } from '../llm/replay.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { selfConsistency } from './self-consistency.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scriptedModel(script: ScriptStep[], exchanges: LlmExchange[] = []) {
  server = await startScriptedLlmServer({ script });
  const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted`, price: { input: 1, output: 2 } }, LLM, {});
  return createModel(resolved, { onExchange: (exchange) => exchanges.push(exchange) });
}

const QUESTION = 'A shop sells pens at 3 dollars. How much do 4 pens cost? End with "The answer is N".';

describe('selfConsistency through the llm layer', () => {
  it('votes over extracted numbers and stops at the first unanimous ESC window', async () => {
    const replies = [
      '3 * 4 = 12. The answer is 12.',
      '3 + 4 = 7. The answer is 7.',
      'The answer is 12.',
      '4 pens: $12. The answer is $12.00',
      'The answer is 12',
      'Twelve dollars, so 12.',
      '#### 12',
      'The answer is 12.',
      'The answer is 99.',
    ];
    const exchanges: LlmExchange[] = [];
    const model = await scriptedModel(
      replies.map((text) => ({ text, usage: { inputTokens: 30, outputTokens: 10 } })),
      exchanges,
    );
    const result = await selfConsistency(model, QUESTION, { stop: { rule: 'esc', window: 4, maxSamples: 40 }, temperature: 0.8 });

    expect(result).toMatchObject({ answer: '12', text: replies[0], stopReason: 'window-unanimous' });
    expect(result.samples.map((sample) => sample.answer)).toEqual(['12', '7', '12', '12', '12', '12', '12', '12']);
    expect(result.votes).toEqual([
      { answer: '12', votes: 7 },
      { answer: '7', votes: 1 },
    ]);
    expect(result.trace.map((check) => check.decision)).toEqual(['draw', 'draw', 'stop']);
    // Cost comes from the completions, and equals what the ledger saw.
    expect(result.cost).toEqual({
      calls: 8,
      inputTokens: 240,
      outputTokens: 80,
      costUsd: expect.closeTo((8 * (30 * 1 + 10 * 2)) / 1e6, 12),
    });
    expect(Ledger.from(exchanges).totals()).toMatchObject({ calls: 8, inputTokens: 240, outputTokens: 80 });
    expect(server?.requests.map((request) => request.temperature)).toEqual(Array(8).fill(0.8));
    expect(server?.requests[0]?.messages).toEqual([{ role: 'user', content: QUESTION }]);
  });

  it('replays a recorded run to the same decision without a server', async () => {
    const exchanges: LlmExchange[] = [];
    const model = await scriptedModel(
      ['#### 5', '#### 6', '#### 5', '#### 5', '#### 5', '#### 5'].map((text) => ({ text })),
      exchanges,
    );
    const options = { stop: { rule: 'asc', threshold: 0.9, maxSamples: 6 } } as const;
    const live = await selfConsistency(model, QUESTION, options);
    const replayed = await selfConsistency(createReplayModels(exchanges)(model.id), QUESTION, options);
    expect(replayed.answer).toBe(live.answer);
    expect(replayed.samples.map((sample) => sample.text)).toEqual(live.samples.map((sample) => sample.text));
    expect(replayed.cost).toEqual(live.cost);
  });

  it('uses a choice extractor with a normaliser, and reports no answer with its samples', async () => {
    const model = await scriptedModel([
      { text: 'The answer is (b)' },
      { text: 'Answer: B' },
      { text: 'I think (C)' },
      { text: 'unsure' },
      { text: 'no idea' },
    ]);
    const voted = await selfConsistency(model, 'Pick one', { extract: 'choice', stop: { rule: 'fixed', samples: 3 } });
    expect(voted).toMatchObject({
      answer: 'B',
      votes: [
        { answer: 'B', votes: 2 },
        { answer: 'C', votes: 1 },
      ],
    });
    const none = await selfConsistency(model, 'Pick one', { extract: 'choice', stop: { rule: 'fixed', samples: 2 } });
    expect(none).toMatchObject({ answer: null, stopReason: 'fixed-samples' });
    expect(none.samples.map((sample) => sample.text)).toEqual(['unsure', 'no idea']);
  });

  it('stops with the reason when the run ledger refuses a call', async () => {
    server = await startScriptedLlmServer({ respond: () => ({ text: '#### 1' }) });
    let calls = 0;
    const model = createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}), {
      admit: () => (++calls > 2 ? 'token budget spent' : null),
    });
    const result = await selfConsistency(model, QUESTION, { stop: { rule: 'fixed', samples: 5 } });
    expect(result).toMatchObject({ answer: '1', halted: 'model-budget', stopReason: 'model-budget' });
    expect(result.samples).toHaveLength(2);
  });
});
