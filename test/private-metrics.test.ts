// Private metrics end to end: an evaluator marks one, the experiment names another, and a run with
// every LLM operator and model-written lessons must never put either into a model's request, while
// the store keeps them and `ouro show` prints them labelled private.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');

/** The tiny evaluator, reporting a held-out score in `metrics` (the config makes it private) and a probe in `privateMetrics`. */
const EVALUATOR = `export default async function evaluate(genome, context) {
  const program = await context.isolate('solve.js');
  const [a, b, c] = await program.call('solve');
  const distance = (a - 3) ** 2 + (b + 2) ** 2 + (c - 0.5) ** 2;
  if (!Number.isFinite(distance)) throw new Error('solve() returned ' + JSON.stringify([a, b, c]));
  return {
    score: -distance,
    metrics: { distance, heldOutScore: 4242.125 },
    privateMetrics: { secretProbe: 9753.0625 },
    feedback: 'distance ' + distance,
  };
}
`;

const LEAKS = /heldOutScore|secretProbe|4242\.125|9753\.0625/;

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('private metrics', () => {
  it('never reach a model in a run with every LLM operator and lessons, and are stored and shown labelled', async () => {
    const nudge = nudgeNumberResponder({ scale: 0.2 });
    server = await startScriptedLlmServer({
      respond: (request) => {
        const prompt = request.messages.map((message) => message.content).join('\n');
        return { text: prompt.includes('EVOLVE-BLOCK-START') ? nudge(prompt) : '1. Smaller steps on b helped.' };
      },
    });
    const dir = writeTinyExperiment({
      evaluator: EVALUATOR,
      config: "operators: ['llm-diff', 'llm-rewrite', 'llm-reflect', 'llm-crossover', 'llm-fix'],\n  lessons: { every: 4 },",
    });
    const config = join(dir, 'ouro.config.ts');
    const withNames = readFileSync(config, 'utf8').replace('concurrency: 1 }', "concurrency: 1, privateMetrics: ['heldOutScore'] }");
    expect(withNames).toContain('privateMetrics');
    writeFileSync(config, withNames);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-private-')), 'ouro.db');
    const result = await evolve(dir, {
      db,
      seed: 5,
      concurrency: 1,
      budget: { evaluations: 14 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(14);

    const requests = server.requests.map((request) => request.messages.map((message) => message.content).join('\n'));
    expect(requests.length).toBeGreaterThanOrEqual(10);
    // The public side of the same evaluations does reach the models.
    expect(requests.some((text) => /distance \d/.test(text))).toBe(true);
    for (const text of requests) expect(text).not.toMatch(LEAKS);

    const store = new SqliteStore(db, { readonly: true });
    try {
      const scored = [...store.replay(result.runId)].flatMap((row) =>
        row.kind === 'candidate' && row.evaluation.status === 'ok' ? [row.evaluation] : [],
      );
      expect(scored.length).toBeGreaterThan(1);
      for (const evaluation of scored) {
        expect(Object.keys(evaluation.metrics)).toEqual(['distance']);
        expect(evaluation.privateMetrics).toEqual({ heldOutScore: 4242.125, secretProbe: 9753.0625 });
      }
      for (const lessons of store.lessons(result.runId)) expect(lessons.lessons.join('\n')).not.toMatch(LEAKS);
    } finally {
      store.close();
    }

    const show = spawnSync(process.execPath, [BIN, 'show', result.bestCandidate as string, '--db', db], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^metrics: +distance=[\d.e+-]+$/m);
    expect(show.stdout).toMatch(
      /^private: +secretProbe=9753\.0625, heldOutScore=4242\.125 {2}\(private metrics: never shown to models\)$/m,
    );
  });
});
