import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LlmExchange } from '../core/model.ts';
import { evolve, resume } from '../engine/evolve.ts';
import { openStore } from './open.ts';
import { probes, requireService } from '../../test/support/services.ts';
import { writeTinyExperiment } from '../testing/tiny-experiment.ts';
import { CHECK_VERSION, CREATE_META, CREATE_SCHEMA, SCHEMA_LOCK_KEY } from './postgres-schema.ts';
import { testPostgres } from './postgres-testing.ts';
import { PostgresStore, redactUrl } from './postgres.ts';
import { openDashboardQueries } from './open.ts';
import { SqliteStore } from './sqlite.ts';
import type { CommitState, Store } from './store.ts';
import type { Candidate, Evaluation } from '../core/types.ts';

const run = promisify(execFile);

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
const CLI = fileURLToPath(new URL('../../bin/ouro.js', import.meta.url));

function candidateOf(seq: number): Candidate {
  const origin = { operator: seq === 0 ? 'initial' : 'perturb-number', description: '', diff: '' };
  return {
    id: `r1-${seq}`,
    runId: 'r1',
    seq,
    parentIds: [],
    generation: 0,
    island: 0,
    genome: { 'a.js': `v${seq}` },
    origin,
    createdAt: seq,
  };
}

function evaluationOf(seq: number, privateMetrics: Record<string, number>): Evaluation {
  const empty = { features: {}, instances: {}, feedback: '', artifacts: {} };
  return {
    candidateId: `r1-${seq}`,
    status: 'ok',
    score: seq,
    metrics: { m: seq },
    privateMetrics,
    ...empty,
    stage: 'final',
    durationMs: 1,
  };
}

function commitState(seq: number): CommitState {
  return { rngState: [1, 2, 3, 4], reward: 0, elapsedMs: 0, genomeHash: `h${seq}`, logOrder: seq };
}

/** The committed history of a run, in replay order: what must be identical across stores and resumes. */
function history(store: Store, runId: string): string[] {
  return [...store.replay(runId)].map((row) =>
    row.kind === 'failures'
      ? `failed ${row.failures.count} ${row.failures.operator} ${row.failures.reason}`
      : `${row.candidate.seq} ${row.candidate.origin.operator} ${row.state.genomeHash} ${row.evaluation.status} ${row.evaluation.score}`,
  );
}

/** A run for the tests that need one in the database before anything else. */
const DEMO_RUN = {
  id: 'r1',
  experiment: 'demo',
  experimentDir: '/x',
  config: {},
  settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
  createdAt: 1,
};

