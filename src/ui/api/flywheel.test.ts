// The flywheel API on a real SQLite database filled by real flywheel runs on the fine-tuning
// SIMULATION (no real model, no real training): the runs list, a run's rounds, figures, exports
// and jobs, a run whose job failed, a live run's progress, and a database with no flywheel run.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import { openFlywheel } from '../../flywheel/run.ts';
import type { StoredFigures } from '../../flywheel/round.ts';
import { openDashboardQueries } from '../../store/open.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { dashboardBackends } from '../../store/queries-testing.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import type { FlywheelRunDetail, FlywheelRunRow } from '../api-types.ts';
import { runSimulatedFlywheel } from '../../testing/flywheel-sample.ts';
import { apiRoutes } from './routes.ts';
import { writeSampleRun } from './sample-run.ts';

function flywheelTableNames(db: string): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'flywheel%'").pluck().all() as string[];
  } finally {
    raw.close();
  }
}

describe('the flywheel API on runs of the SIMULATED fine-tuning service', () => {
  let db: string;
  let evolution: SqliteStore;
  let queries: DashboardQueries;
  let app: Hono;

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as T };
  }

  beforeAll(() => {
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-flywheel-api-')), 'ouro.db');
    evolution = new SqliteStore(db);
    writeSampleRun(evolution);
    // The dashboard opens the file before any flywheel run has created its tables.
    queries = openDashboardQueries(db);
    app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'test.db' }));
  });

  afterAll(() => {
    queries?.close();
    evolution?.close();
  });

  it('answers an empty list for a database that never held a flywheel run, and creates no table', async () => {
    expect(await get('/api/flywheel')).toEqual({ status: 200, body: [] });
    expect(await get('/api/flywheel/f1')).toEqual({ status: 404, body: { error: 'no flywheel run f1 in test.db' } });
    expect(flywheelTableNames(db)).toEqual([]);
  });

  it('gives a finished run: settings, one row per round with figures, flags, exports and the last job of each', async () => {
    const { runId } = await runSimulatedFlywheel({ db, rounds: 3, collapse: true });
    const list = await get<FlywheelRunRow[]>('/api/flywheel');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ id: runId, status: 'finished', rounds: 3, createdAt: expect.any(Number) }]);
    const { status, body } = await get<FlywheelRunDetail>(`/api/flywheel/${runId}`);
    expect(status).toBe(200);
    expect(body.run).toEqual(list.body[0]);
    expect(body.progress).toBeNull();
    expect(body.settings).toMatchObject({
      source: expect.stringMatching(/^jsonl:.*tasks\.jsonl$/),
      model: expect.stringMatching(/^compat:http:\/\/127\.0\.0\.1:\d+\/v1#sim-base$/),
      judge: null,
      method: 'star',
      pairs: ['dpo'],
      rounds: 3,
      k: 4,
      temperature: 0.8,
      adapt: false,
      heldOut: 10,
      tasksPerRound: null,
      guard: { mode: 'flag', maxHeldOutDrop: 0.05, minDiversity: 0.3 },
      trainer: expect.stringMatching(/^openai:http:\/\/127\.0\.0\.1:\d+\/v1$/),
      replayOf: null,
    });

    // Each figure is the one the flywheel stored for that round, read back through its own store.
    const { store, flywheel } = openFlywheel(db, true);
    const stored = flywheel.rounds(runId);
    store.close();
    expect(body.rounds.map((round) => [round.round, round.status])).toEqual([
      [0, 'complete'],
      [1, 'flagged'],
      [2, 'flagged'],
    ]);
    body.rounds.forEach((round, index) => {
      const saved = stored[index]?.figures as unknown as StoredFigures;
      expect(round.figures).toMatchObject({
        passAt1: saved.passAt1,
        passAtK: saved.passAtK,
        heldOutAccuracy: saved.heldOutAccuracy,
        heldOutTasks: 10,
        answerDiversity: saved.answerDiversity,
        distinctCorrect: saved.distinctCorrectAnswers,
        selectedAccuracy: saved.selectedAccuracy,
        balance: saved.balance,
        kept: saved.kept,
        keptByOrigin: saved.keptByOrigin,
        pairs: saved.pairs,
        human: 0,
        tokens: saved.tokens,
        costUsd: saved.costUsd,
        temperature: 0.8,
        adaptation: null,
        k: 4,
        tasks: 30,
        samples: 120,
      });
      expect(round.figures.tokens).toBeGreaterThan(0);
    });
    // The guard's verdict: the diversity of the collapsed rounds is under the 0.3 floor.
    expect(body.rounds[0]?.message).toBeNull();
    for (const flagged of body.rounds.slice(1)) {
      expect(flagged.message).toMatch(/diversity .* below the floor of 0\.30/);
      expect(flagged.figures.answerDiversity).toBeLessThan(0.3);
    }

    // Exports: rows and hashes of the files as written.
    for (const round of body.rounds) {
      expect(round.exports.map((written) => written.kind)).toContain('sft');
      for (const written of round.exports) {
        const text = readFileSync(written.file, 'utf8');
        expect(written.sha256).toBe(createHash('sha256').update(text).digest('hex'));
        expect(written.rows).toBe(text.trim().split('\n').length);
      }
    }
    const sft = body.rounds.map((round) => round.exports.find((written) => written.kind === 'sft')?.rows);
    expect(sft).toEqual(body.rounds.map((round) => round.figures.kept));

    // Each round's last job succeeded, and its model is the one the next round sampled.
    expect(body.rounds.map((round) => round.job?.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(body.rounds[0]?.model).toBe(body.settings.model);
    expect(body.rounds[1]?.model).toBe(body.rounds[0]?.job?.model);
    expect(body.rounds[2]?.model).toBe(body.rounds[1]?.job?.model);
    expect(body.rounds.every((round) => round.job?.trainer === 'openai' && round.job.error === null)).toBe(true);
  }, 60_000);

  it("shows a failed training job with the service's error, on a run that stopped there", async () => {
    const { runId, error } = await runSimulatedFlywheel({ db, rounds: 2, failJobWith: 'quota exceeded' });
    expect(error?.message).toMatch(/quota exceeded/);
    const { body } = await get<FlywheelRunDetail>(`/api/flywheel/${runId}`);
    expect(body.run).toMatchObject({ status: 'stopped', rounds: 1 });
    expect(body.rounds).toHaveLength(1);
    expect(body.rounds[0]?.job).toMatchObject({ status: 'failed', model: null, error: expect.stringContaining('quota exceeded') });
    expect(body.progress).toBeNull();
    expect((await get<FlywheelRunRow[]>('/api/flywheel')).body.map((run) => run.id)).toContain(runId);
  }, 60_000);

  it("follows a live run's progress: the round being sampled, then its training job in flight", async () => {
    const source = (await get<FlywheelRunRow[]>('/api/flywheel')).body[0] as FlywheelRunRow;
    const { store, flywheel } = openFlywheel(db);
    try {
      // A new run with the first run's settings and first round, written as the loop writes them.
      const first = flywheel.getRun(source.id);
      const [round] = flywheel.rounds(source.id);
      flywheel.createRun({ id: 'flive', settings: first?.settings ?? {}, createdAt: Date.now() });
      const progress = async () => (await get<FlywheelRunDetail>('/api/flywheel/flive')).body;
      expect((await progress()).progress).toEqual({ round: 0, phase: 'sampling', job: null });
      flywheel.recordRound('flive', { ...(round as NonNullable<typeof round>), createdAt: Date.now() });
      flywheel.recordJob('flive', { round: 0, trainer: 'openai', id: 'job-0', status: 'running', at: Date.now() });
      expect(await progress()).toMatchObject({
        run: { status: 'crashed-or-running', rounds: 1 },
        progress: { round: 0, phase: 'training', job: 'running' },
      });
      flywheel.recordJob('flive', { round: 0, trainer: 'openai', id: 'job-0', status: 'succeeded', model: 'm1', at: Date.now() });
      const after = await progress();
      expect(after.progress).toEqual({ round: 1, phase: 'sampling', job: null });
      expect(after.rounds[0]?.job).toMatchObject({ id: 'job-0', status: 'succeeded', model: 'm1' });
      flywheel.appendEvent('flive', 'finished');
      expect(await progress()).toMatchObject({ run: { status: 'finished' }, progress: null });
    } finally {
      store.close();
    }
  });

  it('names the flywheel run it cannot find, now that the tables exist', async () => {
    expect(await get('/api/flywheel/f00000000')).toEqual({ status: 404, body: { error: 'no flywheel run f00000000 in test.db' } });
  });
});

// The flywheel keeps its runs in SQLite files only: a PostgreSQL database answers no flywheel run, not an error.
const postgres = (await dashboardBackends()).find((backend) => backend.name === 'PostgreSQL');
const postgresService = await requireService('PostgreSQL', postgres!.probe);
describe.skipIf(postgresService.missing)(postgresService.title('the flywheel API on PostgreSQL'), () => {
  it('answers no flywheel runs', async () => {
    const url = await postgres!.createDatabase();
    const writer = postgres!.openWriter(url);
    writeSampleRun(writer);
    const queries = postgres!.openQueries(url);
    try {
      const app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'postgres' }));
      const list = await app.request('/api/flywheel');
      expect([list.status, await list.json()]).toEqual([200, []]);
      const one = await app.request('/api/flywheel/f1');
      expect([one.status, await one.json()]).toEqual([404, { error: 'no flywheel run f1 in postgres' }]);
    } finally {
      queries.close();
      writer.close();
      await postgres!.dispose();
    }
  });
});
