import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { Rng } from '../src/core/rng.ts';
import { createArchive } from '../src/archive/index.ts';
import { EvaluatorPool } from '../src/evaluate/pool.ts';
import { evolve } from '../src/engine/evolve.ts';
import { evaluateAndCommit, proposeChild, recordFailure, type ProposeDeps } from '../src/engine/pipeline.ts';
import type { Genome } from '../src/core/types.ts';
import { parentEvaluation, RunState } from '../src/engine/state.ts';
import { NoveltyFilter } from '../src/propose/novelty.ts';
import { createOperators, EMBEDDED_OPERATORS, OperatorBandit } from '../src/propose/index.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { median, noOpExperiment, tempDb } from './fixtures.ts';

export interface OverheadResult {
  candidatesPerSecond: Record<string, number[]>;
  phases: Record<string, number>;
}

/**
 * Candidates per second with a no-op evaluator, at concurrency 1 and 2, repeated; with the
 * experiment's default operators, or only the ones named.
 */
export async function measureOverhead(evaluations: number, repeats: number, operators?: readonly string[]): Promise<OverheadResult> {
  const dir = noOpExperiment(undefined, operators);
  const candidatesPerSecond: Record<string, number[]> = { '1': [], '2': [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const concurrency of [1, 2]) {
      const events = new Emitter<RunEvents>();
      let startedAt = 0;
      let startCount = 0;
      events.on('candidate-recorded', (event) => {
        // Measure after the workers are warm: from the 200th candidate on.
        if (event.candidate.seq === 200) {
          startedAt = performance.now();
          startCount = 200;
        }
      });
      const result = await evolve(dir, { db: tempDb(), seed: 1, concurrency, budget: { evaluations }, events });
      const seconds = (performance.now() - startedAt) / 1000;
      candidatesPerSecond[String(concurrency)]?.push((result.evaluations - startCount) / seconds);
    }
  }
  return { candidatesPerSecond, phases: await measurePhases(dir) };
}

/** Time per candidate in each step of the loop, measured one step at a time. */
async function measurePhases(dir: string): Promise<Record<string, number>> {
  const store = new SqliteStore(tempDb());
  const genome = { 'solve.js': readFileSync(join(dir, 'solve.js'), 'utf8') };
  store.createRun({
    id: 'b',
    experiment: 'no-op',
    experimentDir: dir,
    config: {},
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 0,
  });
  const archive = createArchive({ kind: 'dgm', lambda: 10 }, { features: [] });
  const state = new RunState('b', archive, new OperatorBandit([...EMBEDDED_OPERATORS]), undefined, Rng.fromSeed(1), store);
  const operators = new Map(createOperators().map((operator) => [operator.name, operator]));
  let proposals = 0;
  const deps: ProposeDeps = {
    operators,
    novelty: new NoveltyFilter(),
    noveltyScope: 'llm',
    inspirations: 3,
    costScale: 0.01,
    nextProposalId: () => `p${++proposals}`,
  };
  const pool = await EvaluatorPool.start({
    evaluatorFile: join(dir, 'evaluate.js'),
    experimentDir: dir,
    options: {},
    concurrency: 1,
    timeoutMs: 5000,
    memoryMb: 256,
  });
  const initial = {
    id: 'b-0',
    runId: 'b',
    seq: 0,
    parentIds: [],
    generation: 0,
    island: 0,
    genome,
    origin: { operator: 'initial', description: '', diff: '' },
    createdAt: 0,
  };
  const first = await pool.evaluate('b-0', genome);
  store.commitCandidate(initial, first, { rngState: state.rng.state(), reward: 0, elapsedMs: 0, genomeHash: 'h0', logOrder: 0 });
  state.apply(initial, first, 0, 'h0');
  state.remember(initial.id, { genome, feedback: '', evaluation: parentEvaluation(first) });
  state.nextLogOrder = 1;
  const totals = { propose: 0, evaluate: 0, commit: 0 };
  let children = 0;
  for (let step = 0; step < 6000; step++) {
    // The first 1,000 steps warm the JIT and the parse cache; only the rest are counted.
    if (step === 1000) {
      totals.propose = totals.evaluate = totals.commit = 0;
      children = 0;
    }
    let mark = performance.now();
    const outcome = await proposeChild(state, deps);
    if (outcome.kind !== 'child') {
      recordFailure(state, outcome);
      totals.propose += performance.now() - mark;
      continue;
    }
    totals.propose += performance.now() - mark;
    mark = performance.now();
    let evaluateMs = 0;
    const timedEvaluate = async (id: string, genome: Genome) => {
      const started = performance.now();
      const evaluation = await pool.evaluate(id, genome);
      evaluateMs = performance.now() - started;
      return evaluation;
    };
    await evaluateAndCommit(state, store, timedEvaluate, outcome.child, () => 0);
    totals.evaluate += evaluateMs;
    totals.commit += performance.now() - mark - evaluateMs;
    children++;
  }
  await pool.close();
  store.close();
  return {
    'propose (select, operator, diff, hash) ms': totals.propose / children,
    'evaluate (IPC round trip to a worker) ms': totals.evaluate / children,
    'commit (SQLite transaction, archive, bandit, diff features) ms': totals.commit / children,
  };
}

export { median };
