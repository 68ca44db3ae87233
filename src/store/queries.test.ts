import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Candidate, Evaluation } from '../core/types.ts';
import { emptyColumns } from './queries.ts';
import { SqliteDashboardQueries } from './queries-sqlite.ts';
import { privateMetricsFromRow } from './rows.ts';
import { SqliteStore } from './sqlite.ts';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-queries-')), 'ouro.db');
}

let order = 0;

function commit(store: SqliteStore, seq: number, parents: string[], score: number | undefined): void {
  const candidate: Candidate = {
    id: `r1-${seq}`,
    runId: 'r1',
    seq,
    parentIds: parents,
    generation: parents.length,
    island: 0,
    genome: { 'a.js': `v${seq}` },
    origin: { operator: parents.length === 0 ? 'initial' : 'perturb-number', description: '', diff: '' },
    createdAt: 1000 + seq,
  };
  const evaluation: Evaluation = {
    candidateId: candidate.id,
    ...(score === undefined ? { status: 'timeout' as const, error: 'slow' } : { status: 'ok' as const, score }),
    metrics: {},
    privateMetrics: {},
    features: { spread: seq },
    instances: {},
    feedback: '',
    artifacts: {},
    stage: 'final',
    durationMs: 1,
  };
  store.commitCandidate(candidate, evaluation, {
    rngState: [1, 2, 3, 4],
    reward: score ?? 0,
    elapsedMs: 10 * seq,
    genomeHash: `h${seq}`,
    logOrder: order++,
  });
}

function seededStore(db: string): SqliteStore {
  const store = new SqliteStore(db);
  store.createRun({
    id: 'r1',
    experiment: 'demo',
    experimentDir: 'demo',
    config: { name: 'demo' },
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 5,
  });
  store.appendRunEvent('r1', 'started');
  commit(store, 0, [], 1);
  commit(store, 2, ['r1-0'], 4);
  commit(store, 1, ['r1-0'], undefined);
  return store;
}

