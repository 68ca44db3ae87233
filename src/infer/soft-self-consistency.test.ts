import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import type { LlmExchange } from '../core/model.ts';
import { createModel } from '../llm/client.ts';
import { createReplayModels } from '../llm/replay.ts';
import { resolveModel } from '../llm/spec.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLogprob, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { selfConsistency } from './self-consistency.ts';
import { sequenceScore, softSelfConsistency } from './soft-self-consistency.ts';

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

const withLogprobs = (text: string, ...logprobs: number[]): ScriptStep => ({
  text,
  logprobs: text.split(/(?= )/).map((token, index): ScriptedLogprob => ({ token, logprob: logprobs[index] ?? -0.5 })),
});

const SCRIPT = [withLogprobs('ls -a', -1.0, -1.4), withLogprobs('ls -la', -0.1, -0.3), withLogprobs('ls -a', -0.9, -1.5)];

describe('softSelfConsistency', () => {
  it('picks the most likely answer by mean token log-probability where plain votes pick the majority', async () => {
    const model = await scriptedModel(SCRIPT);
    const result = await softSelfConsistency(model, 'List hidden files.', { samples: 3 });
    expect(result).toMatchObject({ answer: 'ls -la', text: 'ls -la', stopReason: 'samples' });
    expect(result.scores.map((score) => [score.answer, score.samples])).toEqual([
      ['ls -la', [1]],
      ['ls -a', [0, 2]],
    ]);
    expect(result.scores[0]?.score).toBeCloseTo(-0.2);
    expect(result.scores[1]?.score).toBeCloseTo(-1.2);
    expect(server?.requests.every((request) => request.logprobs)).toBe(true);

    await server?.close();
    const plain = await selfConsistency(await scriptedModel(SCRIPT), 'List hidden files.', {
      extract: 'text',
      stop: { rule: 'fixed', samples: 3 },
    });
    expect(plain.answer).toBe('ls -a');
  });

  it('replays recorded log-probabilities to the same choice without a server', async () => {
    server = await startScriptedLlmServer({ script: SCRIPT });
    const exchanges: LlmExchange[] = [];
    const model = createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}), {
      onExchange: (exchange) => exchanges.push(exchange),
    });
    const live = await softSelfConsistency(model, 'List hidden files.', { samples: 3 });
    expect(exchanges[1]?.logprobs?.map((token) => token.logprob)).toEqual([-0.1, -0.3]);
    const replayed = await softSelfConsistency(
      createReplayModels(JSON.parse(JSON.stringify(exchanges)) as LlmExchange[])(model.id),
      'List hidden files.',
      { samples: 3 },
    );
    expect(replayed.answer).toBe('ls -la');
    expect(replayed.scores).toEqual(live.scores);
  });

  it('replays log-probabilities kept in a run database to the same choice, after the server is gone', async () => {
    server = await startScriptedLlmServer({ script: SCRIPT });
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-soft-')), 'ouro.db');
    const store = new SqliteStore(path);
    store.createRun({
      id: 'r1',
      experiment: 'demo',
      experimentDir: '/demo',
      config: {},
      settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
      createdAt: 1,
    });
    const model = createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}), {
      onExchange: (exchange) => store.recordLlmCall('r1', exchange),
    });
    const live = await softSelfConsistency(model, 'List hidden files.', { samples: 3 });
    store.close();
    await server.close();
    server = undefined;

    const reader = new SqliteStore(path, { readonly: true });
    const recorded = reader.llmCalls('r1');
    reader.close();
    expect(recorded.map((exchange) => exchange.logprobs?.map((token) => token.logprob))).toEqual([
      [-1.0, -1.4],
      [-0.1, -0.3],
      [-0.9, -1.5],
    ]);
    const replayed = await softSelfConsistency(createReplayModels(recorded)(model.id), 'List hidden files.', { samples: 3 });
    expect(replayed.answer).toBe('ls -la');
    expect(replayed.scores).toEqual(live.scores);
  });

  it('aggregates tokens by min or sum when asked', () => {
    const tokens = [
      { token: 'a', logprob: -0.1 },
      { token: 'b', logprob: -2 },
    ];
    expect(sequenceScore(tokens, 'min')).toBe(-2);
    expect(sequenceScore(tokens, 'sum')).toBeCloseTo(-2.1);
    expect(sequenceScore(tokens)).toBeCloseTo(-1.05);
  });

  it('says clearly when the server returns no log-probabilities', async () => {
    const model = await scriptedModel([{ text: 'ls -a' }]);
    await expect(softSelfConsistency(model, 'List hidden files.', { samples: 2 })).rejects.toThrow(
      `softSelfConsistency needs token log-probabilities, but the reply from model ${model.id} (provider compat) carried none`,
    );
    const anthropic = createModel(
      resolveModel({ id: 'anthropic:claude-sonnet-4-5' }, LLM, { ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: server?.anthropicBaseURL }),
    );
    await expect(softSelfConsistency(anthropic, 'q')).rejects.toThrow(
      new RegExp(
        'softSelfConsistency needs token log-probabilities, but model anthropic:claude-sonnet-4-5 ' +
          '\\(provider anthropic\\) does not return them',
      ),
    );
    expect(server?.requests).toHaveLength(1);
  });
});
