import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLlmServerOptions } from '../testing/scripted-llm-server.ts';
import { bestOfN } from './best-of-n.ts';
import { llmJudge, parseJudgeScore } from './verifier.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scriptedModel(options: ScriptedLlmServerOptions) {
  server = await startScriptedLlmServer(options);
  return createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}));
}

describe('bestOfN', () => {
  it('returns the candidate a function verifier scores highest', async () => {
    const model = await scriptedModel({ script: [{ text: 'x = 1' }, { text: 'x = 10' }, { text: 'x = 4' }] });
    const result = await bestOfN(model, 'Pick a big x', { samples: 3, verifier: (text) => Number(text.split('=')[1]) });
    expect(result).toMatchObject({ answer: 'x = 10', chosen: 1, selection: 'best-score', stopReason: 'samples' });
    expect(result.samples.map((sample) => sample.verdict.score)).toEqual([1, 10, 4]);
    expect(result.cost.calls).toBe(3);
  });

  it('uses an LLM judge, charging its calls to the method, and stops at the first pass', async () => {
    const model = await scriptedModel({
      respond: (request) => {
        const prompt = request.messages.at(-1)?.content ?? '';
        if (!prompt.startsWith('You are grading')) return { text: `candidate ${server?.requests.length}` };
        return { text: prompt.includes('candidate 3') ? 'Correct and complete.\nScore: 9' : 'Misses the edge case.\nScore: 4' };
      },
    });
    const result = await bestOfN(model, 'Write the function', {
      samples: 5,
      verifier: llmJudge({ rubric: 'The response solves the task.' }),
      passScore: 0.8,
      stopOnPass: true,
    });
    expect(result).toMatchObject({ answer: 'candidate 3', stopReason: 'passed' });
    expect(result.samples.map((sample) => sample.verdict.score)).toEqual([0.4, 0.9]);
    // Two candidates and two judgements.
    expect(result.cost.calls).toBe(4);
    expect(
      server?.requests
        .filter((request) => request.messages[0]?.content.startsWith('You are grading'))
        .map((request) => request.temperature),
    ).toEqual([0, 0]);
  });

  it('verify then vote: verifier-weighted votes beat a plain majority', async () => {
    const replies = ['The answer is 8', 'The answer is 8', 'The answer is 8', 'The answer is 6', 'The answer is 6'];
    const model = await scriptedModel({ script: replies.map((text) => ({ text })) });
    // The verifier trusts answers of 6 much more: 2 x 0.9 = 1.8 beats 3 x 0.2 = 0.6.
    const result = await bestOfN(model, 'q', {
      samples: 5,
      extract: 'number',
      vote: true,
      verifier: (text) => (text.endsWith('6') ? 0.9 : 0.2),
    });
    expect(result).toMatchObject({ answer: '6', selection: 'weighted-vote', chosen: 3 });
    expect(result.votes?.map((vote) => vote.answer)).toEqual(['6', '8']);
    expect(result.votes?.[0]?.votes).toBeCloseTo(1.8);
  });

  it('accepts an evaluator-like verifier and stops at the call budget', async () => {
    const model = await scriptedModel({ respond: () => ({ text: 'draft' }) });
    const result = await bestOfN(model, 'q', {
      samples: 10,
      budget: { calls: 2 },
      verifier: { evaluate: (text) => ({ score: text.length, feedback: 'ok' }) },
    });
    expect(result).toMatchObject({ stopReason: 'budget-calls', halted: 'budget-calls', answer: 'draft' });
    expect(result.samples).toHaveLength(2);
    expect(result.samples[0]?.verdict).toEqual({ score: 5, feedback: 'ok', passed: true });
  });

  it('reads judge scores, with or without a denominator, and rejects a bad sample count', async () => {
    expect(parseJudgeScore('Good.\nScore: 7', 10)).toBe(0.7);
    expect(parseJudgeScore('score = 3/5', 10)).toBe(0.6);
    expect(parseJudgeScore('no number', 10)).toBeUndefined();
    await expect(bestOfN(async () => 'x', 'q', { samples: 0, verifier: () => 1 })).rejects.toThrow(
      /samples must be an integer of at least 1/,
    );
  });
});
