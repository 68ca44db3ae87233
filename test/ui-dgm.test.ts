import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_VIOLATIONS, writeSampleDgmRun } from '../src/agents/dgm/queries-testing.ts';
import { dashboardBackends } from '../src/store/queries-testing.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { writeSampleRun } from '../src/ui/api/sample-run.ts';
import type { DgmAgentDetail, DgmArchive, DgmRunRow, RunRow } from '../src/ui/api-types.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { requireService } from './support/services.ts';

async function getFrom<T>(server: UiServer, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, server.url));
  return { status: response.status, body: (await response.json()) as T };
}

function tableNames(db: string): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'dgm%' ORDER BY name").pluck().all() as string[];
  } finally {
    raw.close();
  }
}

describe('the dashboard API on DGM runs in SQLite', () => {
  let folder: string;
  let db: string;
  let store: SqliteStore;
  let server: UiServer;
  const get = <T>(path: string) => getFrom<T>(server, path);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ouro-ui-dgm-'));
    db = join(folder, 'ouro.db');
    store = new SqliteStore(db);
    writeSampleRun(store);
    // The dashboard opens the file before the engine has created the DGM tables.
    server = await startUiServer({ db, port: 0, webRoot: join(folder, 'no-web-build') });
  });

  afterAll(async () => {
    await server?.close();
    store?.close();
  });

  it('answers no DGM runs for a file without the DGM tables, and does not create them', async () => {
    expect(await get('/api/dgm')).toEqual({ status: 200, body: [] });
    expect(await get('/api/dgm/d1')).toEqual({ status: 404, body: { error: `no DGM run d1 in ${db}` } });
    expect(tableNames(db)).toEqual([]);
  });

  it('lists a DGM run written by the store after the dashboard started, next to the evolution runs', async () => {
    writeSampleDgmRun(store, 'd1', 5000);
    const { status, body } = await get<DgmRunRow[]>('/api/dgm');
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        id: 'd1',
        bench: 'benchmarks/coding',
        status: 'crashed-or-running',
        agents: 4,
        kept: 3,
        bestScore: 0.75,
        tokens: 1200 + 300 + 2500 + 2000 + 200 + 1800 + 900 + 100 + 700,
        costUsd: expect.closeTo(0.097, 9),
        wallMs: 4000 + 900 + 7000 + 6000 + 500 + 5000 + 3000 + 400 + 2000,
        flagged: 1,
        createdAt: 5000,
      },
    ]);
    expect((await get<RunRow[]>('/api/runs')).body.map((run) => run.id)).toEqual(['r1']);
  });

  it('gives the archive: every agent with parent, outcome, scores and tasks per set, spend, and the escaping agent flagged', async () => {
    const { status, body } = await get<DgmArchive>('/api/dgm/d1');
    expect(status).toBe(200);
    expect(body.run.id).toBe('d1');
    expect(body.settings).toEqual({
      model: 'compat:scripted',
      seed: 1,
      lambda: 10,
      thresholds: { medium: 0.4, full: 'beats-runner-up' },
      repeats: 1,
      budget: { children: 3 },
    });
    expect(body.agents.map((agent) => [agent.id, agent.seq, agent.parentId, agent.kept, agent.discardReason])).toEqual([
      ['d1-0', 0, null, true, null],
      ['d1-1', 1, 'd1-0', true, null],
      ['d1-2', 2, 'd1-0', true, null],
      ['d1-3', 3, 'd1-1', false, 'empty change: the self-modification left the agent as it was'],
    ]);
    const [, improved, escaped, discarded] = body.agents;
    expect(improved).toMatchObject({
      score: 0.75,
      scores: { small: 1, medium: 0.75 },
      tasks: { small: { resolved: 2, total: 2 }, medium: { resolved: 1, total: 2 } },
      tokens: 4800,
      wallMs: 13_900,
      flags: [],
      violations: [],
    });
    expect(improved?.costUsd).toBeCloseTo(0.048, 9);
    expect(improved?.diagnosis?.kind).toBe('unresolved-task');
    expect(improved?.diagnosis?.problem).toHaveLength(240);
    expect(improved?.diagnosis?.problem.endsWith('…')).toBe(true);
    expect(escaped).toMatchObject({
      flags: ['sandbox-violation'],
      violations: SAMPLE_VIOLATIONS,
      tasks: { small: { resolved: 1, total: 2 } },
    });
    expect(discarded).toMatchObject({ score: null, scores: {}, tasks: {}, diagnosis: { kind: 'empty-patches', taskId: null } });
    expect(body.agents.every((agent) => !('diff' in agent))).toBe(true);
  });

  it('gives one agent with its full diagnosis, its diff, spend per phase and per-task results', async () => {
    const { status, body } = await get<DgmAgentDetail>('/api/dgm/d1/agents/d1-1');
    expect(status).toBe(200);
    expect(body.diagnosis?.problem).toMatch(
      /^The agent gives up after one failing test run\. (It should retry with the test output\. ){20}$/,
    );
    expect(body.diff).toContain('+const tools = ["bash", "edit", "view"];');
    expect(body.diff).toContain('--- a/agent.mjs');
    expect(body.phases.selfModification).toEqual({ tokens: 2500, costUsd: 0.025, wallMs: 7000 });
    expect(body.results.map((result) => [result.taskId, result.set, result.status])).toEqual([
      ['sum', 'small', 'resolved'],
      ['fizz', 'small', 'resolved'],
      ['parse', 'medium', 'resolved'],
      ['sort', 'medium', 'unresolved'],
    ]);
    expect(body.results[3]?.output).toBe('FAIL sort');
    const escaped = await get<DgmAgentDetail>('/api/dgm/d1/agents/d1-2');
    expect(escaped.body).toMatchObject({
      flags: ['sandbox-violation'],
      violations: SAMPLE_VIOLATIONS,
      diff: expect.stringContaining('"curl"'),
    });
  });

  it('names the run or the agent it cannot find', async () => {
    expect(await get('/api/dgm/d1/agents/d1-9')).toEqual({ status: 404, body: { error: 'no agent d1-9 in DGM run d1' } });
    expect(await get('/api/dgm/d9/agents/d1-1')).toEqual({ status: 404, body: { error: `no DGM run d9 in ${db}` } });
  });
});

// PostgreSQL databases hold no DGM runs yet: the same routes answer an empty list, not an error.
const postgres = (await dashboardBackends()).find((backend) => backend.name === 'PostgreSQL');
const postgresService = await requireService('PostgreSQL', postgres!.probe);
describe.skipIf(postgresService.missing)(postgresService.title('the dashboard API on PostgreSQL'), () => {
  it('answers no DGM runs', async () => {
    const url = await postgres!.createDatabase();
    const writer = postgres!.openWriter(url);
    writeSampleRun(writer);
    const server = await startUiServer({ db: url, port: 0, webRoot: join(tmpdir(), 'ouro-no-web-build') });
    try {
      expect(await getFrom(server, '/api/dgm')).toEqual({ status: 200, body: [] });
      expect((await getFrom<{ error: string }>(server, '/api/dgm/d1')).status).toBe(404);
      expect((await getFrom<RunRow[]>(server, '/api/runs')).body.map((run) => run.id)).toEqual(['r1']);
    } finally {
      await server.close();
      writer.close();
      await postgres!.dispose();
    }
  });
});
