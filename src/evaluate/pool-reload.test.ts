// Replacement workers that cannot load the evaluator once a run is going: retried, a waiting
// candidate failed, the run stopped only after many failures in a row. Each load of the test
// evaluators takes the next number (an exclusively created file beside it), so a test decides
// which loads hang past the load timeout or throw.
import { readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { evolve } from '../engine/evolve.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { TINY_EVALUATOR, writeTinyExperiment } from '../testing/tiny-experiment.ts';
import { EvaluatorPool } from './pool.ts';
import { PID, candidate, cleanUp, startPool, writeEvaluator } from './pool-fixtures.ts';
import { LOAD_ATTEMPTS_PER_CANDIDATE, MAX_CONSECUTIVE_LOAD_FAILURES } from './load-failures.ts';

afterAll(cleanUp);

/** Long enough for a first load on a loaded machine; the hanging loads each cost this much. */
const LOAD_MS = 5_000;
const CRASH = candidate('() => process.exit(3)');

/** Module prologue: `load` is this load's number; `hangs` and `throws` are expressions of it. */
function planned(hangs: string, throws = 'false'): string {
  return `import { writeFileSync } from 'node:fs';
let load = 1;
for (;;) {
  try {
    writeFileSync(new URL('./load-' + load, import.meta.url), '', { flag: 'wx' });
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    load++;
  }
}
if (${hangs}) await new Promise((wake) => setTimeout(wake, 600_000));
if (${throws}) throw new Error('load ' + load + ' refused');
`;
}

/** Runs the candidate's `run` export, as RUNNER does, and adds the number of the load that evaluated it. */
const RUN_AND_TELL = `export default async function (genome, context) {
  const result = await (await context.importGenome()).run(context);
  return { ...result, metrics: { ...result.metrics, load } };
}
`;

const loadsIn = (folder: string): number => readdirSync(folder).filter((name) => name.startsWith('load-')).length;

describe('a replacement worker that cannot load the evaluator', () => {
  it('is fatal at the start of a run, naming the file and the timeout', async () => {
    const file = await writeEvaluator(planned('load === 1') + RUN_AND_TELL, 'evaluate.js');
    const error = await startPool(file, { loadTimeoutMs: 2_000 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({
      code: 'evaluator-invalid',
      file,
      message: `evaluator ${file} could not be loaded: did not finish loading within 2 s`,
    });
  });

  it('is retried once the run is going, and the waiting candidate is evaluated by a later load', async () => {
    // Load 1 starts the pool; the spare (load 2) and the crashed worker's replacement (load 3) time out.
    const file = await writeEvaluator(planned('load === 2 || load === 3') + RUN_AND_TELL, 'evaluate.js');
    const pool = await startPool(file, { loadTimeoutMs: LOAD_MS });
    const crashed = await pool.evaluate('crash', CRASH);
    expect(crashed).toMatchObject({ status: 'error', error: 'evaluator process exited with code 3' });
    const next = await pool.evaluate('next', PID);
    expect(next.status).toBe('ok');
    expect(next.metrics.load).toBeGreaterThanOrEqual(4);
    expect(loadsIn(join(file, '..'))).toBeGreaterThanOrEqual(4);
    expect((await pool.evaluate('after', PID)).status).toBe('ok');
  });

  it(`stops the pool after ${MAX_CONSECUTIVE_LOAD_FAILURES} failed loads in a row, naming the evaluator file`, async () => {
    // The evaluator file was "broken" after the run started: every load after the first throws.
    const file = await writeEvaluator(planned('false', 'load >= 2') + RUN_AND_TELL, 'evaluate.js');
    const pool = await startPool(file, { loadTimeoutMs: LOAD_MS });
    expect((await pool.evaluate('crash', CRASH)).status).toBe('error');
    const waiting = await pool.evaluate('waiting', PID);
    expect(waiting.status).toBe('error');
    expect(waiting.error).toMatch(
      new RegExp(`^no evaluator process could take this candidate: ${LOAD_ATTEMPTS_PER_CANDIDATE} loads in a row failed; the last: `),
    );
    expect(waiting.error).toMatch(/failed to load: load \d+ refused/);
    const stopped = await pool.evaluate('stopped', PID).catch((thrown: unknown) => thrown);
    expect(stopped).toBeInstanceOf(OuroError);
    expect(stopped).toMatchObject({ code: 'evaluator-invalid', file });
    expect((stopped as OuroError).message).toMatch(
      new RegExp(`^${MAX_CONSECUTIVE_LOAD_FAILURES} evaluator processes in a row failed to load, so evaluation stops`),
    );
    expect((stopped as OuroError).message).toContain(file);
    await expect(pool.evaluate('later', PID)).rejects.toBe(stopped);
  });
});

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
