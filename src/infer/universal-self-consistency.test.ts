import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { parseSelection, universalSelfConsistency } from './universal-self-consistency.ts';

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

const RESPONSES = [
  'The bug is an off-by-one in the loop bound.',
  'The loop runs one step too far: off-by-one.',
  'It is a race condition in the cache.',
];

describe('universalSelfConsistency', () => {
  it('draws N free-form responses and returns the one the model names as most consistent', async () => {
    const model = await scriptedModel([
      ...RESPONSES.map((text) => ({ text })),
      { text: 'The most consistent response is Response 2, since two of three agree.' },
    ]);
    const result = await universalSelfConsistency(model, 'What is the bug?', { samples: 3, temperature: 0.9 });
    expect(result).toMatchObject({ answer: RESPONSES[1], chosen: 1, stopReason: 'selected', selection: { parsed: true } });
    expect(result.samples.map((sample) => sample.text)).toEqual(RESPONSES);
    expect(result.cost.calls).toBe(4);
    // The selection prompt shows every response, numbered, and runs at temperature 0.
    const selection = server?.requests[3];
    expect(selection?.temperature).toBe(0);
    for (const [index, response] of RESPONSES.entries())
      expect(selection?.messages[0]?.content).toContain(`## Response ${index + 1}\n${response}`);
  });

  it('falls back to the first response when the pick cannot be read, and says so', async () => {
    const model = await scriptedModel([...RESPONSES.map((text) => ({ text })), { text: 'They are all fine.' }]);
    const result = await universalSelfConsistency(model, 'What is the bug?', { samples: 3 });
    expect(result).toMatchObject({ answer: RESPONSES[0], chosen: 0, stopReason: 'unparsed', selection: { parsed: false } });
  });

  it('skips the selection call at the budget and reports the halt', async () => {
    const model = await scriptedModel(RESPONSES.map((text) => ({ text })));
    const result = await universalSelfConsistency(model, 'q', { samples: 5, budget: { calls: 3 } });
    expect(result).toMatchObject({ stopReason: 'budget-calls', halted: 'budget-calls', chosen: 0 });
    expect(result.cost.calls).toBe(3);
    expect(parseSelection('the most consistent response is response 7', 3)).toBeUndefined();
    expect(parseSelection('The most consistent response is Response #3', 3)).toBe(2);
  });
});