describe('PostgresStore without a server', () => {
  it('fails fast with store-open and the URL without its password when nothing listens', () => {
    const started = Date.now();
    expect(() => new PostgresStore('postgres://ouro:secret@127.0.0.1:1/ouro')).toThrow(
      expect.objectContaining({
        code: 'store-open',
        message: expect.stringMatching(/^cannot connect to PostgreSQL database postgres:\/\/ouro@127\.0\.0\.1:1\/ouro: .*ECONNREFUSED/),
      }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends postgres URLs to PostgreSQL and anything else to SQLite', () => {
    expect(() => openStore('postgresql://ouro:secret@127.0.0.1:1/ouro')).toThrow(/postgresql:\/\/ouro@127\.0\.0\.1:1\/ouro/);
    const { store } = openStore(join(mkdtempSync(join(tmpdir(), 'ouro-open-')), 'ouro.db'));
    expect(store).toBeInstanceOf(SqliteStore);
    store.close();
  });

  it('removes only the password from a URL', () => {
    expect(redactUrl('postgres://ouro:p%40ss@db.example:5432/ouro?sslmode=require')).toBe(
      'postgres://ouro@db.example:5432/ouro?sslmode=require',
    );
    expect(redactUrl('postgres://ouro@db.example/ouro')).toBe('postgres://ouro@db.example/ouro');
  });
});

const postgresService = await requireService('PostgreSQL', probes.postgres);
const postgres = testPostgres();

describe.skipIf(postgresService.missing)(postgresService.title('PostgresStore'), () => {
  afterAll(() => postgres.dropDatabases());

  it('names a missing database', async () => {
    const url = (await postgres.createDatabase()).replace(/ouro_test_\w+/, 'ouro_test_missing');
    expect(() => new PostgresStore(url)).toThrow(
      expect.objectContaining({ code: 'store-open', message: expect.stringContaining('"ouro_test_missing" does not exist') }),
    );
  });

  it('opens read-only without creating tables, and refuses writes', async () => {
    const url = await postgres.createDatabase();
    expect(() => new PostgresStore(url, { readonly: true })).toThrow(
      expect.objectContaining({ code: 'store-open', message: expect.stringContaining('has no Ouroboros tables') }),
    );
    const writer = new PostgresStore(url);
    writer.createRun(DEMO_RUN);
    writer.close();
    const reader = new PostgresStore(url, { readonly: true });
    expect(reader.getRun('r1')?.experiment).toBe('demo');
    expect(() => reader.appendRunEvent('r1', 'stopped')).toThrow(expect.objectContaining({ code: 'store-readonly' }));
    reader.close();
  });

  it('refuses a database written by a newer version', async () => {
    const url = await postgres.createDatabase();
    new PostgresStore(url).close();
    await postgres.execute(url, "UPDATE meta SET value = '99' WHERE key = 'schema'");
    for (const readonly of [false, true]) {
      expect(() => new PostgresStore(url, { readonly })).toThrow(
        expect.objectContaining({ code: 'store-version', message: expect.stringContaining('schema 99') }),
      );
    }
  });

  it(
    'reads a version-3 database read-only and in the dashboard, ' + "and upgrades it to store log-probabilities on a writer's open",
    async () => {
      const url = await postgres.createDatabase();
      const writer = new PostgresStore(url);
      writer.createRun(DEMO_RUN);
      writer.recordLlmCall('r1', OLD_CALL);
      writer.close();
      await postgres.execute(url, "ALTER TABLE llm_calls DROP COLUMN logprobs; UPDATE meta SET value = '3' WHERE key = 'schema'");

      const reader = new PostgresStore(url, { readonly: true });
      try {
        expect(reader.llmCalls('r1')).toStrictEqual([OLD_CALL]);
        expect(() => reader.recordLlmCall('r1', { ...OLD_CALL, logprobs: [{ token: 'x', logprob: -1 }] })).toThrow(
          expect.objectContaining({ code: 'store-readonly' }),
        );
      } finally {
        reader.close();
      }
      const queries = openDashboardQueries(url);
      try {
        expect(queries.proposalCalls('r1', 'p0')).toEqual([expect.objectContaining({ reply: 'old', input_tokens: 4 })]);
      } finally {
        queries.close();
      }

      const upgraded = new PostgresStore(url);
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
      upgraded.recordLlmCall('r1', withLogprobs);
      upgraded.close();
      const columns = async () =>
        (
          await postgres.execute(
            url,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'llm_calls' AND column_name = 'logprobs'",
          )
        ).rows;
      expect(await columns()).toEqual([{ column_name: 'logprobs', data_type: 'text' }]);
      expect((await postgres.execute(url, "SELECT value FROM meta WHERE key = 'schema'")).rows).toEqual([{ value: '6' }]);
      expect((await postgres.execute(url, 'SELECT logprobs FROM llm_calls ORDER BY id')).rows).toEqual([
        { logprobs: null },
        { logprobs: '[["new",-0.25,[["new",-0.25],["old",-2]]]]' },
      ]);
      // A second open changes nothing; both stores read the calls as recorded.
      const again = new PostgresStore(url);
      try {
        expect(await columns()).toHaveLength(1);
        expect(again.llmCalls('r1')).toStrictEqual([OLD_CALL, withLogprobs]);
      } finally {
        again.close();
      }
    },
  );

  it("reads a version-4 database without private metrics, and upgrades it to store them on a writer's open", async () => {
    const url = await postgres.createDatabase();
    const writer = new PostgresStore(url);
    writer.createRun(DEMO_RUN);
    writer.commitCandidate(candidateOf(0), evaluationOf(0, { hidden: 9 }), commitState(0));
    writer.close();
    // The column goes, and its value with it, as in a database a version-4 Ouroboros wrote.
    await postgres.execute(url, "ALTER TABLE evaluations DROP COLUMN private_metrics; UPDATE meta SET value = '4' WHERE key = 'schema'");

    const reader = new PostgresStore(url, { readonly: true });
    try {
      expect(reader.getCandidate('r1-0')?.evaluation).toEqual(evaluationOf(0, {}));
      expect(() => reader.commitCandidate(candidateOf(1), evaluationOf(1, { hidden: 1 }), commitState(1))).toThrow(
        expect.objectContaining({ code: 'store-readonly' }),
      );
    } finally {
      reader.close();
    }
    const queries = openDashboardQueries(url);
    try {
      expect(queries.candidate('r1-0')?.evaluation).toMatchObject({ metrics: '{"m":0}' });
      expect(queries.candidate('r1-0')?.evaluation.private_metrics).toBeUndefined();
    } finally {
      queries.close();
    }

    const upgraded = new PostgresStore(url);
    upgraded.commitCandidate(candidateOf(1), evaluationOf(1, { hidden: 1 }), commitState(1));
    upgraded.close();
    expect((await postgres.execute(url, "SELECT value FROM meta WHERE key = 'schema'")).rows).toEqual([{ value: '6' }]);
    expect((await postgres.execute(url, 'SELECT private_metrics FROM evaluations ORDER BY candidate_id')).rows).toEqual([
      { private_metrics: null },
      { private_metrics: '{"hidden":1}' },
    ]);
    const again = new PostgresStore(url);
    try {
      expect([...again.replay('r1')].map((row) => row.kind === 'candidate' && row.evaluation.privateMetrics)).toEqual([{}, { hidden: 1 }]);
    } finally {
      again.close();
    }
  });

  it("reads a version-5 database without prompt templates, and upgrades it to keep them on a writer's open", async () => {
    const url = await postgres.createDatabase();
    const writer = new PostgresStore(url);
    writer.createRun(DEMO_RUN);
    writer.commitCandidate(candidateOf(0), evaluationOf(0, {}), commitState(0));
    writer.recordFailedProposals('r1', [
      { operator: 'llm-diff', kind: 'failed', count: 2, reason: 'prose', rngState: [1, 2, 3, 4], logOrder: 1 },
    ]);
    writer.close();
    // As a version-5 Ouroboros left it: no template columns, no prompt_templates table.
    await postgres.execute(
      url,
      'ALTER TABLE candidates DROP COLUMN template; ALTER TABLE proposal_failures DROP COLUMN template, DROP COLUMN cost_usd; ' +
        "DROP TABLE prompt_templates; UPDATE meta SET value = '5' WHERE key = 'schema'",
    );
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

    const reader = new PostgresStore(url, { readonly: true });
    try {
      expect(reader.promptTemplates('r1')).toEqual([]);
      expect([...reader.replay('r1')].map((row) => row.kind)).toEqual(['candidate', 'failures']);
      expect(() => reader.recordPromptTemplate('r1', seed)).toThrow(expect.objectContaining({ code: 'store-readonly' }));
    } finally {
      reader.close();
    }

    const upgraded = new PostgresStore(url);
    try {
      upgraded.recordPromptTemplate('r1', seed);
      const child = { ...candidateOf(1), parentIds: ['r1-0'] };
      child.origin = { ...child.origin, operator: 'llm-diff', template: 'llm-diff.0' };
      upgraded.commitCandidate(child, evaluationOf(1, {}), commitState(3), [
        {
          operator: 'llm-diff',
          kind: 'failed',
          count: 1,
          reason: 'x',
          rngState: [1, 2, 3, 4],
          logOrder: 2,
          template: 'llm-diff.0',
          costUsd: 1,
        },
      ]);
      expect(upgraded.promptTemplates('r1')).toEqual([seed]);
      const log = [...upgraded.replay('r1')];
      expect(log.map((row) => (row.kind === 'candidate' ? row.candidate.origin.template : row.failures.template))).toEqual([
        undefined,
        undefined,
        'llm-diff.0',
        'llm-diff.0',
      ]);
    } finally {
      upgraded.close();
    }
    expect((await postgres.execute(url, "SELECT value FROM meta WHERE key = 'schema'")).rows).toEqual([{ value: '6' }]);
    await expect(postgres.execute(url, 'DELETE FROM prompt_templates')).rejects.toThrow(/append-only/);
  });

  it('lets several controllers create the schema at once', async () => {
    const url = await postgres.createDatabase();
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: url }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      // What each PostgresStore does on open; without the advisory lock, concurrent CREATEs collide.
      await Promise.all(
        clients.map((client) =>
          client.query(`BEGIN; SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY}); ${CREATE_META} ${CHECK_VERSION} ${CREATE_SCHEMA} COMMIT;`),
        ),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const first = new PostgresStore(url);
    const second = new PostgresStore(url);
    first.createRun({
      id: 'r1',
      experiment: 'demo',
      experimentDir: '/x',
      config: {},
      settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
      createdAt: 1,
    });
    expect(second.listRuns().map((summary) => summary.id)).toEqual(['r1']);
    first.close();
    second.close();
    expect(() => first.listRuns()).toThrow(/is closed/);
  });

  it('runs and resumes an evolution exactly like SQLite does, and the CLI lists it', async () => {
    const dir = writeTinyExperiment();
    const url = await postgres.createDatabase();
    const sqlite = join(mkdtempSync(join(tmpdir(), 'ouro-pg-e2e-')), 'ouro.db');
    const uninterrupted = await evolve(dir, { db: sqlite, seed: 11, budget: { evaluations: 30 } });
    const firstHalf = await evolve(dir, { db: url, seed: 11, budget: { evaluations: 12 } });
    expect(firstHalf.evaluations).toBe(12);
    expect(firstHalf.store).toBe(url);
    const resumed = await resume(firstHalf.runId, { db: url, budget: { evaluations: 30 } });
    expect(resumed.evaluations).toBe(30);
    expect(resumed.bestScore).toBe(uninterrupted.bestScore);

    const store = new PostgresStore(url, { readonly: true });
    const reference = new SqliteStore(sqlite, { readonly: true });
    try {
      expect(history(store, firstHalf.runId)).toEqual(history(reference, uninterrupted.runId));
      expect(store.listRuns()).toEqual([
        expect.objectContaining({ id: firstHalf.runId, evaluations: 30, status: 'finished', bestScore: resumed.bestScore }),
      ]);
      const ids = store.recentCandidates(firstHalf.runId, 100).map((row) => row.id);
      expect(ids).toHaveLength(30);
      for (const id of ids) expect(store.getGenome(id)?.['solve.js']).toContain('EVOLVE-BLOCK-START');
    } finally {
      store.close();
      reference.close();
    }

    // The CLI opens the same URL, prints the run and exits: a closed store leaves nothing running.
    const { stdout } = await run(process.execPath, [CLI, 'ls', '--db', url, '--json'], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: firstHalf.runId, evaluations: 30 })]);
  });
});
