import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { NewAgentRecord } from './agents.ts';
import { SqliteStore } from './sqlite.ts';

const ZERO = { tokens: 0, costUsd: 0, wallMs: 0 };
const agent = (seq: number): NewAgentRecord => ({
  id: `d1-${seq}`, runId: 'd1', seq, parentId: seq === 0 ? null : 'd1-0', kept: seq !== 2, ...(seq === 2 ? { discardReason: 'empty change' } : {}),
  diff: seq === 0 ? '' : '--- a/agent.mjs\n', hash: `h${seq}`, score: seq === 2 ? null : 0.5, scores: { small: 0.5 },
  results: [{ taskId: 't', set: 'small', status: 'unresolved', attempts: ['unresolved'], runStatus: ['done'], changed: [true], output: 'FAIL x', log: 'agent log' }],
  metrics: { diagnosis: ZERO, selfModification: ZERO, evaluation: ZERO, tokens: 7, costUsd: 0.01, wallMs: 3, violations: 0 },
  violations: [], flags: [], rngState: [1, 2, 3, seq], createdAt: 1,
});

describe('the DGM tables in SQLite', () => {
  it('round-trips runs and agents, appends only, and refuses a second agent at the same seq', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    const store = new SqliteStore(path);
    const agents = store.agents()!;
    agents.createDgmRun({ id: 'd1', initialAgent: { 'agent.mjs': 'x' }, settings: { bench: 'b', seed: 1, lambda: 10, thresholds: { medium: 0.4, full: 'beats-runner-up' }, taskTimeoutMs: 1, selfModifyTimeoutMs: 1, repeats: 1, model: 'm', budget: {} }, createdAt: 1 });
    for (const seq of [0, 1, 2]) agents.recordAgent(agent(seq));
    expect(() => agents.recordAgent({ ...agent(1), id: 'other' })).toThrow();
    expect(agents.agents('d1')).toEqual([0, 1, 2].map(agent));
    agents.appendDgmEvent('d1', 'finished');
    expect(agents.listDgmRuns()).toEqual([{ id: 'd1', bench: 'b', status: 'finished', agents: 3, kept: 2, bestScore: 0.5, createdAt: 1 }]);
    store.close();
    const raw = new Database(path);
    expect(() => raw.exec('UPDATE dgm_agents SET score = 1')).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM dgm_runs')).toThrow(/append-only/);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('4');
    raw.close();
  });

  it('reads a database without DGM tables as having no DGM runs, and does not change its schema version', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ouro-agents-')), 'ouro.db');
    new SqliteStore(path).close();
    const readonly = new SqliteStore(path, { readonly: true });
    expect(readonly.agents()).toBeUndefined();
    readonly.close();
  });
});
