import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLogprob, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { selfRefine } from './self-refine.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scriptedModel(script: ScriptStep[]) {
  server = await startScriptedLlmServer({ script });
  return createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}));
}

const purposes = () => server?.requests.map((request) => request.messages.at(-1)?.content.split('\n')[0]);
const tokens = (text: string, logprob: number): ScriptedLogprob[] => text.split(' ').map((token) => ({ token, logprob }));

describe('selfRefine', () => {
  it('drafts, critiques and revises until the critique says DONE', async () => {
    const model = await scriptedModel([
      { text: 'Rivers run.' },
      { text: 'Too short; add an image.' },
      { text: 'Rivers run silver under the moon.' },
      { text: 'DONE' },
    ]);
    const result = await selfRefine(model, 'Write one line about rivers.');
    expect(result).toMatchObject({ answer: 'Rivers run silver under the moon.', stopReason: 'critique-done' });
    expect(result.steps).toEqual([
      { round: 0, draft: 'Rivers run.', critique: 'Too short; add an image.' },
      { round: 1, draft: 'Rivers run silver under the moon.', critique: 'DONE' },
    ]);
    expect(result.cost.calls).toBe(4);
    expect(server?.requests[2]?.messages[0]?.content).toContain('## Critique\nToo short; add an image.');
  });

  it('stops when the verifier passes, after showing its feedback to the critic', async () => {
    const model = await scriptedModel([
      { text: 'function add(a, b) { return a - b }' },
      { text: 'It subtracts.' },
      { text: 'function add(a, b) { return a + b }' },
    ]);
    const result = await selfRefine(model, 'Write add(a, b).', {
      verifier: (code) => (code.includes('a + b') ? true : { score: 0, feedback: 'add(2, 2) returned 0, expected 4' }),
    });
    expect(result).toMatchObject({ stopReason: 'verifier-passed', answer: 'function add(a, b) { return a + b }' });
    expect(server?.requests[1]?.messages[0]?.content).toContain('## Checker feedback\nadd(2, 2) returned 0, expected 4');
    expect(result.cost.calls).toBe(3);
  });

  it('stops after maxRounds and at the budget', async () => {
    const endless = await scriptedModel(
      Array.from({ length: 10 }, (_, index) => ({ text: index % 2 === 0 ? `draft ${index}` : 'Needs work.' })),
    );
    expect(await selfRefine(endless, 'task', { maxRounds: 2 })).toMatchObject({ stopReason: 'max-rounds', answer: 'draft 4' });
    await server?.close();
    const limited = await scriptedModel(
      Array.from({ length: 10 }, (_, index) => ({ text: index % 2 === 0 ? `draft ${index}` : 'Needs work.' })),
    );
    expect(await selfRefine(limited, 'task', { budget: { calls: 2 } })).toMatchObject({
      stopReason: 'budget-calls',
      halted: 'budget-calls',
      answer: 'draft 0',
    });
  });

  it('revises only a low-confidence draft, reading confidence from token log-probabilities', async () => {
    const model = await scriptedModel([
      { text: 'Paris maybe', logprobs: tokens('Paris maybe', -1.2) },
      { text: 'Be definite.' },
      { text: 'Paris', logprobs: tokens('Paris', -0.01) },
    ]);
    const result = await selfRefine(model, 'Capital of France?', { reviseWhen: { below: 0.9 } });
    expect(result).toMatchObject({ stopReason: 'confident', answer: 'Paris' });
    expect(result.steps[0]?.confidence).toBeCloseTo(Math.exp(-1.2));
    expect(result.steps[1]?.confidence).toBeCloseTo(Math.exp(-0.01));
    expect(purposes()).toHaveLength(3);
    expect(server?.requests.map((request) => request.logprobs)).toEqual([true, false, true]);
  });

  it('says which method and model lack log-probabilities', async () => {
    const model = await scriptedModel([{ text: 'Paris' }]);
    await expect(selfRefine(model, 'Capital of France?', { reviseWhen: { below: 0.9 } })).rejects.toThrow(
      `selfRefine needs token log-probabilities, but the reply from model ${model.id} (provider compat) carried none`,
    );
    await server?.close();
    server = await startScriptedLlmServer({ script: [{ text: 'Paris' }] });
    const anthropic = createModel(
      resolveModel({ id: 'anthropic:claude-sonnet-4-5' }, LLM, { ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: server.anthropicBaseURL }),
    );
    await expect(selfRefine(anthropic, 'q', { reviseWhen: { below: 0.9 } })).rejects.toThrow(
      'selfRefine needs token log-probabilities, but model anthropic:claude-sonnet-4-5 (provider anthropic) does not return them',
    );
    expect(server.requests).toHaveLength(0);
    await expect(selfRefine(anthropic, 'q', { reviseWhen: { below: 1 } })).rejects.toThrow(
      /reviseWhen.below must be strictly between 0 and 1/,
    );
  });
});
