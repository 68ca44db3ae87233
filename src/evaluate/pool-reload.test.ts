// Replacement workers that cannot load the evaluator once a run is going: retried, a waiting
// candidate failed, the run stopped only after many failures in a row. Each load of the test
// evaluators takes the next number (an exclusively created file beside it), so a test decides
// which loads hang past the load timeout or throw.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { PID, candidate, cleanUp, loadsIn, planned, startPool, writeEvaluator } from './pool-fixtures.ts';
import { LOAD_ATTEMPTS_PER_CANDIDATE, MAX_CONSECUTIVE_LOAD_FAILURES } from './load-failures.ts';

afterAll(cleanUp);

/** Long enough for a first load on a loaded machine; the hanging loads each cost this much. */
const LOAD_MS = 5_000;
const CRASH = candidate('() => process.exit(3)');

/** Runs the candidate's `run` export, as RUNNER does, and adds the number of the load that evaluated it. */
const RUN_AND_TELL = `export default async function (genome, context) {
  const result = await (await context.importGenome()).run(context);
  return { ...result, metrics: { ...result.metrics, load } };
}
`;

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
