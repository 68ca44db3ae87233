// A whole run whose replacement workers time out while loading: the waiting candidate fails, the
// run goes on to its budget. The pool-level cases are in src/evaluate/pool-reload.test.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { EvaluatorPool } from '../src/evaluate/pool.ts';
import { cleanUp, loadsIn, planned } from '../src/evaluate/pool-fixtures.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { TINY_EVALUATOR, writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

afterAll(cleanUp);

/** Long enough for a first load on a loaded machine; the hanging loads each cost this much. */
const LOAD_MS = 5_000;

describe('a run whose replacement workers time out while loading', () => {
  it('records a failed evaluation for the candidate that waited, and goes on to its budget', async () => {
    // The third evaluation kills its worker; loads 2 to 5 (the spare, the replacement and the
    // retries) hang past the load timeout; load 6 and later are quick.
    const crashOnThird = `let evaluations = 0;
const tiny = (${TINY_EVALUATOR.replace('export default async function evaluate', 'async function')});
export default async function (genome, context) {
  if (++evaluations === 3 && load === 1) process.exit(3);
  return tiny(genome, context);
}
`;
    const dir = writeTinyExperiment({ evaluator: planned('load >= 2 && load <= 5') + crashOnThird });
    const db = join(await mkdtemp(join(tmpdir(), 'ouro-reload-')), 'ouro.db');
    const result = await evolve(dir, {
      db,
      seed: 1,
      budget: { evaluations: 8 },
      evaluators: (options) => EvaluatorPool.start({ ...options, loadTimeoutMs: LOAD_MS }),
    });
    expect(result).toMatchObject({ stopReason: 'evaluations', evaluations: 8 });
    const store = new SqliteStore(db, { readonly: true });
    try {
      const errors = [...store.replay(result.runId)].flatMap((row) =>
        row.kind === 'failures' || row.evaluation.status === 'ok' ? [] : [row.evaluation.error ?? ''],
      );
      expect(errors).toContain('evaluator process exited with code 3');
      const starved = errors.filter((error) => error.startsWith('no evaluator process could take this candidate'));
      expect(starved).toHaveLength(1);
      expect(starved[0]).toContain('could not be loaded: did not finish loading within 5 s');
    } finally {
      store.close();
    }
    expect(loadsIn(dir)).toBeGreaterThanOrEqual(6);
  });
});
