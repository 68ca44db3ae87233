import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import type { LlmConfig } from '../core/experiment.ts';
import { setupModels } from '../engine/models.ts';
import { selfCertaintyBestOfN } from '../infer/self-certainty.ts';
import { softSelfConsistency } from '../infer/soft-self-consistency.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { PostgresStore } from './postgres.ts';
import { testPostgres } from './postgres-testing.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

// A run's model calls carry token log-probabilities; a replay of the run from its database, with
// the server gone, must hand the inference methods the same ones and so reach the same decisions.

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };

/** Plain votes would pick `ls -a` (two of three); its mean log-probability loses to `ls -la`. */
const soft = (text: string, ...logprobs: number[]): ScriptStep => ({
  text,
  logprobs: text.split(/(?= )/).map((token, index) => ({ token, logprob: logprobs[index] as number })),
});

/** Every token with its top-3 alternatives, the first being the token itself. */
const certain = (text: string, top: number[]): ScriptStep => ({
  text,
  logprobs: text.split(' ').map((token) => ({
    token,
    logprob: top[0] as number,
    topLogprobs: top.map((logprob, index) => ({ token: `${token}${index}`, logprob })),
  })),
});

const SCRIPT: ScriptStep[] = [
  soft('ls -a', -1.0, -1.4),
  soft('ls -la', -0.1, -0.3),
  soft('ls -a', -0.9, -1.5),
  certain('answer 4', [-0.3, -1.5, -2.5]),
  certain('answer 5', [-0.01, -5, -6]),
  certain('answer 4', [-1.1, -1.1, -1.1]),
];

function newRun(store: Store, id: string, createdAt: number): void {
  store.createRun({
    id,
    experiment: 'demo',
    experimentDir: '/experiments/demo',
    config: {},
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt,
  });
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Records a run against the scripted server into one store, then replays it from a store opened anew, offline. */
async function recordThenReplay(open: () => Store) {
  server = await startScriptedLlmServer({ script: SCRIPT });
  const modelId = `compat:${server.compatBaseURL}#scripted`;
  const recording = open();
  let live: { soft: Awaited<ReturnType<typeof softSelfConsistency>>; certain: Awaited<ReturnType<typeof selfCertaintyBestOfN>> };
  try {
    newRun(recording, 'live', 1);
    const models = await setupModels({
      runId: 'live',
      store: recording,
      configs: [{ id: modelId }],
      llm: LLM,
      budget: {},
      probe: false,
      env: {},
    });
    const { handle } = models!.bind(modelId, 'p1');
    live = {
      soft: await softSelfConsistency(handle, 'List hidden files.', { samples: 3 }),
      certain: await selfCertaintyBestOfN(handle, 'What is 2 + 2?', { samples: 3, topLogprobs: 3 }),
    };
  } finally {
    recording.close();
  }
  expect(server.requests).toHaveLength(6);
  expect(server.requests.every((request) => request.logprobs)).toBe(true);
  await server.close();
  server = undefined;

  const store = open();
  try {
    newRun(store, 'replay', 2);
    const models = await setupModels({ runId: 'replay', store, configs: [], llm: LLM, budget: {}, replayOf: 'live', env: {} });
    expect(models?.ids).toEqual([modelId]);
    const { handle } = models!.bind(modelId, 'p1');
    const replayed = {
      soft: await softSelfConsistency(handle, 'List hidden files.', { samples: 3 }),
      certain: await selfCertaintyBestOfN(handle, 'What is 2 + 2?', { samples: 3, topLogprobs: 3 }),
    };
    return { live, replayed, recorded: store.llmCalls('live'), served: store.llmCalls('replay') };
  } finally {
    store.close();
  }
}

async function expectSameDecisions(open: () => Store): Promise<void> {
  const { live, replayed, recorded, served } = await recordThenReplay(open);
  expect(live.soft.answer).toBe('ls -la');
  expect(live.certain).toMatchObject({ text: 'answer 5', chosen: 1 });
  // The store kept what the server sent, top alternatives included.
  expect(recorded.map((call) => call.logprobs)).toStrictEqual(SCRIPT.map((step) => step.logprobs));
  expect(replayed.soft.answer).toBe('ls -la');
  expect(replayed.soft.scores).toEqual(live.soft.scores);
  expect(replayed.certain).toMatchObject({ text: 'answer 5', chosen: 1 });
  expect(replayed.certain.samples.map((sample) => [sample.certainty, sample.rank])).toEqual(
    live.certain.samples.map((sample) => [sample.certainty, sample.rank]),
  );
  // The replayed run records its calls with their log-probabilities too, so it can be replayed in turn.
  expect(served.map((call) => call.logprobs)).toStrictEqual(recorded.map((call) => call.logprobs));
  expect(served.map((call) => call.reply)).toEqual(recorded.map((call) => call.reply));
}

describe('replaying token log-probabilities from the database', () => {
  it('SqliteStore: a replay without the server reaches the same soft self-consistency and self-certainty choices', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-logprobs-')), 'ouro.db');
    await expectSameDecisions(() => new SqliteStore(path));
  });
});

const postgresService = await requireService('PostgreSQL', probes.postgres);
const postgres = testPostgres();

describe.skipIf(postgresService.missing)(postgresService.title('replaying log-probabilities from PostgreSQL'), () => {
  afterAll(() => postgres.dropDatabases());

  it('PostgresStore: a replay without the server reaches the same soft self-consistency and self-certainty choices', async () => {
    const url = await postgres.createDatabase();
    await expectSameDecisions(() => new PostgresStore(url));
  });
});
