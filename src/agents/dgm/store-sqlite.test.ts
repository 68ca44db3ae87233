import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LlmExchange } from '../../core/model.ts';
import type { NewAgentRecord } from './store.ts';

import { SqliteStore } from '../../store/sqlite.ts';
import { DGM_TABLES } from './store-sqlite.ts';

const ZERO = { tokens: 0, costUsd: 0, wallMs: 0 };
const agent = (seq: number): NewAgentRecord => ({
  id: `d1-${seq}`,
  runId: 'd1',
  seq,
  parentId: seq === 0 ? null : 'd1-0',
  kept: seq !== 2,
  ...(seq === 2 ? { discardReason: 'empty change' } : {}),
  diff: seq === 0 ? '' : '--- a/agent.mjs\n',
  hash: `h${seq}`,
  score: seq === 2 ? null : 0.5,
  scores: { small: 0.5 },
  results: [
    {
      taskId: 't',
      set: 'small',
      status: 'unresolved',
      attempts: ['unresolved'],
      runStatus: ['done'],
      changed: [true],
      output: 'FAIL x',
      log: 'agent log',
    },
  ],
  metrics: { diagnosis: ZERO, selfModification: ZERO, evaluation: ZERO, tokens: 7, costUsd: 0.01, wallMs: 3, violations: 0 },
  violations: [],
  flags: [],
  rngState: [1, 2, 3, seq],
  createdAt: 1,
});

describe('the DGM tables in SQLite', () => {
  it('round-trips runs and agents, appends only, and refuses a second agent at the same seq', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    const store = new SqliteStore(path);
    const agents = store.tables(DGM_TABLES)!;
    agents.createDgmRun({
      id: 'd1',
      initialAgent: { 'agent.mjs': 'x' },
      settings: {
        bench: 'b',
        seed: 1,
        lambda: 10,
        thresholds: { medium: 0.4, full: 'beats-runner-up' },
        taskTimeoutMs: 1,
        selfModifyTimeoutMs: 1,
        repeats: 1,
        model: 'm',
        budget: {},
      },
      createdAt: 1,
    });
    for (const seq of [0, 1, 2]) agents.recordAgent(agent(seq));
    expect(() => agents.recordAgent({ ...agent(1), id: 'other' })).toThrow();
    expect(agents.agents('d1')).toEqual([0, 1, 2].map(agent));
    agents.appendDgmEvent('d1', 'finished');
    expect(agents.listDgmRuns()).toEqual([{ id: 'd1', bench: 'b', status: 'finished', agents: 3, kept: 2, bestScore: 0.5, createdAt: 1 }]);
    store.close();
    const raw = new Database(path);
    expect(() => raw.exec('UPDATE dgm_agents SET score = 1')).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM dgm_runs')).toThrow(/append-only/);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('6');
    raw.close();
  });

  it('appends every model exchange of a run as it ends and reads them back in order, failures included', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    const store = new SqliteStore(path);
    const agents = store.tables(DGM_TABLES)!;
    agents.createDgmRun({
      id: 'd1',
      initialAgent: { 'agent.mjs': 'x' },
      settings: {
        bench: 'b',
        seed: 1,
        lambda: 10,
        thresholds: { medium: 0.4, full: 'beats-runner-up' },
        taskTimeoutMs: 1,
        selfModifyTimeoutMs: 1,
        repeats: 1,
        model: 'm',
        budget: {},
        replayOf: 'd0',
      },
      createdAt: 1,
    });
    const ok: LlmExchange = {
      model: 'compat:x#m',
      operator: 'dgm-diagnosis',
      proposal: 'd1-1',
      request: { messages: [{ role: 'user', content: 'why?' }], maxOutputTokens: 64 },
      reply: '<problem>p</problem>',
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 5 },
      costUsd: 0.002,
      latencyMs: 12.5,
      attempts: 1,
      startedAt: 100,
    };
    const failed: LlmExchange = {
      model: 'compat:x#m',
      operator: 'agent',
      request: { messages: [{ role: 'user', content: 'go' }] },
      reply: null,
      finishReason: null,
      error: { kind: 'http', message: 'HTTP 500', status: 500 },
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      latencyMs: 3,
      attempts: 3,
      startedAt: 101,
    };
    agents.recordDgmLlmCall('d1', ok);
    agents.recordDgmLlmCall('d1', failed);
    expect(agents.dgmLlmCalls('d1')).toEqual([ok, failed]);
    expect(agents.dgmLlmCalls('other')).toEqual([]);
    expect(agents.getDgmRun('d1')!.settings.replayOf).toBe('d0');
    store.close();
    // Written by statements of their own: a second connection sees them without any close or commit.
    const raw = new Database(path);
    expect(raw.prepare('SELECT count(*) FROM dgm_llm_calls').pluck().get()).toBe(2);
    expect(() => raw.exec('UPDATE dgm_llm_calls SET reply = 1')).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM dgm_llm_calls')).toThrow(/append-only/);
    raw.close();
  });

  it('adds the calls table to a database whose DGM tables predate it, and reads such a file read-only as having no calls', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    new SqliteStore(path).close();
    const raw = new Database(path);
    raw.exec(DGM_TABLES.ddl);
    raw.exec('DROP TRIGGER dgm_llm_calls_no_delete; DROP TRIGGER dgm_llm_calls_no_update; DROP TABLE dgm_llm_calls;');
    raw.close();
    const old = new SqliteStore(path, { readonly: true });
    expect(old.tables(DGM_TABLES)!.dgmLlmCalls('d1')).toEqual([]);
    old.close();
    const writable = new SqliteStore(path);
    writable.tables(DGM_TABLES)!.createDgmRun({
      id: 'd1',
      initialAgent: {},
      settings: {
        bench: 'b',
        seed: 1,
        lambda: 10,
        thresholds: { medium: 0.4, full: 'beats-runner-up' },
        taskTimeoutMs: 1,
        selfModifyTimeoutMs: 1,
        repeats: 1,
        model: 'm',
        budget: {},
      },
      createdAt: 1,
    });
    writable.tables(DGM_TABLES)!.recordDgmLlmCall('d1', {
      model: 'm',
      operator: 'agent',
      request: { messages: [] },
      reply: 'r',
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1 },
      costUsd: 0,
      latencyMs: 1,
      attempts: 1,
      startedAt: 1,
    });
    expect(writable.tables(DGM_TABLES)!.dgmLlmCalls('d1')).toHaveLength(1);
    writable.close();
  });

  it('reads a database without DGM tables as having no DGM runs, and does not change its schema version', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    new SqliteStore(path).close();
    const readonly = new SqliteStore(path, { readonly: true });
    expect(readonly.tables(DGM_TABLES)).toBeUndefined();
    readonly.close();
  });
});