describe('SqliteDashboardQueries', () => {
  it('reads a run in commit order while the engine holds the file open in WAL mode', () => {
    const db = tempDb();
    const store = seededStore(db);
    const queries = new SqliteDashboardQueries(db);
    expect(queries.runs()).toEqual([
      { id: 'r1', experiment: 'demo', status: 'crashed-or-running', bestScore: 4, evaluations: 3, costUsd: 0, tokens: 0, createdAt: 5 },
    ]);
    const columns = emptyColumns();
    queries.evaluations('r1', columns);
    expect(columns).toEqual({
      seq: [0, 2, 1],
      score: [1, 4, null],
      status: ['ok', 'ok', 'timeout'],
      island: [0, 0, 0],
      operator: ['initial', 'perturb-number', 'perturb-number'],
      elapsedMs: [0, 20, 10],
      createdAt: [1000, 1002, 1001],
      reward: [1, 4, 0],
    });
    expect(queries.top('r1', 5)).toEqual(['r1-2', 'r1-0']);
    expect(queries.lineageRow('r1-1')).toEqual({
      id: 'r1-1',
      seq: 1,
      parentIds: ['r1-0'],
      generation: 1,
      island: 0,
      operator: 'perturb-number',
      status: 'timeout',
      score: null,
    });
    const cursor = queries.cursors('r1').candidates;
    const before = queries.cursors('r1');
    commit(store, 3, ['r1-2'], 6);
    store.recordFailedProposals('r1', [
      { operator: 'crossover', kind: 'failed', count: 2, reason: 'one parent', rngState: [1, 2, 3, 4], logOrder: order++ },
    ]);
    // Reads from a cursor on see only what was appended after it.
    const after = queries.cursors('r1');
    expect(after.candidates).toBe(before.candidates + 1);
    queries.evaluations('r1', columns, before.candidates, after.candidates);
    expect(columns.seq).toEqual([0, 2, 1, 3]);
    const failures = new Map([['crossover', 1]]);
    queries.failedProposals('r1', failures, before.failures, after.failures);
    expect(failures).toEqual(new Map([['crossover', 3]]));
    expect(queries.commitsAfter('r1', cursor).map((row) => row.id)).toEqual(['r1-3']);
    expect(queries.commitsAfter('r1', queries.cursorOf('r1', 2) as number).map((row) => row.seq)).toEqual([1, 3]);
    expect(queries.cursorOf('r1', 99)).toBeUndefined();
    store.appendRunEvent('r1', 'finished');
    expect(queries.run('r1')?.status).toBe('finished');
    expect(queries.run('r9')).toBeUndefined();
    store.close();
    queries.close();
  });

  it('keeps reading as the engine closes the file (rollback journal) and opens it again (WAL)', () => {
    const db = tempDb();
    seededStore(db).close();
    expect(new Database(db, { readonly: true }).pragma('journal_mode', { simple: true })).toBe('delete');
    const queries = new SqliteDashboardQueries(db);
    expect(queries.candidateCount('r1')).toBe(3);
    const writer = new SqliteStore(db);
    commit(writer, 3, ['r1-2'], 6);
    expect(queries.candidateCount('r1')).toBe(4);
    writer.close();
    expect(queries.top('r1', 1)).toEqual(['r1-3']);
    const again = new SqliteStore(db);
    commit(again, 4, ['r1-3'], 7);
    expect(queries.top('r1', 1)).toEqual(['r1-4']);
    again.close();
    queries.close();
  });

  it('opens a version-3 file, whose calls have no log-probabilities, without upgrading it, and refuses version 2', () => {
    const db = tempDb();
    const store = seededStore(db);
    store.recordLlmCall('r1', {
      model: 'compat:m',
      operator: 'llm-diff',
      proposal: 'p1',
      request: { messages: [{ role: 'user', content: 'improve' }] },
      reply: 'done',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 2 },
      costUsd: 0.25,
      latencyMs: 9,
      attempts: 1,
      startedAt: 1,
      logprobs: [{ token: 'done', logprob: -0.1 }],
    });
    store.close();
    const raw = new Database(db);
    raw.exec(
      'ALTER TABLE llm_calls DROP COLUMN logprobs; ALTER TABLE evaluations DROP COLUMN private_metrics; ' +
        "UPDATE meta SET value = '3' WHERE key = 'schema'",
    );
    raw.close();
    const queries = new SqliteDashboardQueries(db);
    expect(queries.run('r1')).toMatchObject({ evaluations: 3, costUsd: 0.25, tokens: 5 });
    const old = queries.candidate('r1-0')?.evaluation;
    expect(old && [JSON.parse(old.metrics), privateMetricsFromRow(old)]).toEqual([{}, {}]);
    expect(queries.proposalCalls('r1', 'p1')).toEqual([expect.objectContaining({ reply: 'done', input_tokens: 3 })]);
    queries.close();
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('3');
    check.close();
    const older = new Database(db);
    older.prepare("UPDATE meta SET value = '2' WHERE key = 'schema'").run();
    older.close();
    expect(() => new SqliteDashboardQueries(db)).toThrow(
      expect.objectContaining({ code: 'store-version', message: expect.stringContaining('older Ouroboros (schema 2)') }),
    );
  });

  it('refuses, naming the file, what it cannot read as an Ouroboros database', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ouro-queries-'));
    const missing = join(folder, 'missing.db');
    expect(() => new SqliteDashboardQueries(missing)).toThrow(
      expect.objectContaining({ code: 'store-open', file: missing, message: expect.stringContaining(`no database at ${missing}`) }),
    );
    mkdirSync(join(folder, 'dir.db'));
    expect(() => new SqliteDashboardQueries(join(folder, 'dir.db'))).toThrow(
      expect.objectContaining({ code: 'store-open', message: expect.stringContaining('is a folder') }),
    );
    const text = join(folder, 'text.db');
    writeFileSync(text, 'not sqlite at all, just words\n'.repeat(200));
    expect(() => new SqliteDashboardQueries(text)).toThrow(expect.objectContaining({ code: 'store-corrupt', file: text }));
    const empty = join(folder, 'empty.db');
    writeFileSync(empty, '');
    expect(() => new SqliteDashboardQueries(empty)).toThrow(
      expect.objectContaining({ code: 'store-corrupt', message: expect.stringContaining(`${empty} is not an Ouroboros database`) }),
    );
    const newer = tempDb();
    new SqliteStore(newer).close();
    const raw = new Database(newer);
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema'").run();
    raw.close();
    expect(() => new SqliteDashboardQueries(newer)).toThrow(
      expect.objectContaining({ code: 'store-version', message: expect.stringContaining('schema 99') }),
    );
  });
});
