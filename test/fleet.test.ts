// The fleet against a real redis-server and real worker processes: the normal path and bad input.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve } from '../src/engine/evolve.ts';
import { collectBundle } from '../src/fleet/bundle.ts';
import { bullConnection, EVALUATE_QUEUE, PREFIX } from '../src/fleet/connection.ts';
import { FleetEvaluator } from '../src/fleet/evaluator.ts';
import { spawnWorker, startLocalFleet, type LocalFleet } from '../src/fleet/local-fleet.ts';
import { fleetStatus } from '../src/fleet/status.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { fleetEvaluators } from '../src/fleet/evaluator.ts';
import { probes, requireService } from './support/services.ts';

const redis = await requireService('redis-server', probes.redis);
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);
const pythonMissing = bubblewrap.missing || numpy.missing;
const pythonTitle = (name: string) => numpy.title(bubblewrap.title(name));

/** Seq, status and error of every candidate of a run, by seq. */
function candidates(db: string, runId: string): { seq: number; status: string; stage: string; error: string | null }[] {
  const database = new Database(db, { readonly: true });
  try {
    return database
      .prepare(
        'SELECT c.seq AS seq, e.status AS status, e.stage AS stage, e.error AS error FROM candidates c JOIN evaluations e ON ' +
          'e.candidate_id = c.id WHERE c.run_id = ? ORDER BY c.seq',
      )
      .all(runId) as { seq: number; status: string; stage: string; error: string | null }[];
  } finally {
    database.close();
  }
}

