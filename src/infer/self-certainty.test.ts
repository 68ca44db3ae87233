import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { selfCertainty, selfCertaintyBestOfN } from './self-certainty.ts';

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

/** A reply of two tokens whose top-3 alternatives have these log-probabilities at each position. */
const reply = (text: string, top: number[]): ScriptStep => ({
  text,
  logprobs: text.split(' ').map((token) => ({
    token,
    logprob: top[0] as number,
    topLogprobs: top.map((logprob, index) => ({ token: `${token}${index}`, logprob })),
  })),
});

/** KL(U || q) from its definition, q the top-k renormalised: sum_j (1/k) log((1/k) / q_j). */
function klFromDefinition(top: number[]): number {
  const probabilities = top.map(Math.exp);
  const total = probabilities.reduce((sum, value) => sum + value, 0);
  return probabilities.reduce((sum, value) => sum + (1 / top.length) * Math.log(1 / top.length / (value / total)), 0);
}

const FLAT = [-1.1, -1.1, -1.1];
const PEAKED = [-0.01, -5, -6];
const MIDDLE = [-0.3, -1.5, -2.5];

describe('selfCertaintyBestOfN', () => {
  it('computes mean KL(uniform || p) over the top-k alternatives', () => {
    const tokens = (top: number[]) => [
      { token: 'x', logprob: top[0] as number, topLogprobs: top.map((logprob) => ({ token: 'y', logprob })) },
    ];
    expect(selfCertainty(tokens(FLAT))).toBeCloseTo(0, 12);
    expect(selfCertainty(tokens(PEAKED))).toBeCloseTo(klFromDefinition(PEAKED), 12);
    expect(selfCertainty([...tokens(PEAKED), ...tokens(FLAT)])).toBeCloseTo(klFromDefinition(PEAKED) / 2, 12);
  });

  it('returns the most certain reply, or the Borda winner over answers', async () => {
    const script = [reply('answer 4', MIDDLE), reply('answer 5', PEAKED), reply('answer 4', FLAT)];
    const model = await scriptedModel(script);
    const certain = await selfCertaintyBestOfN(model, 'q', { samples: 3, topLogprobs: 3 });
    expect(certain).toMatchObject({ text: 'answer 5', chosen: 1, selection: 'most-certain' });
    expect(certain.samples.map((sample) => sample.rank)).toEqual([2, 1, 3]);
    expect(certain.samples[1]?.certainty).toBeCloseTo(klFromDefinition(PEAKED), 12);
    expect(server?.requests.map((request) => request.topLogprobs)).toEqual([3, 3, 3]);

    await server?.close();
    // Ranks 2 and 3 for "4" weigh sqrt(2) + sqrt(1) = 2.41 against sqrt(3) = 1.73 for "5".
    const borda = await selfCertaintyBestOfN(await scriptedModel(script), 'q', {
      samples: 3,
      topLogprobs: 3,
      select: 'borda',
      extract: 'number',
    });
    expect(borda).toMatchObject({ answer: '4', chosen: 0, selection: 'borda' });
    expect(borda.votes?.[0]?.votes).toBeCloseTo(Math.SQRT2 + 1);
  });

  it('names the method and model when top-k log-probabilities are missing', async () => {
    const model = await scriptedModel([{ text: 'hi', logprobs: [{ token: 'hi', logprob: -0.1 }] }]);
    await expect(selfCertaintyBestOfN(model, 'q', { samples: 1 })).rejects.toThrow(
      `selfCertaintyBestOfN needs the top-5 log-probabilities of each token, but the reply from model ${model.id} ` +
        `(provider compat) carried none`,
    );
    await expect(selfCertaintyBestOfN(model, 'q', { topLogprobs: 50 })).rejects.toThrow(/topLogprobs must be an integer from 2 to 20/);
  });
});
