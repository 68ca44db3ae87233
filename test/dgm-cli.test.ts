import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NewAgentRecord } from '../src/agents/dgm/store.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ouro = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/ouro.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const ZERO = { tokens: 0, costUsd: 0, wallMs: 0 };

function agent(seq: number, parent: number | null, scores: Record<string, number>, extra: Partial<NewAgentRecord> = {}): NewAgentRecord {
  return {
    id: `d1-${seq}`,
    runId: 'd1',
    seq,
    parentId: parent === null ? null : `d1-${parent}`,
    kept: true,
    diff: '',
    hash: 'h',
    score: Object.values(scores).at(-1) ?? null,
    scores,
    results: [],
    metrics: { diagnosis: ZERO, selfModification: ZERO, evaluation: ZERO, tokens: 1200, costUsd: 0.02, wallMs: 5, violations: 0 },
    violations: [],
    flags: [],
    rngState: [1, 2, 3, 4],
    createdAt: 1,
    ...extra,
  };
}

describe('ouro agents', () => {
  it('refuses to run without a model, saying the DGM needs one', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-cli-')), 'ouro.db');
    const result = ouro(['agents', 'run', 'agents/initial', '--bench', 'benchmarks/coding', '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the DGM needs a model/);
    expect(result.stdout).toBe('');
  });

  it('refuses a database URL, since DGM runs live in SQLite files, and leaves no file named after it', () => {
    const result = ouro([
      'agents',
      'run',
      'agents/initial',
      '--bench',
      'benchmarks/coding',
      '--model',
      'compat:http://127.0.0.1:9/v1#none',
      '--db',
      'postgres://ouro:secret@127.0.0.1/ouro',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--db: DGM runs are stored in SQLite files only for now, not postgres:\/\/127\.0\.0\.1\/ouro/);
    expect(result.stderr).not.toContain('secret');
    expect(existsSync(join(ROOT, 'postgres:'))).toBe(false);
  });

  it('names an agent folder without an entry point', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-dgm-agent-'));
    const result = ouro([
      'agents',
      'run',
      dir,
      '--bench',
      'benchmarks/coding',
      '--model',
      'compat:http://127.0.0.1:9/v1#none',
      '--db',
      join(dir, 'ouro.db'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('agent.mjs');
  });

  it("shows a run's archive: ids, parents, scores per set and flags", () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-cli-')), 'ouro.db');
    const store = new SqliteStore(db);
    const agents = store.tables(DGM_TABLES)!;
    agents.createDgmRun({
      id: 'd1',
      initialAgent: { 'agent.mjs': '' },
      settings: {
        bench: 'benchmarks/coding',
        seed: 1,
        lambda: 10,
        thresholds: { medium: 0.4, full: 'beats-runner-up' },
        taskTimeoutMs: 1,
        selfModifyTimeoutMs: 1,
        repeats: 1,
        model: 'openai:gpt-4.1-mini',
        budget: {},
      },
      createdAt: 1,
    });
    agents.recordAgent(agent(0, null, { small: 0.5, medium: 0.4, full: 0.3 }));
    agents.recordAgent(agent(1, 0, { small: 0.25 }, { flags: ['sandbox-violation'] }));
    agents.recordAgent(agent(2, 0, {}, { kept: false, score: null, discardReason: 'empty change' }));
    store.close();
    const shown = ouro(['agents', 'show', 'd1', '--db', db]);
    expect(shown.status).toBe(0);
    const lines = shown.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^id\s+parent\s+small\s+medium\s+full\s+score\s+tokens\s+cost\s+flags$/);
    expect(lines[2]).toMatch(/^d1-0\s+-\s+0\.5\s+0\.4\s+0\.3\s+0\.3\s+1,200\s+\$0\.02\s+-$/);
    expect(lines[3]).toMatch(/^d1-1\s+d1-0\s+0\.25\s+-\s+-\s+0\.25\s+.*sandbox-violation$/);
    expect(lines[4]).toMatch(/^d1-2\s+d1-0\s+-\s+-\s+-\s+discarded\s+.*empty change$/);
    const list = ouro(['agents', 'show', '--db', db, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'd1', agents: 3, kept: 2, bestScore: 0.3 })]);
    expect(ouro(['agents', 'show', 'nope', '--db', db]).stderr).toMatch(/no DGM run nope/);
  });
});
