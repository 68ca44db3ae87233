// Fleet faults against a real redis-server and real worker processes: a worker killed mid-job,
// a poison candidate that kills every worker, a Redis restart, a controller killed and resumed.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve, resume } from '../src/engine/evolve.ts';
import { startLocalFleet, type LocalFleet, type SpawnedWorker } from '../src/fleet/local-fleet.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { fleetEvaluators } from '../src/fleet/evaluator.ts';
import { probes, requireService } from './support/services.ts';

const redis = await requireService('redis-server', probes.redis);

/** Locks of 3 s, checked every 1.5 s: a dead worker's job is back in the queue within about 6 s. */
const WORKER_ENV = { OURO_FLEET_LOCK_MS: '3000' };

interface Row {
  seq: number;
  status: string;
  stage: string;
  error: string | null;
}

function candidates(db: string, runId: string): Row[] {
  const database = new Database(db, { readonly: true });
  try {
    return database
      .prepare(
        'SELECT c.seq AS seq, e.status AS status, e.stage AS stage, e.error AS error FROM candidates c JOIN evaluations e ON ' +
          'e.candidate_id = c.id WHERE c.run_id = ? ORDER BY c.seq',
      )
      .all(runId) as Row[];
  } finally {
    database.close();
  }
}

/** The tiny evaluator, slowed down; the candidate with seq `poison` kills the worker process that runs it. */
function slowEvaluator(sleepMs: number, poison?: number): string {
  return `export default async function evaluate(genome, context) {
  if (${poison ?? -1} >= 0 && context.candidateId.split('-').pop() === '${poison ?? -1}') process.kill(process.ppid, 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, ${sleepMs}));
  const program = await context.isolate('solve.js');
  const [a, b, c] = await program.call('solve');
  const distance = (a - 3) ** 2 + (b + 2) ** 2 + (c - 0.5) ** 2;
  if (!Number.isFinite(distance)) throw new Error('solve() returned ' + JSON.stringify([a, b, c]));
  return { score: -distance, metrics: { distance } };
}
`;
}

function expectExactly(rows: Row[], budget: number): void {
  expect(rows.map((row) => row.seq)).toEqual([...Array(budget).keys()]);
}

describe.skipIf(redis.missing)(redis.title('fleet faults'), () => {
  let fleet: LocalFleet;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-fleet-faults-'));

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 2, cacheDir: join(temp, 'cache'), env: WORKER_ENV });
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('reruns the job of a worker killed with -9 mid-evaluation on another worker', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'kill-')), evaluator: slowEvaluator(1500) });
    const db = join(temp, 'kill.db');
    let killed = '';
    const listener = (line: string, worker: SpawnedWorker): void => {
      if (!killed && /evaluate r\w+-2 \(job/.test(line)) {
        killed = line;
        worker.child.kill('SIGKILL');
      }
    };
    fleet.onLine.add(listener);
    try {
      const result = await evolve(dir, { db, evaluators: fleetEvaluators(fleet.url), seed: 2, concurrency: 2, budget: { evaluations: 6 } });
      expect(killed).not.toBe('');
      expect(result.evaluations).toBe(6);
      const rows = candidates(db, result.runId);
      expectExactly(rows, 6);
      expect(rows.filter((row) => row.stage === 'fleet')).toEqual([]);
      expect(rows[2]?.status).toBe('ok');
    } finally {
      fleet.onLine.delete(listener);
    }
    await fleet.ready();
  });

  it('records a candidate that kills every worker that runs it as an error, and the run goes on', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'poison-')), evaluator: slowEvaluator(200, 2) });
    const db = join(temp, 'poison.db');
    const result = await evolve(dir, { db, evaluators: fleetEvaluators(fleet.url), seed: 3, concurrency: 2, budget: { evaluations: 5 } });
    expect(result.evaluations).toBe(5);
    const rows = candidates(db, result.runId);
    expectExactly(rows, 5);
    expect(rows[2]?.status).toBe('error');
    expect(rows[2]?.error).toMatch(/poison candidate: its evaluation lost the worker running it 3 times/);
    expect(rows.filter((row) => row.seq !== 2 && row.stage === 'fleet')).toEqual([]);
    await fleet.ready();
  });

  it('goes on after Redis restarts empty in the middle of a run', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'restart-')), evaluator: slowEvaluator(300) });
    const db = join(temp, 'restart.db');
    const events = new Emitter<RunEvents>();
    let recorded = 0;
    let restarted: Promise<void> | undefined;
    events.on('candidate-recorded', () => {
      if (++recorded === 5) {
        restarted = (async () => {
          await fleet.redis.stop();
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await fleet.redis.start();
        })();
      }
    });
    const result = await evolve(dir, {
      db,
      evaluators: fleetEvaluators(fleet.url),
      seed: 4,
      concurrency: 2,
      budget: { evaluations: 16 },
      events,
    });
    await restarted;
    expect(restarted).toBeDefined();
    const rows = candidates(db, result.runId);
    expectExactly(rows, 16);
    expect(rows.filter((row) => row.stage === 'fleet')).toEqual([]);
    // Whether the restart caught a job in flight (then the controller queues it again and says
    // "was lost by Redis") depends on timing; what must hold is the exact set of candidates above.
    await fleet.ready();
  });

  it('resumes a run whose controller was killed with -9, with no candidate lost or doubled', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'controller-')), evaluator: slowEvaluator(500) });
    const db = join(temp, 'controller.db');
    const controller = spawn(
      process.execPath,
      ['bin/ouro.js', 'run', dir, '--fleet', fleet.url, '--db', db, '--seed', '5', '--concurrency', '2', '--budget', '10', '--json'],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => controller.once('exit', resolve));
    let runId: string | undefined;
    const deadline = Date.now() + 40_000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(Date.now()).toBeLessThan(deadline);
      try {
        const database = new Database(db, { readonly: true });
        try {
          const row = database.prepare('SELECT run_id AS runId, COUNT(*) AS count FROM candidates GROUP BY run_id').get() as
            | { runId: string; count: number }
            | undefined;
          if (row && row.count >= 4) {
            runId = row.runId;
            break;
          }
        } finally {
          database.close();
        }
      } catch {
        // The database does not exist yet.
      }
    }
    controller.kill('SIGKILL');
    await exited;
    const before = candidates(db, runId).length;
    expect(before).toBeLessThan(10);
    const result = await resume(runId, { db, evaluators: fleetEvaluators(fleet.url) });
    expect(result.evaluations).toBe(10);
    const rows = candidates(db, runId);
    expectExactly(rows, 10);
    expect(rows.filter((row) => row.stage === 'fleet')).toEqual([]);
  });
});
