// Every shipped example, run as the README says: the controller here, a real `ouro worker`
// process whose cache lives outside the project, and a real redis-server between them.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolve, type EvolveOptions } from '../src/engine/evolve.ts';
import { collectBundle } from '../src/fleet/bundle.ts';
import { fleetEvaluators } from '../src/fleet/evaluator.ts';
import { startLocalFleet, type LocalFleet } from '../src/fleet/local-fleet.ts';
import { probes, requireService } from './support/services.ts';

const redis = await requireService('redis-server', probes.redis);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES_DIR = join(ROOT, 'examples');
// The prompt examples need a model to score anything (their own tests run them against scripted ones).
const EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((name) => existsSync(join(EXAMPLES_DIR, name, 'ouro.config.ts')) && !name.startsWith('prompt-'))
  .sort();
/**
 * The initial genome and three children. With seed 3 at concurrency 1 a run is reproducible, and
 * its first children are sound mutants of every example, so each must score ok; should an operator
 * change make one of them a broken program, its error shows in the failure (then pick another seed).
 */
const EVALUATIONS = 4;

interface Row {
  seq: number;
  status: string;
  error: string | null;
}

function evaluations(db: string, runId: string): Row[] {
  const database = new Database(db, { readonly: true });
  try {
    return database
      .prepare(
        'SELECT c.seq AS seq, e.status AS status, e.error AS error FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE ' +
          'c.run_id = ? ORDER BY c.seq',
      )
      .all(runId) as Row[];
  } finally {
    database.close();
  }
}

/**
 * The fleet's evaluators with a roomy time limit. The examples' limits are sized for an idle
 * machine; this suite asks whether a worker can load and run each example at all, and a test
 * machine under load must not turn a slow evaluation into a `timeout`.
 */
function roomyFleet(url: string): NonNullable<EvolveOptions['evaluators']> {
  const start = fleetEvaluators(url);
  return (options, notice) => start({ ...options, timeoutMs: Math.max(options.timeoutMs, 30_000) }, notice);
}

/**
 * The candidates of a run that the worker says it evaluated, once each (a job retried after a lost
 * lock prints twice), by seq. Its lines come through a pipe, and may trail the result the
 * controller already holds: they are awaited.
 */
async function doneOnWorker(fleet: LocalFleet, runId: string, count: number): Promise<{ candidate: string; result: string }[]> {
  const pattern = new RegExp(`: done (${runId}-(\\d+)) -> (\\w+)`);
  const read = (): Map<number, { candidate: string; result: string }> =>
    new Map(
      fleet.lines.flatMap((line) => {
        const match = pattern.exec(line);
        return match ? [[Number(match[2]), { candidate: match[1] as string, result: match[3] as string }] as const] : [];
      }),
    );
  const deadline = Date.now() + 30_000;
  while (read().size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return [...read()].sort(([a], [b]) => a - b).map(([, done]) => done);
}

describe.skipIf(redis.missing)(redis.title('every shipped example on a fleet worker'), () => {
  let fleet: LocalFleet;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-fleet-examples-'));
  const cacheDir = join(temp, 'cache');

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 1, concurrency: 2, cacheDir });
  });
  afterAll(async () => {
    await fleet?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('finds the examples, and keeps the worker cache outside the project', () => {
    expect(EXAMPLES).toContain('circle-packing');
    // Inside the project, the unpacked bundle would inherit the project's package.json by accident.
    expect(relative(ROOT, cacheDir).startsWith('..')).toBe(true);
  });

  it.each(EXAMPLES)('%s: the worker scores the initial genome and the candidates', async (name) => {
    const db = join(temp, `${name}.db`);
    const result = await evolve(join(EXAMPLES_DIR, name), {
      db,
      evaluators: roomyFleet(fleet.url),
      seed: 3,
      concurrency: 1,
      budget: { evaluations: EVALUATIONS },
    });
    expect(result.evaluations).toBe(EVALUATIONS);
    const rows = evaluations(db, result.runId);
    expect(rows.map((row) => row.seq)).toEqual([...Array(EVALUATIONS).keys()]);
    expect(rows).toEqual(rows.map(({ seq }) => ({ seq, status: 'ok', error: null })));
    // The worker, not this process, ran them, from the bundle it unpacked into its own cache.
    const done = await doneOnWorker(fleet, result.runId, EVALUATIONS);
    expect(done).toEqual(rows.map(({ seq }) => ({ candidate: `${result.runId}-${seq}`, result: 'ok' })));
    const bundle = await collectBundle(join(EXAMPLES_DIR, name));
    expect(existsSync(join(cacheDir, bundle.hash, 'evaluate.ts'))).toBe(true);
  });
});
