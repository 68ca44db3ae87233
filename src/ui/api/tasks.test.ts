// The task-generation API on a real SQLite file filled through the tasks store: the runs list, a
// run's outcomes by reason, pass-rate histogram with its band, curriculum weights, kept tasks,
// rejections and episodes, a live run's status, an unknown run, and a database without task runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import { openDashboardQueries } from '../../store/open.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { dashboardBackends } from '../../store/queries-testing.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { openTasks } from '../../tasks/open.ts';
import type { TasksStore } from '../../tasks/store.ts';
import { REJECT_REASONS } from '../../tasks/types.ts';
import type { TasksRunDetail, TasksRunRow } from '../api-types.ts';
import { apiRoutes } from './routes.ts';
import { writeSampleRun } from './sample-run.ts';
import { SAMPLE_CATEGORIES, writeSampleTasksRun } from './sample-tasks-run.ts';
import { RECENT_REJECTIONS } from './tasks.ts';

function taskTableNames(db: string): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'tasks%'").pluck().all() as string[];
  } finally {
    raw.close();
  }
}

describe('the task-generation API on a real SQLite file', () => {
  let db: string;
  let evolution: SqliteStore;
  let queries: DashboardQueries;
  let app: Hono;
  let writer: { store: Store; tasks: TasksStore } | undefined;

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as T };
  }

  beforeAll(() => {
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-tasks-api-')), 'ouro.db');
    evolution = new SqliteStore(db);
    writeSampleRun(evolution);
    // The dashboard opens the file before any task run has created its tables.
    queries = openDashboardQueries(db);
    app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'test.db' }));
  });

  afterAll(() => {
    writer?.store.close();
    queries?.close();
    evolution?.close();
  });

  it('answers an empty list for a database that never held a task run, and creates no table', async () => {
    expect(await get('/api/tasks')).toEqual({ status: 200, body: [] });
    expect(await get('/api/tasks/t1')).toEqual({ status: 404, body: { error: 'no task run t1 in test.db' } });
    expect(taskTableNames(db)).toEqual([]);
  });

  it('lists a run written after the dashboard opened the file, with its proposals, kept and rejected', async () => {
    writer = openTasks(db);
    writeSampleTasksRun(writer.tasks, 'tsample', 1_000);
    const { status, body } = await get<TasksRunRow[]>('/api/tasks');
    expect(status).toBe(200);
    expect(body).toEqual([
      { id: 'tsample', kind: 'generate', status: 'crashed-or-running', proposals: 10, kept: 5, rejected: 5, createdAt: 1_000 },
    ]);
  });

  it('counts the rejections under every reason the validator knows, in its order', async () => {
    const { status, body } = await get<TasksRunDetail>('/api/tasks/tsample');
    expect(status).toBe(200);
    expect(body.run).toMatchObject({ id: 'tsample', proposals: 10, kept: 5, rejected: 5 });
    expect(body.rejectedByReason.map((entry) => entry.reason)).toEqual([...REJECT_REASONS]);
    const nonzero = Object.fromEntries(
      body.rejectedByReason.filter((entry) => entry.count > 0).map((entry) => [entry.reason, entry.count]),
    );
    expect(nonzero).toEqual({ duplicate: 2, unparseable: 1, 'reference-fails': 1, 'too-easy': 1 });
  });

  it('bins the pass rates of the attempted kept tasks in tenths, with the band of the run settings', async () => {
    const { passRates } = (await get<TasksRunDetail>('/api/tasks/tsample')).body;
    expect(passRates.band).toEqual({ low: 0.2, high: 0.8 });
    expect(passRates.tasks).toBe(4);
    expect(passRates.bins).toHaveLength(10);
    expect(passRates.bins[3]).toEqual({ from: 0.3, to: 0.4, tasks: 1 });
    // 0/4 in the first bin, 2/3 in [0.6, 0.7) (not rounded up), 10/10 in the last; nothing else.
    expect(passRates.bins.map((bin) => bin.tasks)).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(passRates.bins.at(-1)).toEqual({ from: 0.9, to: 1, tasks: 1 });
  });

  it('gives each kept task its attempts over every solver model and its pass rate', async () => {
    const { kept } = (await get<TasksRunDetail>('/api/tasks/tsample')).body;
    expect(kept.map((row) => [row.seq, row.id, row.category, row.attempts, row.passed, row.passRate])).toEqual([
      [0, 'task-0', SAMPLE_CATEGORIES.arithmetic, 10, 3, 0.3],
      [2, 'task-2', SAMPLE_CATEGORIES.strings, 10, 10, 1],
      [3, 'task-3', SAMPLE_CATEGORIES.arithmetic, 4, 0, 0],
      [5, 'task-5', SAMPLE_CATEGORIES.lists, 3, 2, 2 / 3],
      [7, 'task-7', SAMPLE_CATEGORIES.strings, 0, 0, null],
    ]);
    expect(kept[0]?.title).toBe('Sum of squares');
  });

  it('gives the curriculum weights per step and per category, null before an arm was weighed', async () => {
    const { curriculum } = (await get<TasksRunDetail>('/api/tasks/tsample')).body;
    expect(curriculum.steps).toEqual([0, 1, 2, 3]);
    expect(curriculum.picked).toEqual([
      SAMPLE_CATEGORIES.arithmetic,
      SAMPLE_CATEGORIES.arithmetic,
      SAMPLE_CATEGORIES.strings,
      SAMPLE_CATEGORIES.lists,
    ]);
    expect(curriculum.rewards).toEqual([0.7, null, 0, 0.67]);
    expect(curriculum.categories).toEqual([
      { category: SAMPLE_CATEGORIES.strings, weights: [0.5, 0.4, 0.45, 0.3] },
      { category: SAMPLE_CATEGORIES.arithmetic, weights: [0.5, 0.6, 0.55, 0.4] },
      { category: SAMPLE_CATEGORIES.lists, weights: [null, null, null, 0.3] },
    ]);
  });

  it('lists the rejections newest first with their reason and detail, and no episodes for a generate run', async () => {
    const { rejections, episodes } = (await get<TasksRunDetail>('/api/tasks/tsample')).body;
    expect(rejections.map((row) => [row.seq, row.reason, row.category])).toEqual([
      [9, 'too-easy', SAMPLE_CATEGORIES.arithmetic],
      [8, 'duplicate', SAMPLE_CATEGORIES.strings],
      [6, 'reference-fails', SAMPLE_CATEGORIES.strings],
      [4, 'unparseable', SAMPLE_CATEGORIES.lists],
      [1, 'duplicate', SAMPLE_CATEGORIES.arithmetic],
    ]);
    expect(rejections[2]?.detail).toBe('reference fails test "empty string": got undefined');
    expect(rejections[0]?.createdAt).toBe(1_009);
    expect(episodes).toEqual([]);
  });

  it('follows a live run: new proposals, attempts and steps show on the next read, and the finish', async () => {
    const tasks = writer!.tasks;
    tasks.recordAttempt('tsample', { taskId: 'task-7', model: 'solver-a', index: 0, passed: true, detail: 'ok', tokens: 1, costUsd: 0 });
    tasks.recordAttempt('tsample', { taskId: 'task-7', model: 'solver-a', index: 1, passed: false, detail: 'no', tokens: 1, costUsd: 0 });
    tasks.recordCurriculum('tsample', {
      step: 4,
      snapshot: {},
      weights: { [SAMPLE_CATEGORIES.lists]: 1 },
      category: SAMPLE_CATEGORIES.lists,
    });
    const live = (await get<TasksRunDetail>('/api/tasks/tsample')).body;
    expect(live.kept.at(-1)).toMatchObject({ seq: 7, attempts: 2, passed: 1, passRate: 0.5 });
    expect(live.passRates.bins[5]?.tasks).toBe(1);
    expect(live.passRates.tasks).toBe(5);
    expect(live.curriculum.steps).toEqual([0, 1, 2, 3, 4]);
    expect(live.curriculum.categories.map((series) => series.weights[4])).toEqual([null, null, 1]);
    expect(live.run.status).toBe('crashed-or-running');
    tasks.appendEvent('tsample', 'finished');
    expect((await get<TasksRunDetail>('/api/tasks/tsample')).body.run.status).toBe('finished');
    expect((await get<TasksRunRow[]>('/api/tasks')).body[0]?.status).toBe('finished');
  });

  it('counts self-play episodes by game, most played first, with no band when the settings have none', async () => {
    const tasks = writer!.tasks;
    tasks.createRun({ id: 'tplay', kind: 'selfplay', settings: { bounds: { low: 0.9, high: 0.1 } }, createdAt: 2_000 });
    const games = ['nim', 'tictactoe', 'tictactoe', 'connect-four', 'tictactoe', 'nim'];
    games.forEach((game, seq) => tasks.recordEpisode('tplay', { seq, game, data: { winner: seq % 2 }, createdAt: 2_000 + seq }));
    const { body } = await get<TasksRunDetail>('/api/tasks/tplay');
    expect(body.run).toEqual({
      id: 'tplay',
      kind: 'selfplay',
      status: 'crashed-or-running',
      proposals: 0,
      kept: 0,
      rejected: 0,
      createdAt: 2_000,
    });
    expect(body.episodes).toEqual([
      { game: 'tictactoe', count: 3 },
      { game: 'nim', count: 2 },
      { game: 'connect-four', count: 1 },
    ]);
    // Bounds the wrong way round are no band at all.
    expect(body.passRates).toMatchObject({ tasks: 0, band: null });
    expect(body.curriculum).toEqual({ steps: [], picked: [], rewards: [], categories: [] });
    expect((await get<TasksRunRow[]>('/api/tasks')).body.map((run) => run.id)).toEqual(['tsample', 'tplay']);
  });

  it(`lists only the latest ${RECENT_REJECTIONS} rejections while the counts cover them all`, async () => {
    const tasks = writer!.tasks;
    tasks.createRun({ id: 'tmany', kind: 'generate', settings: {}, createdAt: 3_000 });
    const total = RECENT_REJECTIONS + 20;
    for (let seq = 0; seq < total; seq++) {
      const validation = { kept: false, reason: 'near-duplicate' as const, detail: `like proposal ${seq - 1}`, checks: [] };
      tasks.recordTask('tmany', seq, { category: { generator: 'math', difficulty: 'hard', topic: 'primes' }, reply: 'x', validation });
    }
    const { body } = await get<TasksRunDetail>('/api/tasks/tmany');
    expect(body.run).toMatchObject({ proposals: total, kept: 0, rejected: total });
    expect(body.rejectedByReason.find((entry) => entry.reason === 'near-duplicate')?.count).toBe(total);
    expect(body.rejections).toHaveLength(RECENT_REJECTIONS);
    expect(body.rejections[0]?.seq).toBe(total - 1);
    expect(body.rejections.at(-1)?.seq).toBe(total - RECENT_REJECTIONS);
  });

  it('names the task run it cannot find, now that the tables exist, and never writes through the dashboard', async () => {
    expect(await get('/api/tasks/t00000000')).toEqual({ status: 404, body: { error: 'no task run t00000000 in test.db' } });
    const connection = queries.sqliteConnection();
    expect(() => connection?.prepare("INSERT INTO tasks_events (run_id, kind, at) VALUES ('tsample', 'x', 1)").run()).toThrow(/readonly/i);
  });
});

// Task runs live in SQLite files only: a PostgreSQL database answers no task run, not an error.
const postgres = (await dashboardBackends()).find((backend) => backend.name === 'PostgreSQL');
const postgresService = await requireService('PostgreSQL', postgres!.probe);
describe.skipIf(postgresService.missing)(postgresService.title('the task-generation API on PostgreSQL'), () => {
  it('answers no task runs', async () => {
    const url = await postgres!.createDatabase();
    const store = postgres!.openWriter(url);
    writeSampleRun(store);
    const queries = postgres!.openQueries(url);
    try {
      const app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'postgres' }));
      const list = await app.request('/api/tasks');
      expect([list.status, await list.json()]).toEqual([200, []]);
      const one = await app.request('/api/tasks/t1');
      expect([one.status, await one.json()]).toEqual([404, { error: 'no task run t1 in postgres' }]);
    } finally {
      queries.close();
      store.close();
      await postgres!.dispose();
    }
  });
});
