import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParetoArchive } from '../archive/index.ts';
import { Rng } from '../core/rng.ts';
import type { Candidate, Evaluation } from '../core/types.ts';
import { OperatorBandit } from '../propose/index.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { entryOf, RunState } from './state.ts';

function candidate(seq: number): Candidate {
  return {
    id: `r1-${seq}`,
    runId: 'r1',
    seq,
    parentIds: seq === 0 ? [] : ['r1-0'],
    generation: seq === 0 ? 0 : 1,
    island: 0,
    genome: { 'a.js': `v${seq}` },
    origin: { operator: seq === 0 ? 'initial' : 'perturb-number', description: `made ${seq}`, diff: '' },
    createdAt: seq,
  };
}

function evaluation(seq: number, score: number, instances: Record<string, number>): Evaluation {
  return {
    candidateId: `r1-${seq}`,
    status: 'ok',
    score,
    metrics: {},
    privateMetrics: {},
    features: { length: seq },
    instances,
    feedback: '',
    artifacts: {},
    stage: 'final',
    durationMs: 1,
  };
}

describe('entryOf', () => {
  it('carries per-instance scores only when the evaluation has some', () => {
    const { genome: _genome, ...committed } = candidate(1);
    expect(entryOf(committed, evaluation(1, 0.5, { a: 1, b: 0 })).instances).toEqual({ a: 1, b: 0 });
    expect('instances' in entryOf(committed, evaluation(1, 0.5, {}))).toBe(false);
  });
});

describe('RunState.replay', () => {
  const stores: SqliteStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });

  it('rebuilds a Pareto archive from the stored per-instance scores, as the run had it', () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-state-')), 'ouro.db'));
    stores.push(store);
    const settings = { seed: 1, options: {}, budget: {}, concurrency: 1 };
    store.createRun({ id: 'r1', experiment: 'demo', experimentDir: 'demo', config: {}, settings, createdAt: 0 });
    // The specialist r1-2 has the lowest score but the best score on b; r1-3 ranks below r1-1 on both.
    const scores: Array<[number, Record<string, number>]> = [
      [0.6, { a: 0.9, b: 0.3 }],
      [0.7, { a: 1, b: 0.4 }],
      [0.5, { a: 0, b: 1 }],
      [0.65, { a: 0.95, b: 0.35 }],
    ];
    const live = new ParetoArchive();
    scores.forEach(([score, instances], seq) => {
      const record = evaluation(seq, score, instances);
      const state = { rngState: Rng.fromSeed(seq).state(), reward: 0, elapsedMs: seq, genomeHash: `h${seq}`, logOrder: seq };
      store.commitCandidate(candidate(seq), record, state);
      live.add(entryOf(candidate(seq), record));
    });

    const resumed = new RunState('r1', new ParetoArchive(), new OperatorBandit(['perturb-number']), undefined, Rng.fromSeed(0), store);
    expect(resumed.replay()).toBe(4);
    const archive = resumed.archive as ParetoArchive;
    expect(archive.entries().map((entry) => entry.id)).toEqual(['r1-1', 'r1-2']);
    expect(archive.entries().map((entry) => entry.instances)).toEqual([
      { a: 1, b: 0.4 },
      { a: 0, b: 1 },
    ]);
    expect(archive.entries()).toEqual(live.entries());
  });
});
