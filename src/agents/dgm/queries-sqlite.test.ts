import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SAMPLE_VIOLATIONS, writeSampleDgmRun } from './queries-testing.ts';
import { SqliteDashboardQueries } from '../../store/queries-sqlite.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { DGM_TABLES } from './store-sqlite.ts';
import { dgmQueries } from './open-queries.ts';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-queries-dgm-')), 'ouro.db');
}

function hasDgmTables(path: string): boolean {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare("SELECT 1 FROM sqlite_master WHERE name = 'dgm_agents'").get() !== undefined;
  } finally {
    raw.close();
  }
}

describe('the dashboard queries over the DGM tables', () => {
  it('has no DGM runs in a file without the tables, never creates them, and sees them once the engine does', () => {
    const db = tempDb();
    const store = new SqliteStore(db);
    const queries = new SqliteDashboardQueries(db);
    expect(dgmQueries(queries).runs()).toEqual([]);
    expect(dgmQueries(queries).run('d1')).toBeUndefined();
    expect(dgmQueries(queries).agents('d1')).toEqual([]);
    expect(dgmQueries(queries).agent('d1', 'd1-0')).toBeUndefined();
    expect(hasDgmTables(db)).toBe(false);

    const records = writeSampleDgmRun(store, 'd1', 1000);
    store.tables(DGM_TABLES)?.appendDgmEvent('d1', 'finished');
    expect(dgmQueries(queries).runs()).toEqual([
      {
        id: 'd1',
        bench: 'benchmarks/coding',
        status: 'finished',
        agents: 4,
        kept: 3,
        bestScore: 0.75,
        createdAt: 1000,
        tokens: records.reduce((total, record) => total + record.metrics.tokens, 0),
        costUsd: expect.closeTo(
          records.reduce((total, record) => total + record.metrics.costUsd, 0),
          9,
        ),
        wallMs: records.reduce((total, record) => total + record.metrics.wallMs, 0),
        flagged: 1,
        settings: expect.objectContaining({ model: 'compat:scripted', bench: 'benchmarks/coding' }),
      },
    ]);
    expect(dgmQueries(queries).run('d1')?.agents).toBe(4);
    expect(dgmQueries(queries).run('d9')).toBeUndefined();
    store.close();
    queries.close();
  });

  it('lists agents light, with resolved over graded tasks per set, and gives one agent in full', () => {
    const db = tempDb();
    const store = new SqliteStore(db);
    const records = writeSampleDgmRun(store, 'd1');
    writeSampleDgmRun(store, 'd2');
    const queries = new SqliteDashboardQueries(db);
    const agents = dgmQueries(queries).agents('d1');
    expect(agents.map((agent) => agent.id)).toEqual(['d1-0', 'd1-1', 'd1-2', 'd1-3']);
    expect(agents.map((agent) => agent.tasks)).toEqual([
      { small: { resolved: 1, total: 2 } },
      { small: { resolved: 2, total: 2 }, medium: { resolved: 1, total: 2 } },
      { small: { resolved: 1, total: 2 } },
      {},
    ]);
    expect(agents[2]).toMatchObject({ flags: ['sandbox-violation'], violations: SAMPLE_VIOLATIONS, kept: true, parentId: 'd1-0' });
    expect(agents[3]).toMatchObject({ kept: false, discardReason: records[3]?.discardReason, score: null });
    expect(agents[1]).not.toHaveProperty('diff');
    expect(agents[1]).not.toHaveProperty('results');
    expect(dgmQueries(queries).agent('d1', 'd1-1')).toEqual(records[1]);
    expect(dgmQueries(queries).agent('d2', 'd1-1')).toBeUndefined();
    store.close();
    queries.close();
  });
});
