import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Candidate, Evaluation } from '../core/types.ts';
import type { LlmExchange } from '../core/model.ts';
import { MIGRATIONS, SCHEMA } from './schema.ts';
import { SqliteStore } from './sqlite.ts';
import { SOUP_TABLES } from '../soup/store-sqlite.ts';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-store-')), 'ouro.db');
}

function candidate(runId: string, seq: number, parentIds: string[] = []): Candidate {
  return {
    id: `${runId}-${seq}`,
    runId,
    seq,
    parentIds,
    generation: parentIds.length > 0 ? 1 : 0,
    island: 0,
    genome: { 'a.js': `// v${seq}\n` },
    origin: { operator: seq === 0 ? 'initial' : 'perturb-number', description: `step ${seq}`, diff: '' },
    createdAt: 1000 + seq,
  };
}

function evaluation(id: string, score: number | undefined): Evaluation {
  return {
    candidateId: id,
    ...(score === undefined ? { status: 'error' as const, error: 'boom' } : { status: 'ok' as const, score }),
    metrics: { m: 1 },
    privateMetrics: score === undefined ? {} : { hidden: score },
    features: { length: 10 },
    instances: {},
    feedback: 'fine',
    artifacts: { a: [1, 2] },
    stage: 'final',
    durationMs: 1.5,
  };
}

function seedRun(store: SqliteStore, runId = 'r1'): void {
  store.createRun({
    id: runId,
    experiment: 'demo',
    experimentDir: '/x',
    config: { name: 'demo' },
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 1,
  });
  store.appendRunEvent(runId, 'started');
}

/** A call as a version-3 database holds it: no log-probabilities. */
const OLD_CALL: LlmExchange = {
  model: 'compat:m',
  operator: 'llm-diff',
  proposal: 'p0',
  request: { messages: [{ role: 'user', content: 'improve' }], maxOutputTokens: 32 },
  reply: 'old',
  finishReason: 'stop',
  usage: { inputTokens: 4, outputTokens: 1 },
  costUsd: 0.5,
  latencyMs: 12,
  attempts: 1,
  startedAt: 7,
};

/** A database as version 3 wrote it, with one run and OLD_CALL, written with that version's columns. */
function versionThreeDb(): string {
  const path = tempDb();
  const old = new Database(path);
  old.exec(SCHEMA);
  for (const migration of MIGRATIONS.filter((step) => step.version <= 3)) old.exec(migration.sql);
  old.prepare("INSERT INTO meta (key, value) VALUES ('schema', '3')").run();
  old.prepare("INSERT INTO runs VALUES ('r0', 'demo', '/x', '{}', '{\"seed\":1,\"options\":{},\"budget\":{},\"concurrency\":1}', 1)").run();
  old
    .prepare(
      `INSERT INTO llm_calls (run_id, proposal, operator, model, request, prompt_hash, reply, finish_reason, ` +
        `error_kind, error_message,
      error_status, input_tokens, output_tokens, cost_usd, latency_ms, attempts, started_at)
    VALUES ('r0', 'p0', 'llm-diff', 'compat:m', ?, 'h', 'old', 'stop', NULL, NULL, NULL, 4, 1, 0.5, 12, 1, 7)`,
    )
    .run(JSON.stringify(OLD_CALL.request));
  old.close();
  return path;
}

let order = 0;
const state = (hash: string) => ({
  rngState: [1, 2, 3, 4] as [number, number, number, number],
  reward: 1,
  elapsedMs: 5,
  genomeHash: hash,
  logOrder: order++,
});

