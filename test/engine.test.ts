import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve, resume } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-engine-')), 'ouro.db');
}

/** The committed history of a run, in commit order: what must be identical across replays. */
function history(db: string, runId: string): string[] {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return [...store.replay(runId)].map((row) =>
      row.kind === 'failures'
        ? `failed ${row.failures.count} ${row.failures.operator} ${row.failures.reason}`
        : `${row.candidate.seq} ${row.candidate.origin.operator} ${row.state.genomeHash} ${row.evaluation.status} ${row.evaluation.score}`,
    );
  } finally {
    store.close();
  }
}

describe('evolve', () => {
  it('improves the tiny experiment and stops at exactly the evaluation budget', async () => {
    const db = tempDb();
    const result = await evolve(writeTinyExperiment(), { db, seed: 1, budget: { evaluations: 60 } });
    expect(result.evaluations).toBe(60);
    expect(result.stopReason).toBe('evaluations');
    const rows = history(db, result.runId).filter((row) => !row.startsWith('failed'));
    expect(rows).toHaveLength(60);
    const initialScore = Number(rows[0]?.split(' ').at(-1));
    expect(initialScore).toBeCloseTo(-(4 + 6.25 + 4), 10);
    expect(result.bestScore).toBeGreaterThan(initialScore);
    const store = new SqliteStore(db, { readonly: true });
    const best = store.bestCandidate(result.runId);
    expect(best?.candidate.id).toBe(result.bestCandidate);
    expect(best?.candidate.origin.diff).toMatch(/^---/m);
    expect(store.getRun(result.runId)?.status).toBe('finished');
    store.close();
  });

  it('is reproducible bit for bit with the same seed at concurrency 1, and differs with another seed', async () => {
    const dir = writeTinyExperiment();
    const [a, b, c] = [tempDb(), tempDb(), tempDb()];
    const first = await evolve(dir, { db: a, seed: 7, budget: { evaluations: 40 } });
    const second = await evolve(dir, { db: b, seed: 7, budget: { evaluations: 40 } });
    const other = await evolve(dir, { db: c, seed: 8, budget: { evaluations: 40 } });
    expect(history(b, second.runId)).toEqual(history(a, first.runId));
    expect(history(c, other.runId)).not.toEqual(history(a, first.runId));
  });

  it('resumes a stopped run exactly where an uninterrupted run would be', async () => {
    const dir = writeTinyExperiment();
    const whole = tempDb();
    const split = tempDb();
    const uninterrupted = await evolve(dir, { db: whole, seed: 11, budget: { evaluations: 50 } });
    const firstHalf = await evolve(dir, { db: split, seed: 11, budget: { evaluations: 20 } });
    const resumed = await resume(firstHalf.runId, { db: split, budget: { evaluations: 50 } });
    expect(resumed.evaluations).toBe(50);
    expect(history(split, firstHalf.runId)).toEqual(history(whole, uninterrupted.runId));
  });

  for (const archive of [
    "{ kind: 'greedy', k: 5 }",
    "{ kind: 'dgm', lambda: 10 }",
    "{ kind: 'map-elites', islands: 3, migrationInterval: 10, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] }",
  ]) {
    it(`runs end to end with archive ${archive}`, async () => {
      const db = tempDb();
      const dir = writeTinyExperiment({ config: `archive: ${archive},` });
      const result = await evolve(dir, { db, seed: 3, budget: { evaluations: 50 } });
      expect(result.evaluations).toBe(50);
      expect(result.bestScore).toBeGreaterThan(-14.25);
    });
  }

  it('records the cascade stage each evaluation stopped at', async () => {
    const db = tempDb();
    const evaluator = `const solve = async (context) => (await context.isolate('solve.js')).call('solve');
export const stages = [{
  name: 'quick',
  threshold: -13,
  evaluate: async (genome, context) => { const [a] = await solve(context); return { score: -((a - 3) ** 2) - 10 }; },
}];
export default async function evaluate(genome, context) {
  const [a, b, c] = await solve(context);
  return { score: -((a - 3) ** 2 + (b + 2) ** 2 + (c - 0.5) ** 2) };
}
`;
    const result = await evolve(writeTinyExperiment({ evaluator }), { db, seed: 1, budget: { evaluations: 40 } });
    const store = new SqliteStore(db, { readonly: true });
    const stages = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'candidate' ? [row.evaluation.stage] : []));
    store.close();
    // The initial a = 1 scores -14 in the quick stage, below its threshold: it stops there.
    expect(stages[0]).toBe('quick');
    expect(new Set(stages)).toEqual(new Set(['quick', 'final']));
  });

  it('stops at a target score', async () => {
    const result = await evolve(writeTinyExperiment(), { db: tempDb(), seed: 2, budget: { evaluations: 5000, targetScore: -12 } });
    expect(result.stopReason).toBe('target-score');
    expect(result.bestScore).toBeGreaterThanOrEqual(-12);
    expect(result.evaluations).toBeLessThan(5000);
  });

  it('stops at a wall-time budget', async () => {
    const result = await evolve(writeTinyExperiment(), { db: tempDb(), seed: 2, budget: { evaluations: 1_000_000, wallTimeMs: 1500 } });
    expect(result.stopReason).toBe('wall-time');
    expect(result.evaluations).toBeGreaterThan(1);
  });

  it('stops cleanly on a signal and the run stays resumable', async () => {
    const db = tempDb();
    const controller = new AbortController();
    const events = new Emitter<RunEvents>();
    let recorded = 0;
    events.on('candidate-recorded', () => {
      if (++recorded === 10) controller.abort();
    });
    const stopped = await evolve(writeTinyExperiment(), { db, seed: 4, budget: { evaluations: 1000 }, signal: controller.signal, events });
    expect(stopped.stopReason).toBe('interrupted');
    expect(stopped.evaluations).toBe(10);
    const store = new SqliteStore(db, { readonly: true });
    expect(store.getRun(stopped.runId)?.status).toBe('stopped');
    store.close();
    const resumed = await resume(stopped.runId, { db, budget: { evaluations: 25 } });
    expect(resumed.evaluations).toBe(25);
    const seqs = history(db, stopped.runId)
      .filter((row) => !row.startsWith('failed'))
      .map((row) => Number(row.split(' ')[0]));
    expect(seqs).toEqual([...Array(25).keys()]);
  });

  it('runs evaluations concurrently and still commits every one', async () => {
    const db = tempDb();
    const dir = writeTinyExperiment({ config: 'proposal: { concurrency: 2 },' });
    const result = await evolve(dir, { db, seed: 5, concurrency: 2, budget: { evaluations: 40 } });
    expect(result.evaluations).toBe(40);
    expect(
      new Set(
        history(db, result.runId)
          .filter((row) => !row.startsWith('failed'))
          .map((row) => row.split(' ')[2]),
      ).size,
    ).toBe(40);
  });

  it('drops duplicate genomes before evaluation and gives up when nothing new comes', async () => {
    // One operator site: 3 + 0 becomes 3 - 0, and every later swap recreates a genome already seen.
    const genome = '// EVOLVE-BLOCK-START\nexport function solve() { return [3 + 0, -2, 0.5]; }\n// EVOLVE-BLOCK-END\n';
    const events = new Emitter<RunEvents>();
    let duplicates = 0;
    events.on('duplicate-dropped', () => duplicates++);
    const db = tempDb();
    const result = await evolve(
      writeTinyExperiment({ genome, config: "operators: ['swap-operator'], proposal: { maxConsecutiveFailures: 1000 }," }),
      { db, seed: 1, budget: { evaluations: 100 }, events },
    );
    expect(result.stopReason).toBe('operators-exhausted');
    expect(result.evaluations).toBe(2);
    expect(duplicates).toBe(1000);
    // Failed proposals are stored as counted batches, the trailing ones written when the session ends.
    const store = new SqliteStore(db, { readonly: true });
    const batches = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'failures' ? [row.failures] : []));
    store.close();
    expect(batches.filter((batch) => batch.kind === 'duplicate').reduce((sum, batch) => sum + batch.count, 0)).toBe(1000);
    expect(batches.length).toBeLessThan(10);
  });
});
