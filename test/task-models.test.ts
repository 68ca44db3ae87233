/**
 * Evaluators that call the run's models (`context.models`): the calls cross from the worker to the
 * engine, are booked as operator `task` under the candidate's id, are served from the run's
 * temperature-0 cache when repeated, and replay from the store with no server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmExchange } from '../src/core/model.ts';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const PROMPT = `Answer with a number.
<!-- EVOLVE-BLOCK-START -->
Think about the question, then answer with the number only, with no words around it at all.
<!-- EVOLVE-BLOCK-END -->
`;

// Three questions, the first asked twice: the repeat must come from the cache, not the server.
const EVALUATOR = `export default async function evaluate(genome, context) {
  const system = genome['prompt.md'];
  const questions = [['two plus two', '4'], ['three times three', '9'], ['two plus two', '4'], ['ten minus one', '9']];
  const instances = {};
  let cached = 0;
  for (const [index, [question, target]] of questions.entries()) {
    const messages = [{ role: 'system', content: system }, { role: 'user', content: question }];
    const reply = await context.models.complete({ messages, temperature: 0 });
    if (reply.cached) cached += 1;
    instances['q' + index] = reply.text.trim() === target ? 1 : 0;
  }
  const values = Object.values(instances);
  return { score: values.reduce((a, b) => a + b, 0) / values.length, instances, metrics: { cached } };
}
`;

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function answer(question: string): string {
  return ({ 'two plus two': '4', 'three times three': '9', 'ten minus one': '8' } as Record<string, string>)[question] ?? '?';
}

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-task-')), 'ouro.db');
}

describe('context.models in a run', () => {
  it('books task calls apart, caches temperature-0 repeats, and replays with no server', async () => {
    server = await startScriptedLlmServer({
      respond: (request) => ({ text: answer(request.messages.at(-1)?.content ?? '') }),
    });
    const model = `compat:${server.compatBaseURL}#scripted`;
    const dir = writeTinyExperiment({
      genomeFile: 'prompt.md',
      genome: PROMPT,
      evaluator: EVALUATOR,
      config: "operators: ['prune-tokens'],\n  lessons: { every: 0 },",
    });
    const db = tempDb();
    const first = await evolve(dir, { db, seed: 3, budget: { evaluations: 3 }, models: [model] });
    expect(first.evaluations).toBe(3);
    expect(first.bestScore).toBeCloseTo(0.75);

    const store = new SqliteStore(db, { readonly: true });
    let calls: LlmExchange[];
    try {
      calls = store.llmCalls(first.runId);
      const candidates = [0, 1, 2].map((seq) => store.getCandidate(`${first.runId}-${seq}`));
      // Every call is a task call, recorded under the candidate it scored, at temperature 0.
      expect(calls.every((call) => call.operator === 'task' && call.request.temperature === 0)).toBe(true);
      expect(new Set(calls.map((call) => call.proposal))).toEqual(new Set(candidates.map((record) => record?.candidate.id)));
      // Each candidate asked 4 times but paid for 3: the repeated question was served from the cache.
      expect(calls).toHaveLength(9);
      expect(server.requests).toHaveLength(9);
      for (const record of candidates) expect(record?.evaluation?.metrics.cached).toBe(1);
    } finally {
      store.close();
    }
    const requestsBefore = server.requests.length;
    await server.close();
    server = undefined;

    // The replay serves the recorded answers: same scores, and no server to call.
    const replayed = await evolve(dir, { db, replay: first.runId, probeModels: false });
    expect(replayed.evaluations).toBe(3);
    expect(replayed.bestScore).toBeCloseTo(first.bestScore as number);
    const again = new SqliteStore(db, { readonly: true });
    try {
      expect(again.llmCalls(replayed.runId).map((call) => call.reply)).toEqual(calls.map((call) => call.reply));
    } finally {
      again.close();
    }
    expect(requestsBefore).toBe(9);
  }, 60_000);

  it('tells an evaluator that calls a model in a run without one how to name one', async () => {
    const dir = writeTinyExperiment({
      genomeFile: 'prompt.md',
      genome: PROMPT,
      evaluator: EVALUATOR,
      config: "operators: ['prune-tokens'],\n  lessons: { every: 0 },",
    });
    await expect(evolve(dir, { db: tempDb(), seed: 1, budget: { evaluations: 2 } })).rejects.toThrow(
      /context\.models: this run has no model.*--model/s,
    );
  }, 60_000);

  it('names a model the run does not have', async () => {
    server = await startScriptedLlmServer({ respond: () => ({ text: '4' }) });
    const dir = writeTinyExperiment({
      genomeFile: 'prompt.md',
      genome: PROMPT,
      evaluator: `export default async function evaluate(genome, context) {
  await context.models.complete({ model: 'openai:gpt-9', messages: [{ role: 'user', content: 'hi' }] });
  return { score: 1 };
}
`,
      config: "operators: ['prune-tokens'],\n  lessons: { every: 0 },",
    });
    await expect(
      evolve(dir, { db: tempDb(), seed: 1, budget: { evaluations: 2 }, models: [`compat:${server.compatBaseURL}#scripted`] }),
    ).rejects.toThrow(/model openai:gpt-9 is not configured for this run; it has compat:/);
  }, 60_000);
});