/** Worker lines arrive through a pipe, after the controller may already hold the result. */
async function settled<T>(read: () => T, wanted: (value: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  while (!wanted(read()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return read();
}

describe.skipIf(redis.missing)(redis.title('fleet'), () => {
  let fleet: LocalFleet;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-fleet-'));

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 2, cacheDir: join(temp, 'cache') });
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('runs a budget on two workers: every seq once, each evaluated on a worker', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'run-')) });
    const db = join(temp, 'happy.db');
    const result = await evolve(dir, { db, evaluators: fleetEvaluators(fleet.url), seed: 1, concurrency: 2, budget: { evaluations: 12 } });
    expect(result.evaluations).toBe(12);
    const rows = candidates(db, result.runId);
    expect(rows.map((row) => row.seq)).toEqual([...Array(12).keys()]);
    // Mutants may fail their evaluation; none may fail for the fleet's sake.
    expect(rows.filter((row) => row.stage === 'fleet')).toEqual([]);
    expect(rows[0]?.status).toBe('ok');
    const done = await settled(
      () => fleet.lines.filter((line) => line.includes(`done ${result.runId}-`)),
      (lines) => lines.length >= 12,
    );
    expect(done).toHaveLength(12);

    const status = await fleetStatus(fleet.url);
    expect(status.workers).toHaveLength(2);
    expect(status.workers.every((worker) => worker.heartbeatAgeMs < 10_000)).toBe(true);
    expect(status.queues[0]?.counts.completed).toBeGreaterThanOrEqual(12);
  });

  it('runs a job once however often it is asked for, and a second controller reads its stored result', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'idem-')) });
    const genome = { 'solve.js': 'export function solve() { return [3, -2, 0.25]; }\n' };
    const poolOptions = {
      evaluatorFile: join(dir, 'evaluate.js'),
      experimentDir: dir,
      options: {},
      concurrency: 1,
      timeoutMs: 5000,
      memoryMb: 128,
    };
    const first = await FleetEvaluator.start({ ...poolOptions, url: fleet.url });
    const [a, b] = await Promise.all([first.evaluate('ridem-7', genome), first.evaluate('ridem-7', genome)]);
    await first.close();
    expect(a).toBe(b);
    expect(a.status).toBe('ok');
    const second = await FleetEvaluator.start({ ...poolOptions, url: fleet.url });
    const again = await second.evaluate('ridem-7', genome);
    // Another genome for the same seq (a resumed controller proposing differently) is a new job.
    const other = await second.evaluate('ridem-7', { 'solve.js': 'export function solve() { return [3, -2, 0.5]; }\n' });
    await second.close();
    expect(again).toEqual(a);
    expect(other.score).toBeCloseTo(0);
    expect(
      await settled(
        () => fleet.lines.filter((line) => line.includes('done ridem-7 ')),
        (lines) => lines.length >= 2,
      ),
    ).toHaveLength(2);
  });

  it('carries private metrics back from a worker, which moves the experiment-named ones out of metrics itself', async () => {
    const dir = writeTinyExperiment({
      parent: mkdtempSync(join(temp, 'private-')),
      evaluator: 'export default async () => ({ score: 1, metrics: { size: 2, holdout: 0.5 }, privateMetrics: { probe: 7 } });\n',
    });
    const genome = { 'solve.js': 'export function solve() { return [1, 2, 3]; }\n' };
    const evaluator = await FleetEvaluator.start({
      evaluatorFile: join(dir, 'evaluate.js'),
      experimentDir: dir,
      options: {},
      concurrency: 1,
      timeoutMs: 5000,
      memoryMb: 128,
      privateMetrics: ['holdout'],
      url: fleet.url,
    });
    const evaluation = await evaluator.evaluate('rprivate-1', genome);
    await evaluator.close();
    expect([evaluation.status, evaluation.metrics, evaluation.privateMetrics]).toEqual(['ok', { size: 2 }, { probe: 7, holdout: 0.5 }]);
    // What the worker itself returned, before the controller's own check.
    const queue = new Queue(EVALUATE_QUEUE, { connection: bullConnection(fleet.url), prefix: PREFIX });
    try {
      const [job] = (await queue.getJobs(['completed'])).filter((found) => found.data.candidateId === 'rprivate-1');
      expect(job?.data.privateMetrics).toEqual(['holdout']);
      const returned = typeof job?.returnvalue === 'string' ? JSON.parse(job.returnvalue) : job?.returnvalue;
      expect([returned.metrics, returned.privateMetrics]).toEqual([{ size: 2 }, { probe: 7, holdout: 0.5 }]);
    } finally {
      await queue.close();
    }
  });

  it.skipIf(pythonMissing)(
    pythonTitle("runs a Python evaluator on a worker, with its protocol, cascade and the worker's own interpreter"),
    async () => {
      const dir = mkdtempSync(join(temp, 'python-'));
      const evaluator = [
        'import numpy as np',
        'def evaluate_stage1(program_path):',
        '    return {"combined_score": 1.0 if "values" in open(program_path).read() else 0.0}',
        'import importlib.util',
        'def evaluate_stage2(program_path):',
        '    spec = importlib.util.spec_from_file_location("program", program_path)',
        '    program = importlib.util.module_from_spec(spec)',
        '    spec.loader.exec_module(program)',
        '    return {"combined_score": float(np.sum(program.values)), "count": len(program.values)}',
      ].join('\n');
      writeFileSync(join(dir, 'evaluator.py'), `${evaluator}\n`);
      const started = await FleetEvaluator.start({
        evaluatorFile: join(dir, 'evaluator.py'),
        experimentDir: dir,
        options: {},
        concurrency: 1,
        timeoutMs: 10_000,
        memoryMb: 256,
        python: { protocol: 'openevolve', cascadeThresholds: [0.5], interpreter: '/controller/only/python' },
        url: fleet.url,
      });
      const scored = await started.evaluate('rpython-1', { 'program.py': 'values = [1.5, 2.0]\n' });
      const stopped = await started.evaluate('rpython-2', { 'program.py': 'nothing = 0\n' });
      await started.close();
      expect(scored).toMatchObject({ status: 'ok', score: 3.5, stage: 'stage2', metrics: { count: 2 } });
      expect(stopped).toMatchObject({ status: 'ok', score: 0, stage: 'stage1' });
    },
  );

  it('says within seconds that a Redis URL does not answer', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'unreachable-')) });
    const started = Date.now();
    const error = await evolve(dir, {
      db: join(temp, 'unreachable.db'),
      evaluators: fleetEvaluators('redis://127.0.0.1:1'),
      budget: { evaluations: 3 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).code).toBe('fleet-unreachable');
    expect((error as OuroError).message).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5000);
    const notUrl = await FleetEvaluator.start({
      evaluatorFile: join(dir, 'evaluate.js'),
      experimentDir: dir,
      options: {},
      concurrency: 1,
      timeoutMs: 1000,
      memoryMb: 64,
      url: 'http://example.com',
    }).catch((caught: unknown) => caught);
    expect((notUrl as OuroError).code).toBe('fleet-unreachable');
  });

  it('refuses a job payload that fails validation, with the reason', async () => {
    const queue = new Queue(EVALUATE_QUEUE, { connection: bullConnection(fleet.url), prefix: PREFIX });
    try {
      const job = await queue.add('evaluate', { version: '0.1.0', bundle: 'not-a-hash', candidateId: 'x-1' }, { jobId: 'bad-payload-1' });
      const deadline = Date.now() + 15_000;
      while ((await job.getState()) !== 'failed' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const failed = await queue.getJob('bad-payload-1');
      expect(failed?.failedReason).toMatch(/^invalid evaluate job: .*bundle/s);
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it('caps an experiment bundle with a clear error', async () => {
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'big-')) });
    writeFileSync(join(dir, 'data.bin'), Buffer.alloc(4096));
    const error = await collectBundle(dir, 2048).catch((caught: unknown) => caught);
    expect((error as OuroError).code).toBe('fleet-bundle');
    expect((error as OuroError).message).toMatch(/data\.bin/);
  });

  it('a worker on another Ouroboros version refuses the jobs, says so and stands down, and the run goes on without it', async () => {
    // Database 1 of the same server: a fleet of its own, with the mismatched worker alone at first.
    const url = `${fleet.url}/1`;
    const cacheDir = join(temp, 'cache');
    const stranger = spawnWorker(url, { cacheDir, env: { OURO_VERSION_OVERRIDE: '9.9.9' } });
    const notices: string[] = [];
    const events = new Emitter<RunEvents>();
    events.on('notice', ({ message }) => notices.push(message));
    let matching: ReturnType<typeof spawnWorker> | undefined;
    try {
      await stranger.ready;
      const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'version-')) });
      const run = evolve(dir, { db: join(temp, 'version.db'), evaluators: fleetEvaluators(url), budget: { evaluations: 3 }, events });
      const refused = await settled(
        () => stranger.output.filter((line) => line.includes('refusing jobs')),
        (lines) => lines.length > 0,
        15_000,
      );
      expect(refused[0]).toMatch(/worker \S+ runs Ouroboros 9\.9\.9, the controller 0\.1\.0; this worker takes no more jobs/);
      matching = spawnWorker(url, { cacheDir });
      const result = await run;
      expect(result.evaluations).toBe(3);
      expect(notices.some((notice) => /runs Ouroboros 9\.9\.9, this controller 0\.1\.0/.test(notice))).toBe(true);
      // Every evaluation ran on the matching worker.
      expect(stranger.output.filter((line) => line.includes(' done '))).toEqual([]);
      const worker = matching;
      expect(
        await settled(
          () => worker.output.filter((line) => line.includes(' done ')).length,
          (count) => count >= 3,
        ),
      ).toBe(3);
      // The stranger is still there, standing down rather than gone.
      const { exitCode, signalCode } = stranger.child;
      expect({ exitCode, signalCode }, stranger.output.join('\n')).toEqual({ exitCode: null, signalCode: null });
      // A heartbeat lives 15 s and is renewed every 2 s, so one read can catch a worker starved of
      // CPU before its renewal (an older beat without the reason, or none left): wait for the beat.
      let refusing: string | undefined;
      for (const deadline = Date.now() + 30_000; refusing === undefined && Date.now() < deadline; ) {
        refusing = (await fleetStatus(url)).workers.find((worker) => worker.version === '9.9.9')?.refusing;
        if (refusing === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(refusing).toMatch(/restart it on 0\.1\.0/);
    } finally {
      for (const worker of [stranger, matching]) {
        if (!worker) continue;
        worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }
  });

  it('refuses an unknown role, naming the roles there are', async () => {
    const child = spawn(process.execPath, ['bin/ouro.js', 'worker', '--fleet', fleet.url, '--roles', 'evaluate,judge'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--roles: unknown role "judge"; the roles are evaluate, propose/);
  });
});
