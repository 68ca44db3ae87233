/**
 * Prompt evolution end to end, on the scripted simulation (src/testing/prompt-sim.ts): a
 * SIMULATED task model whose accuracy depends on which instructions the system prompt holds, and
 * a simulated proposer. No real model is involved; the figures here show the mechanism only.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GreedyArchive } from '../src/archive/greedy.ts';
import { ParetoArchive } from '../src/archive/pareto.ts';
import type { TaskModels } from '../src/core/evaluator.ts';
import { Rng } from '../src/core/rng.ts';
import type { ArchiveEntry, Genome } from '../src/core/types.ts';
import { evolve } from '../src/engine/evolve.ts';
import { taskModelHost } from '../src/engine/task-models.ts';
import { scoreBestOnTest } from '../src/engine/test-split.ts';
import { openRunModels } from '../src/llm/index.ts';
import { promptTask } from '../src/prompt/index.ts';
import { llmMerge, loadTemplates } from '../src/propose/llm/index.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { testContext } from '../src/testing/context.ts';
import {
  ARITHMETIC_HINT,
  startPromptSimServer,
  WORD_HINT,
  writeSimulationDataset,
  type PromptSimServer,
  type SimulationItem,
} from '../src/testing/prompt-sim.ts';

const SPLITS = { train: 24, val: 40, test: 40 };
const LLM = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 512, prices: {} };

function systemPrompt(...lines: string[]): string {
  const block = lines.map((line) => `${line}\n`).join('');
  return `You answer short math questions.\n<!-- EVOLVE-BLOCK-START -->\n${block}<!-- EVOLVE-BLOCK-END -->\n`;
}

let sim: PromptSimServer;
let folder: string;
let rows: SimulationItem[];
const dataFile = (): string => join(folder, 'data.jsonl');

beforeAll(async () => {
  sim = await startPromptSimServer({ seed: 11 });
  folder = mkdtempSync(join(tmpdir(), 'ouro-prompt-evo-'));
  rows = writeSimulationDataset(join(folder, 'data.jsonl'), { size: SPLITS.train + SPLITS.val + SPLITS.test, seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});

/** The task the experiments below evaluate with, built the same way their evaluate.js builds it. */
function task() {
  return promptTask({
    dataset: dataFile(),
    input: 'question',
    target: 'answer',
    metric: 'numeric',
    splits: SPLITS,
    minibatch: 4,
    id: 'id',
  });
}

/** `context.models` over the simulation, as a run hands it to an evaluator. */
async function simModels(): Promise<TaskModels> {
  const models = await openRunModels({ configs: [{ id: sim.modelId }], llm: LLM, budget: {}, env: {} });
  const host = taskModelHost(models, [{ id: sim.modelId }]);
  const signal = new AbortController().signal;
  return { ids: models.ids, complete: (request) => host.complete('test', request, signal) };
}

async function valScores(genome: Genome, models: TaskModels) {
  const context = testContext(genome, { models, purpose: 'search' });
  try {
    const result = await task().evaluate(genome, { ...context, candidateId: `c-${JSON.stringify(genome).length}` });
    return { score: result.score, instances: result.instances ?? {} };
  } finally {
    context.dispose();
  }
}

