// LLM proposals: throughput against a scripted server with a fixed latency, and the time the
// engine itself adds to each proposal (prompt, edit application, novelty check, bookkeeping).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createArchive } from '../src/archive/index.ts';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { Rng } from '../src/core/rng.ts';
import type { Genome } from '../src/core/types.ts';
import { EvaluatorPool } from '../src/evaluate/pool.ts';
import { evolve } from '../src/engine/evolve.ts';
import { loadExperiment } from '../src/engine/load-experiment.ts';
import { setupModels } from '../src/engine/models.ts';
import { evaluateAndCommit, proposeChild, recordFailure, type ProposeDeps } from '../src/engine/pipeline.ts';
import { parentEvaluation, RunState } from '../src/engine/state.ts';
import { OperatorBandit } from '../src/propose/index.ts';
import { createLlmOperators } from '../src/propose/llm/index.ts';
import { NoveltyFilter } from '../src/propose/novelty.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer, type ScriptedRequest } from '../src/testing/scripted-llm-server.ts';
import { median, tempDb } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '..');

function respondWithNudges() {
  const nudge = nudgeNumberResponder({ scale: 0.03 });
  return (request: ScriptedRequest) => ({
    text: nudge(
      request.messages
        .filter((message) => message.role === 'user')
        .map((message) => message.content)
        .join('\n'),
    ),
  });
}

/** circle-packing with only `llm-diff`, a fixed proposal concurrency and no lessons step. */
function circlePacking(proposalConcurrency: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-bench-llm-')), 'circle-packing');
  cpSync(join(ROOT, 'examples/circle-packing'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const original = readFileSync(join(dir, 'ouro.config.ts'), 'utf8');
  const config = original.replace(
    'evaluation: { timeoutMs: 250, memoryMb: 256, scoreRange: { min: 0, max: 2.8768 } },',
    `evaluation: { timeoutMs: 5000, memoryMb: 256, scoreRange: { min: 0, max: 2.8768 } },
  operators: ['llm-diff'],
  proposal: { concurrency: ${proposalConcurrency} },
  lessons: { every: 0 },`,
  );
  if (config === original) throw new Error('bench/llm.ts: the circle-packing config changed; update the line this benchmark replaces');
  writeFileSync(join(dir, 'ouro.config.ts'), config);
  return dir;
}

export interface LlmThroughput {
  latencyMs: number;
  /** Proposal concurrency -> proposals (model calls) per second, one entry per repeat. */
  proposalsPerSecond: Record<string, number[]>;
  evaluationsPerSecond: Record<string, number[]>;
}

/** Proposals per second at each proposal concurrency, with every call taking `latencyMs` on the server. */
export async function measureLlmThroughput(
  latencyMs: number,
  concurrencies: number[],
  seconds: number,
  repeats: number,
): Promise<LlmThroughput> {
  const proposalsPerSecond: Record<string, number[]> = {};
  const evaluationsPerSecond: Record<string, number[]> = {};
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const concurrency of concurrencies) {
      const server = await startScriptedLlmServer({ respond: respondWithNudges(), latencyMs });
      const events = new Emitter<RunEvents>();
      let started = 0;
      events.on('run-started', () => (started = performance.now()));
      const result = await evolve(circlePacking(concurrency), {
        db: tempDb(),
        seed: repeat + 1,
        concurrency: 2,
        budget: { wallTimeMs: seconds * 1000 },
        events,
        models: [`compat:${server.compatBaseURL}#bench`],
      });
      const elapsed = (performance.now() - started) / 1000;
      await server.close();
      (proposalsPerSecond[concurrency] ??= []).push(result.spend.calls / elapsed);
      (evaluationsPerSecond[concurrency] ??= []).push(result.evaluations / elapsed);
    }
  }
  return { latencyMs, proposalsPerSecond, evaluationsPerSecond };
}

export interface EngineLatency {
  proposals: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * The engine's own time per LLM proposal: choosing parents and inspirations, building the prompt,
 * applying the reply, the novelty check, recording the exchange, and committing the child. The
 * network is timed apart (the providers' fetch is wrapped) and left out; evaluation is left out.
 */
export async function measureEngineLatency(proposals: number): Promise<EngineLatency> {
  const server = await startScriptedLlmServer({ respond: respondWithNudges() });
  const loaded = await loadExperiment(circlePacking(1));
  const store = new SqliteStore(tempDb());
  const runId = 'bench';
  store.createRun({
    id: runId,
    experiment: 'circle-packing',
    experimentDir: loaded.dir,
    config: {},
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 0,
  });
  let networkMs = 0;
  const timedFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      networkMs += performance.now() - started;
    }
  };
  const models = await setupModels({
    runId,
    store,
    budget: {},
    llm: loaded.config.llm,
    configs: [{ id: `compat:${server.compatBaseURL}#bench` }],
    fetch: timedFetch,
  });
  if (!models) throw new Error('no model set up');
  const archive = createArchive(loaded.config.archive, { features: [] });
  const operators = createLlmOperators(['llm-diff'], { maxOutputTokens: 1024 });
  const state = new RunState(
    runId,
    archive,
    new OperatorBandit(operators.map((operator) => operator.name)),
    new OperatorBandit(models.ids),
    Rng.fromSeed(1),
    store,
  );
  let counter = 0;
  const deps: ProposeDeps = {
    operators: new Map(operators.map((operator) => [operator.name, operator])),
    models,
    novelty: new NoveltyFilter({ threshold: 0.99 }),
    noveltyScope: 'llm',
    inspirations: 3,
    costScale: 0.01,
    nextProposalId: () => `p${++counter}`,
  };
  const pool = await EvaluatorPool.start({
    evaluatorFile: loaded.evaluatorFile,
    experimentDir: loaded.dir,
    options: {},
    concurrency: 1,
    timeoutMs: 5000,
    memoryMb: 256,
  });
  const initial = {
    id: `${runId}-0`,
    runId,
    seq: 0,
    parentIds: [],
    generation: 0,
    island: 0,
    genome: loaded.genome,
    origin: { operator: 'initial', description: '', diff: '' },
    createdAt: 0,
  };
  const first = await pool.evaluate(initial.id, loaded.genome);
  store.commitCandidate(initial, first, { rngState: state.rng.state(), reward: 0, elapsedMs: 0, genomeHash: 'h0', logOrder: 0 });
  state.apply(initial, first, 0, 'h0');
  state.remember(initial.id, { genome: loaded.genome, feedback: first.feedback, evaluation: parentEvaluation(first) });
  deps.novelty.remember(initial.id, loaded.genome);
  state.nextSeq = 1;
  state.nextLogOrder = 1;

  const samples: number[] = [];
  for (let step = 0; step < proposals + 50; step++) {
    networkMs = 0;
    let started = performance.now();
    const outcome = await proposeChild(state, deps);
    let engineMs = performance.now() - started - networkMs;
    if (outcome.kind === 'child') {
      const evaluation = await pool.evaluate(outcome.child.candidate.id, outcome.child.candidate.genome);
      started = performance.now();
      await evaluateAndCommit(
        state,
        store,
        async () => evaluation,
        outcome.child,
        () => 0,
      );
      deps.novelty.remember(outcome.child.candidate.id, outcome.child.candidate.genome as Genome);
      engineMs += performance.now() - started;
    } else {
      recordFailure(state, outcome);
    }
    // The first 50 proposals warm the JIT and the caches.
    if (step >= 50) samples.push(engineMs);
  }
  await pool.close();
  await server.close();
  store.close();
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { proposals: samples.length, p50: median(samples), p95: at(0.95), max: sorted.at(-1) as number };
}
