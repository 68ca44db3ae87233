// A session stopped with an evaluation in flight leaves a hole in the run's seqs, since later
// children can commit first. Resume must give that seq out again, so that no position is lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve, resume } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { TINY_EVALUATOR, TINY_GENOME, writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

/**
 * The tiny evaluator, except that the first child it is handed never ends. Which evaluation that
 * is gets claimed by creating a flag file exclusively, so two workers cannot both claim it.
 */
function stallingEvaluator(flag: string): string {
  return `import { writeFileSync } from 'node:fs';
${TINY_EVALUATOR.replace(
  'export default async function evaluate(genome, context) {',
  `export default async function evaluate(genome, context) {
  let claimed = false;
  if (genome['solve.js'] !== ${JSON.stringify(TINY_GENOME)}) {
    try {
      writeFileSync(${JSON.stringify(flag)}, '', { flag: 'wx' });
      claimed = true;
    } catch {}
  }
  if (claimed) await new Promise(() => {});`,
)}`;
}

function seqs(db: string, runId: string): number[] {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return [...store.replay(runId)].flatMap((row) => (row.kind === 'failures' ? [] : [row.candidate.seq])).sort((a, b) => a - b);
  } finally {
    store.close();
  }
}

describe('resume after a session stopped with evaluations in flight', () => {
  it('gives the seqs the stopped session left empty to the next children, so the run has no holes', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'ouro-holes-'));
    const dir = writeTinyExperiment({
      parent: temp,
      evaluator: stallingEvaluator(join(temp, 'stalled.flag')),
      config: "evaluation: { timeoutMs: 60000, memoryMb: 128, concurrency: 2 }, archive: { kind: 'greedy', k: 5 },",
    });
    const db = join(temp, 'ouro.db');
    // Ctrl-C twice: stop proposing, and abandon what is in flight.
    const stop = new AbortController();
    const abandon = new AbortController();
    const events = new Emitter<RunEvents>();
    let children = 0;
    events.on('candidate-recorded', ({ candidate }) => {
      if (candidate.seq > 0 && ++children === 3) {
        stop.abort();
        abandon.abort();
      }
    });
    const first = await evolve(dir, {
      db,
      seed: 4,
      budget: { evaluations: 8 },
      signal: stop.signal,
      abandonSignal: abandon.signal,
      events,
    });
    const before = seqs(db, first.runId);
    // One child is still stalled when the session is abandoned, and three others committed, at
    // least one of them after it: a hole below the highest seq.
    expect(before).toHaveLength(4);
    expect(Math.max(...before)).toBe(4);

    const resumed = await resume(first.runId, { db });
    expect(resumed.evaluations).toBe(8);
    expect(seqs(db, first.runId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 120_000);
});
