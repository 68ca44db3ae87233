import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedRequest } from '../testing/scripted-llm-server.ts';
import { selfConsistencyAccuracy } from './prompt-accuracy.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 128, prices: {} };
let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DEV = [
  { id: 'sum', question: 'What is 2 + 3?', answer: '5' },
  { id: 'product', question: 'What is 4 * 6?', answer: '24' },
];

/** A "model" that only computes products when the prompt asks it to think step by step. */
function respond(request: ScriptedRequest) {
  const text = request.messages[0]?.content ?? '';
  if (text.includes('2 + 3')) return { text: 'The answer is 5.' };
  return { text: text.includes('step by step') ? '4 * 6 = 24. The answer is 24.' : 'The answer is 10.' };
}

describe('selfConsistencyAccuracy', () => {
  it('scores a prompt by its self-consistency accuracy on a dev set, as an evaluation result', async () => {
    server = await startScriptedLlmServer({ respond });
    const model = createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}));
    const options = { extract: 'number', stop: { rule: 'esc', window: 2, maxSamples: 6 } } as const;

    const weak = await selfConsistencyAccuracy(model, 'Answer briefly.', DEV, options);
    expect(weak).toMatchObject({
      score: 0.5,
      instances: { sum: 1, product: 0 },
      metrics: { accuracy: 0.5, samplesPerQuestion: 2, halted: 0 },
    });
    expect(weak.feedback).toContain('product: expected 24, the vote gave 10 (10 x2)');

    const strong = await selfConsistencyAccuracy(model, 'Think step by step.', DEV, options);
    expect(strong).toMatchObject({ score: 1, instances: { sum: 1, product: 1 }, feedback: 'All 2 dev questions right.' });
    expect(strong.metrics?.tokens).toBeGreaterThan(0);
    expect(server.requests[0]?.messages[0]?.content).toBe('Answer briefly.\n\nWhat is 2 + 3?');
  });
});