function writeExperiment(archive: string): string {
  const dir = join(folder, `experiment-${archive.replace(/\W+/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'system.md'), systemPrompt('Be polite.'));
  writeFileSync(
    join(dir, 'evaluate.js'),
    `import { promptTask } from 'ouroboros';
const task = promptTask({
  dataset: ${JSON.stringify(dataFile())},
  input: 'question', target: 'answer', metric: 'numeric', id: 'id',
  splits: ${JSON.stringify(SPLITS)}, minibatch: 4,
});
export const stages = task.stages;
export default task.evaluate;
`,
  );
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `import { defineExperiment } from 'ouroboros';
export default defineExperiment({
  name: 'prompt-sim',
  genome: ['system.md'],
  evaluator: 'evaluate.js',
  archive: ${archive},
  operators: ['llm-diff', 'llm-reflect', 'llm-rewrite'],
  budget: { evaluations: 14 },
  evaluation: { timeoutMs: 20000, memoryMb: 256, concurrency: 1 },
  lessons: { every: 0 },
});
`,
  );
  return dir;
}

describe('prompt evolution on the simulation (SIMULATED model)', () => {
  it('keeps the test split sealed, caches repeats, scores the test only on request, and replays', async () => {
    const dir = writeExperiment("{ kind: 'pareto', scoreAsInstance: true }");
    const db = join(folder, 'runs.db');
    const first = await evolve(dir, { db, seed: 5, models: [sim.modelId] });
    expect(first.evaluations).toBe(14);

    const { ids } = task();
    const known = new Set([...ids.train, ...ids.val]);
    const testQuestions = rows.filter((row) => !known.has(row.id)).map((row) => row.question);
    expect(testQuestions).toHaveLength(SPLITS.test);
    const mentionsTest = (text: string): boolean => testQuestions.some((question) => text.includes(question));

    const store = new SqliteStore(db, { readonly: true });
    let replies: (string | null)[];
    let scores: (number | undefined)[];
    try {
      const calls = store.llmCalls(first.runId);
      const taskCalls = calls.filter((call) => call.operator === 'task');
      expect(taskCalls.length).toBeGreaterThan(0);
      // Sealed: no recorded call, task or proposal, ever showed a test question.
      expect(calls.filter((call) => call.request.messages.some((message) => mentionsTest(message.content)))).toEqual([]);
      // The cache answered repeats: evaluations asked for more than the run paid for.
      const records = Array.from({ length: 14 }, (_, seq) => store.getCandidate(`${first.runId}-${seq}`));
      const cached = records.reduce((sum, record) => sum + (record?.evaluation?.metrics.cachedCalls ?? 0), 0);
      const asked = records.reduce((sum, record) => sum + (record?.evaluation?.metrics.modelCalls ?? 0), 0);
      expect(cached).toBeGreaterThan(0);
      expect(asked).toBe(taskCalls.length + cached);
      // Candidates that passed the gate carry per-instance val scores for the front.
      const scored = records.filter((record) => record?.evaluation?.stage === 'final');
      expect(scored.length).toBeGreaterThan(1);
      for (const record of scored) expect(Object.keys(record?.evaluation?.instances ?? {})).toHaveLength(SPLITS.val);
      replies = calls.map((call) => call.reply);
      scores = records.map((record) => record?.evaluation?.score);
    } finally {
      store.close();
    }

    // Only `ouro best --test` shows the test split to the model.
    const before = sim.requests.length;
    const tested = await scoreBestOnTest(first.runId, { db });
    expect(tested.evaluation.status).toBe('ok');
    expect(tested.evaluation.metrics.testInstances).toBe(SPLITS.test);
    const shown = sim.requests.slice(before).filter((request) => request.messages.some((message) => mentionsTest(message.content)));
    expect(shown.length).toBe(SPLITS.test);

    // The replay serves every recorded reply and gets the same candidates and scores, with no new request.
    const requests = sim.requests.length;
    const replayed = await evolve(dir, { db, replay: first.runId, probeModels: false });
    expect({ evaluations: replayed.evaluations, stop: replayed.stopReason }).toEqual({ evaluations: 14, stop: first.stopReason });
    expect(sim.requests.length).toBe(requests);
    const again = new SqliteStore(db, { readonly: true });
    try {
      // Concurrent evaluations finish in another order, and the cache may answer a repeat that the
      // original paid for when two evaluations asked at once: every replayed call is a recorded one.
      const recorded = [...replies];
      for (const call of again.llmCalls(replayed.runId)) {
        expect(call.error).toBeUndefined();
        const at = recorded.indexOf(call.reply);
        expect(at).toBeGreaterThanOrEqual(0);
        recorded.splice(at, 1);
      }
      const genomes = (runId: string) => Array.from({ length: 14 }, (_, seq) => again.getCandidate(`${runId}-${seq}`)?.candidate.genome);
      expect(genomes(replayed.runId)).toEqual(genomes(first.runId));
      const replayedScores = Array.from({ length: 14 }, (_, seq) => again.getCandidate(`${replayed.runId}-${seq}`)?.evaluation?.score);
      expect(replayedScores).toEqual(scores);
    } finally {
      again.close();
    }
  }, 120_000);

  it('keeps a specialist on the Pareto front that a greedy archive drops', async () => {
    const models = await simModels();
    const prompts = [systemPrompt('Be polite.'), systemPrompt(ARITHMETIC_HINT), systemPrompt(WORD_HINT)];
    const entries: ArchiveEntry[] = [];
    for (const [index, prompt] of prompts.entries()) {
      const { score, instances } = await valScores({ 'system.md': prompt }, models);
      entries.push({ id: `c-${index}`, seq: index, score, island: 0, generation: 0, parentIds: [], features: {}, instances });
    }
    const [, arithmetic, word] = entries as [ArchiveEntry, ArchiveEntry, ArchiveEntry];
    // Each specialist is the better one on its own kind of question.
    const kindOf = new Map(rows.map((row) => [row.id, row.kind]));
    const accuracyOn = (entry: ArchiveEntry, kind: string): number => {
      const scores = Object.entries(entry.instances ?? {})
        .filter(([id]) => kindOf.get(id) === kind)
        .map(([, score]) => score);
      return scores.reduce((sum, score) => sum + score, 0) / scores.length;
    };
    expect(accuracyOn(word, 'word')).toBeGreaterThan(accuracyOn(arithmetic, 'word'));
    expect(accuracyOn(arithmetic, 'arithmetic')).toBeGreaterThan(accuracyOn(word, 'arithmetic'));

    const pareto = new ParetoArchive();
    const greedy = new GreedyArchive({ k: 1 });
    for (const entry of entries) {
      pareto.add(entry);
      greedy.add(entry);
    }
    const kept = pareto.entries().map((entry) => entry.id);
    expect(kept).toEqual(expect.arrayContaining(['c-1', 'c-2']));
    const greedyKept = greedy.entries().map((entry) => entry.id);
    expect(greedyKept).toHaveLength(1);
    // Whichever specialist greedy keeps, it loses the other; the front keeps both as parents.
    const lost = greedyKept[0] === 'c-1' ? 'c-2' : 'c-1';
    expect(kept).toContain(lost);
    expect(pareto.instancesLed(lost)).toBeGreaterThan(0);
    const rng = Rng.fromSeed(9);
    const drawn = Array.from({ length: 300 }, () => pareto.selectParents(rng, 1)[0]?.id);
    expect(drawn.filter((id) => id === lost).length).toBeGreaterThan(30);
  }, 60_000);

  it('merges two specialists into a candidate that beats both on val', async () => {
    const models = await simModels();
    const genomes = new Map<string, Genome>([
      ['r-0', { 'system.md': systemPrompt('Be polite.') }],
      ['r-1', { 'system.md': systemPrompt('Be polite.', ARITHMETIC_HINT) }],
      ['r-2', { 'system.md': systemPrompt(WORD_HINT, 'Be polite.') }],
    ]);
    const parents = new Map<string, string[]>([
      ['r-0', []],
      ['r-1', ['r-0']],
      ['r-2', ['r-0']],
    ]);
    const view = async (id: string) => {
      const genome = genomes.get(id) as Genome;
      const { score, instances } = await valScores(genome, models);
      const entry = {
        id,
        seq: Number(id.slice(2)),
        score,
        island: 0,
        generation: 1,
        parentIds: parents.get(id) ?? [],
        features: {},
        instances,
      };
      return { entry, genome, feedback: '' };
    };
    const [a, b] = [await view('r-1'), await view('r-2')];
    const handle = (await openRunModels({ configs: [{ id: sim.modelId }], llm: LLM, budget: {}, env: {} })).handles.get(sim.modelId);
    const result = await llmMerge({ templates: loadTemplates() }).propose({
      parents: [a, b],
      inspirations: [],
      rng: Rng.fromSeed(2),
      ...(handle ? { model: handle } : {}),
      lineage: { parentIds: (id) => parents.get(id), genome: (id) => genomes.get(id) },
    });
    if ('failure' in result) throw new Error(result.failure);
    const merged = await valScores(result.genome, models);
    expect(merged.score).toBeGreaterThan(a.entry.score);
    expect(merged.score).toBeGreaterThan(b.entry.score);
  }, 60_000);
});