describe('SqliteStore', () => {
  it('commits candidates with their evaluations and replays them in commit order without genomes', () => {
    const store = new SqliteStore(tempDb());
    seedRun(store);
    store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0'));
    store.commitCandidate(candidate('r1', 2, ['r1-0']), evaluation('r1-2', 3), state('h2'));
    store.recordFailedProposals('r1', [
      { operator: 'swap-operator', kind: 'failed', count: 3, reason: 'no site', rngState: [5, 6, 7, 8], logOrder: order++ },
    ]);
    store.commitCandidate(candidate('r1', 1, ['r1-0']), evaluation('r1-1', undefined), state('h1'));
    const log = [...store.replay('r1')];
    expect(log.map((row) => (row.kind === 'candidate' ? row.candidate.seq : `${row.failures.count}x ${row.failures.reason}`))).toEqual([
      0,
      2,
      '3x no site',
      1,
    ]);
    const rows = log.flatMap((row) => (row.kind === 'candidate' ? [row] : []));
    expect(rows[2]?.evaluation).toMatchObject({ status: 'error', error: 'boom' });
    expect(rows[2]?.evaluation.score).toBeUndefined();
    expect('genome' in (rows[0]?.candidate ?? {})).toBe(false);
    expect(store.bestCandidate('r1')?.candidate.id).toBe('r1-2');
    expect(store.getGenome('r1-2')).toEqual({ 'a.js': '// v2\n' });
    expect(store.childrenOf('r1-0')).toEqual(['r1-1', 'r1-2']);
    expect(store.listRuns()).toEqual([
      { id: 'r1', experiment: 'demo', status: 'crashed-or-running', bestScore: 3, evaluations: 3, createdAt: 1 },
    ]);
    store.appendRunEvent('r1', 'finished');
    expect(store.getRun('r1')?.status).toBe('finished');
    store.close();
  });

  it('keeps tables append-only and a commit atomic', () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    seedRun(store);
    store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0'));
    // The same genome hash twice violates a constraint: neither the candidate nor its evaluation lands.
    expect(() => store.commitCandidate(candidate('r1', 1), evaluation('r1-1', 2), state('h0'))).toThrow();
    expect(store.getCandidate('r1-1')).toBeUndefined();
    store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE evaluations SET score = 99 WHERE candidate_id = 'r1-0'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM candidates').run()).toThrow(/append-only/);
    expect((raw.prepare('SELECT count(*) AS n FROM evaluations').get() as { n: number }).n).toBe(1);
    raw.close();
  });

  it('names the file when the database is locked by another process', () => {
    const path = tempDb();
    new SqliteStore(path).close();
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => new SqliteStore(path, { busyTimeoutMs: 100 })).toThrow(new RegExp(`database ${path} is locked`));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('names the file when it is not a database', () => {
    const path = tempDb();
    writeFileSync(path, 'this is not sqlite, just text that is long enough to have a header'.repeat(20));
    expect(() => new SqliteStore(path)).toThrow(new RegExp(`${path} is not an Ouroboros database`));
  });

  it('opens read-only for inspection and refuses writes with a clear message', () => {
    const path = tempDb();
    const writer = new SqliteStore(path);
    seedRun(writer);
    writer.close();
    const reader = new SqliteStore(path, { readonly: true });
    expect(reader.getRun('r1')?.experiment).toBe('demo');
    expect(() => reader.appendRunEvent('r1', 'stopped')).toThrow(new RegExp(`database ${path} is read-only`));
    reader.close();
  });

  it('returns nothing for unknown ids', () => {
    const store = new SqliteStore(tempDb());
    expect(store.getRun('nope')).toBeUndefined();
    expect(store.getCandidate('nope-1')).toBeUndefined();
    store.close();
  });

  it('records model exchanges and lessons, append-only, and returns them in order', () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    seedRun(store);
    const exchange: LlmExchange = {
      model: 'compat:qwen',
      operator: 'llm-diff',
      proposal: 'p1',
      request: { messages: [{ role: 'user', content: 'improve' }], maxOutputTokens: 64 },
      reply: 'ok',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: 0.002,
      latencyMs: 41,
      attempts: 2,
      startedAt: 5,
    };
    const failed: LlmExchange = {
      ...exchange,
      proposal: undefined,
      reply: null,
      finishReason: null,
      error: { kind: 'http', message: 'HTTP 500', status: 500 },
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      attempts: 3,
    };
    store.recordLlmCall('r1', exchange);
    store.recordLlmCall('r1', failed);
    const calls = store.llmCalls('r1');
    expect(calls[0]).toEqual(exchange);
    expect(calls[1]).toMatchObject({ reply: null, error: { kind: 'http', status: 500 }, attempts: 3 });
    expect(calls[1]?.proposal).toBeUndefined();
    store.recordLessons('r1', {
      evaluations: 200,
      source: 'stats',
      lessons: ['perturb-number improved 31% of its children'],
      createdAt: 9,
    });
    expect(store.lessons('r1')).toEqual([
      { evaluations: 200, source: 'stats', lessons: ['perturb-number improved 31% of its children'], createdAt: 9 },
    ]);
    store.close();
    const raw = new Database(path);
    expect(() => raw.prepare('UPDATE llm_calls SET cost_usd = 0').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM lessons').run()).toThrow(/append-only/);
    raw.close();
  });

  it('upgrades a version-1 database in place and keeps its rows', () => {
    const path = tempDb();
    const old = new Database(path);
    old.exec(SCHEMA);
    old.prepare("INSERT INTO meta (key, value) VALUES ('schema', '1')").run();
    old
      .prepare("INSERT INTO runs VALUES ('r0', 'demo', '/x', '{}', '{\"seed\":1,\"options\":{},\"budget\":{},\"concurrency\":1}', 1)")
      .run();
    old.close();
    const store = new SqliteStore(path);
    expect(store.getRun('r0')?.experiment).toBe('demo');
    store.commitCandidate(candidate('r0', 0), evaluation('r0-0', 1), state('h0'));
    expect(store.getCandidate('r0-0')?.candidate.origin.model).toBeUndefined();
    expect(store.tables(SOUP_TABLES)?.listSoupRuns()).toEqual([]);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '6' });
    raw.close();
  });

  it('reads a version-3 database read-only, then upgrades it to store log-probabilities, keeping its calls as they were', () => {
    const path = versionThreeDb();
    const reader = new SqliteStore(path, { readonly: true });
    expect(reader.llmCalls('r0')).toStrictEqual([OLD_CALL]);
    expect(() => reader.recordLlmCall('r0', { ...OLD_CALL, logprobs: [{ token: 'x', logprob: -1 }] })).toThrow(
      expect.objectContaining({ code: 'store-readonly' }),
    );
    reader.close();

    const store = new SqliteStore(path);
    const withLogprobs: LlmExchange = {
      ...OLD_CALL,
      reply: 'new',
      logprobs: [
        {
          token: 'new',
          logprob: -0.25,
          topLogprobs: [
            { token: 'new', logprob: -0.25 },
            { token: 'old', logprob: -2 },
          ],
        },
      ],
    };
    store.recordLlmCall('r0', withLogprobs);
    expect(store.llmCalls('r0')).toStrictEqual([OLD_CALL, withLogprobs]);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '6' });
    expect(raw.prepare('SELECT logprobs FROM llm_calls ORDER BY id').pluck().all()).toEqual([
      null,
      '[["new",-0.25,[["new",-0.25],["old",-2]]]]',
    ]);
    raw.close();
    // A second open finds nothing to do and reads the same.
    const again = new SqliteStore(path, { readonly: true });
    expect(again.llmCalls('r0')).toStrictEqual([OLD_CALL, withLogprobs]);
    again.close();
  });

  it('upgrades to version 5 where llm_calls already has the logprobs column', () => {
    const path = versionThreeDb();
    const raw = new Database(path);
    raw.exec('ALTER TABLE llm_calls ADD COLUMN logprobs TEXT');
    raw.close();
    const store = new SqliteStore(path);
    const call: LlmExchange = { ...OLD_CALL, logprobs: [{ token: 'ok', logprob: -0.5 }] };
    store.recordLlmCall('r0', call);
    expect(store.llmCalls('r0')).toStrictEqual([OLD_CALL, call]);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('6');
    check.close();
  });

  it('reads a version-4 database without private metrics, then upgrades it to store them, its old rows reading {}', () => {
    const path = versionThreeDb();
    const old = new Database(path);
    old.exec('ALTER TABLE llm_calls ADD COLUMN logprobs TEXT');
    old.prepare("UPDATE meta SET value = '4' WHERE key = 'schema'").run();
    old.exec(`INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome,
        genome_hash, rng_state, reward, elapsed_ms, log_order, created_at)
      VALUES ('r0-0', 'r0', 0, '[]', 0, 0, 'initial', '', '', '{}', 'h0', '[1,2,3,4]', 0, 0, 0, 1)`);
    old.exec(`INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, artifacts,
        stage, error, duration_ms) VALUES ('r0-0', 'r0', 'ok', 1, '{"m":1}', '{}', '{}', '', '{}', 'final', NULL, 1)`);
    old.close();

    const reader = new SqliteStore(path, { readonly: true });
    expect(reader.getCandidate('r0-0')?.evaluation).toMatchObject({ metrics: { m: 1 } });
    expect(reader.getCandidate('r0-0')?.evaluation.privateMetrics).toEqual({});
    expect(() => reader.commitCandidate(candidate('r0', 1), evaluation('r0-1', 2), state('h1'))).toThrow(
      expect.objectContaining({ code: 'store-readonly' }),
    );
    reader.close();

    const store = new SqliteStore(path);
    store.commitCandidate(candidate('r0', 1), evaluation('r0-1', 2), state('h1'));
    expect(store.getCandidate('r0-0')?.evaluation.privateMetrics).toEqual({});
    expect(store.getCandidate('r0-1')?.evaluation.privateMetrics).toEqual({ hidden: 2 });
    const replayed = [...store.replay('r0')].flatMap((row) => (row.kind === 'candidate' ? [row.evaluation.privateMetrics] : []));
    expect(replayed).toEqual([{}, { hidden: 2 }]);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('6');
    expect(raw.prepare('SELECT private_metrics FROM evaluations ORDER BY candidate_id').pluck().all()).toEqual([null, '{"hidden":2}']);
    raw.close();
  });

  it('reads a version-5 database read-only as one without prompt templates, then upgrades it to keep them', () => {
    const path = versionThreeDb();
    const old = new Database(path);
    old.exec('ALTER TABLE llm_calls ADD COLUMN logprobs TEXT; ALTER TABLE evaluations ADD COLUMN private_metrics TEXT');
    old.prepare("UPDATE meta SET value = '5' WHERE key = 'schema'").run();
    old.exec(`INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome,
        genome_hash, rng_state, reward, elapsed_ms, log_order, created_at)
      VALUES ('r0-0', 'r0', 0, '[]', 0, 0, 'initial', '', '', '{}', 'h0', '[1,2,3,4]', 0, 0, 0, 1)`);
    old.exec(`INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, artifacts,
        stage, error, duration_ms, private_metrics) VALUES ('r0-0', 'r0', 'ok', 1, '{}', '{}', '{}', '', '{}', 'final', NULL, 1, '{}')`);
    old.exec(`INSERT INTO proposal_failures (run_id, log_order, operator, kind, count, reason, rng_state, created_at, model)
      VALUES ('r0', 1, 'llm-diff', 'failed', 2, 'no block', '[1,2,3,4]', 1, 'compat:m')`);
    old.close();
    const seed = {
      id: 'llm-diff.0',
      seq: 0,
      operator: 'llm-diff',
      text: '{{parent}}\n{{format}}\n',
      origin: 'built-in' as const,
      detail: 'built-in',
      costUsd: 0,
      evaluations: 1,
      createdAt: 3,
    };

    const reader = new SqliteStore(path, { readonly: true });
    expect(reader.promptTemplates('r0')).toEqual([]);
    const oldLog = [...reader.replay('r0')];
    expect(oldLog.map((row) => (row.kind === 'candidate' ? row.candidate.origin : row.failures))).toEqual([
      { operator: 'initial', description: '', diff: '' },
      { operator: 'llm-diff', model: 'compat:m', kind: 'failed', count: 2, reason: 'no block', rngState: [1, 2, 3, 4], logOrder: 1 },
    ]);
    expect(() => reader.recordPromptTemplate('r0', seed)).toThrow(expect.objectContaining({ code: 'store-readonly' }));
    reader.close();

    const store = new SqliteStore(path);
    store.recordPromptTemplate('r0', seed);
    const child = candidate('r0', 1, ['r0-0']);
    child.origin = { ...child.origin, operator: 'llm-diff', template: 'llm-diff.0' };
    store.commitCandidate(child, evaluation('r0-1', 2), { ...state('h1'), logOrder: 3 }, [
      {
        operator: 'llm-diff',
        kind: 'failed',
        count: 1,
        reason: 'prose',
        rngState: [1, 2, 3, 4],
        logOrder: 2,
        template: 'llm-diff.0',
        costUsd: 0.25,
      },
    ]);
    expect(store.promptTemplates('r0')).toEqual([seed]);
    expect(
      [...store.replay('r0')].map((row) => (row.kind === 'candidate' ? row.candidate.origin.template : row.failures.template)),
    ).toEqual([undefined, undefined, 'llm-diff.0', 'llm-diff.0']);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toBe('6');
    expect(raw.prepare('SELECT template, cost_usd FROM proposal_failures ORDER BY log_order').all()).toEqual([
      { template: null, cost_usd: null },
      { template: 'llm-diff.0', cost_usd: 0.25 },
    ]);
    raw.close();
  });

  it('reads a version-2 database read-only as one without soup runs', () => {
    const path = tempDb();
    const old = new Database(path);
    old.exec(SCHEMA);
    old.exec(MIGRATIONS.find((migration) => migration.version === 2)!.sql);
    old.prepare("INSERT INTO meta (key, value) VALUES ('schema', '2')").run();
    old.close();
    const store = new SqliteStore(path, { readonly: true });
    expect(store.tables(SOUP_TABLES)).toBeUndefined();
    store.close();
  });

  it('refuses a database written by a newer version, naming the file', () => {
    const path = tempDb();
    new SqliteStore(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema'").run();
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*schema 99`));
  });
});
