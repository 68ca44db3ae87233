import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import type { Candidate, Evaluation } from '../core/types.ts';
import { PostgresStore } from './postgres.ts';
import { testPostgres } from './postgres-testing.ts';
import { emptyColumns } from './queries.ts';
import { openDashboardQueries } from './open.ts';
import { PostgresDashboardQueries } from './queries-postgres.ts';

function newRun(store: PostgresStore, id: string): void {
  store.createRun({
    id,
    experiment: 'demo',
    experimentDir: 'demo',
    config: { name: 'demo' },
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 5,
  });
}

function rows(runId: string, seq: number, score: number) {
  const candidate: Candidate = {
    id: `${runId}-${seq}`,
    runId,
    seq,
    parentIds: seq === 0 ? [] : [`${runId}-0`],
    generation: seq === 0 ? 0 : 1,
    island: 0,
    genome: { 'a.js': `v${seq}` },
    origin: { operator: seq === 0 ? 'initial' : 'perturb-number', description: '', diff: '' },
    createdAt: 1000 + seq,
  };
  const evaluation: Evaluation = {
    candidateId: candidate.id,
    status: 'ok',
    score,
    metrics: {},
    privateMetrics: {},
    features: {},
    instances: {},
    feedback: '',
    artifacts: {},
    stage: 'final',
    durationMs: 1,
  };
  return { candidate, evaluation };
}

function commit(store: PostgresStore, runId: string, seq: number, logOrder: number): void {
  const { candidate, evaluation } = rows(runId, seq, seq);
  store.commitCandidate(candidate, evaluation, { rngState: [1, 2, 3, 4], reward: 0, elapsedMs: 10 * seq, genomeHash: `h${seq}`, logOrder });
}

/** What commitCandidate writes, on a connection of the test's own, so that the transaction can be held open. */
async function insertCandidate(client: pg.Client, runId: string, seq: number): Promise<void> {
  await client.query(
    `INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome, genome_hash,
      rng_state, reward, elapsed_ms, log_order, created_at)
    VALUES ($1, $2, $3, '[]', 0, 0, 'perturb-number', '', '', '{}', $4, '[1,2,3,4]', 0, 0, $3, 0)`,
    [`${runId}-${seq}`, runId, seq, `h${seq}`],
  );
  await client.query(
    `INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, artifacts, stage, duration_ms)
    VALUES ($1, $2, 'ok', $3, '{}', '{}', '{}', '', '{}', 'final', 1)`,
    [`${runId}-${seq}`, runId, seq],
  );
}

describe('PostgresDashboardQueries without a server', () => {
  it('fails within seconds with store-open, naming the URL without its password', () => {
    const started = Date.now();
    expect(() => openDashboardQueries('postgres://ouro:secret@127.0.0.1:1/ouro')).toThrow(
      expect.objectContaining({
        code: 'store-open',
        message: expect.stringMatching(/^cannot connect to PostgreSQL database postgres:\/\/ouro@127\.0\.0\.1:1\/ouro: /),
      }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

const postgresService = await requireService('PostgreSQL', probes.postgres);
const postgres = testPostgres();

describe.skipIf(postgresService.missing)(postgresService.title('PostgresDashboardQueries'), () => {
  afterAll(() => postgres.dropDatabases());

  it('refuses a database without Ouroboros tables and creates none', async () => {
    const url = await postgres.createDatabase();
    expect(() => openDashboardQueries(url)).toThrow(
      expect.objectContaining({ code: 'store-open', message: expect.stringContaining(`${url} has no Ouroboros tables`) }),
    );
    const tables = await postgres.execute(url, "SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.rows[0].count).toBe(0);
  });

  it('refuses a database from a newer Ouroboros, and one written before schema 3 until a writer upgrades it', async () => {
    const newer = await postgres.createDatabase();
    new PostgresStore(newer).close();
    await postgres.execute(newer, "UPDATE meta SET value = '99' WHERE key = 'schema'");
    expect(() => openDashboardQueries(newer)).toThrow(
      expect.objectContaining({ code: 'store-version', message: expect.stringContaining('newer Ouroboros (schema 99') }),
    );

    // A version-2 database: candidates without commit_id, of two runs committed in turn.
    const url = await postgres.createDatabase();
    const writer = new PostgresStore(url);
    newRun(writer, 'b');
    newRun(writer, 'a');
    commit(writer, 'b', 0, 0);
    commit(writer, 'a', 0, 0);
    commit(writer, 'a', 2, 1);
    commit(writer, 'b', 1, 1);
    commit(writer, 'a', 1, 2);
    writer.close();
    await postgres.execute(url, "ALTER TABLE candidates DROP COLUMN commit_id; UPDATE meta SET value = '2' WHERE key = 'schema'");
    expect(() => openDashboardQueries(url)).toThrow(
      expect.objectContaining({ code: 'store-version', message: expect.stringContaining('older Ouroboros (schema 2)') }),
    );

    // A controller's open migrates; a second one changes nothing; new commits come after the old.
    new PostgresStore(url).close();
    const before = (await postgres.execute(url, 'SELECT id, commit_id FROM candidates ORDER BY commit_id')).rows;
    const again = new PostgresStore(url);
    expect((await postgres.execute(url, 'SELECT id, commit_id FROM candidates ORDER BY commit_id')).rows).toEqual(before);
    commit(again, 'a', 3, 3);
    again.close();
    expect((await postgres.execute(url, "SELECT value FROM meta WHERE key = 'schema'")).rows).toEqual([{ value: '6' }]);
    const queries = openDashboardQueries(url);
    try {
      const columns = emptyColumns();
      queries.evaluations('a', columns);
      expect(columns.seq).toEqual([0, 2, 1, 3]);
      expect(queries.commitsAfter('a', queries.cursorOf('a', 2) as number).map((row) => row.seq)).toEqual([1, 3]);
      expect(queries.commitsAfter('b', 0).map((row) => row.seq)).toEqual([0, 1]);
    } finally {
      queries.close();
    }
  });

  it('reads one snapshot inside snapshot(), and gives the connection back when the work throws', async () => {
    const url = await postgres.createDatabase();
    const writer = new PostgresStore(url);
    newRun(writer, 'r1');
    commit(writer, 'r1', 0, 0);
    const queries = new PostgresDashboardQueries(url);
    try {
      const seen = queries.snapshot(() => {
        const first = { count: queries.candidateCount('r1'), cursors: queries.cursors('r1') };
        commit(writer, 'r1', 1, 1);
        const nested = queries.snapshot(() => queries.candidateCount('r1'));
        return {
          ...first,
          later: queries.candidateCount('r1'),
          nested,
          commits: queries.commitsAfter('r1', first.cursors.candidates).length,
          top: queries.top('r1', 5),
        };
      });
      expect(seen).toMatchObject({ count: 1, later: 1, nested: 1, commits: 0, top: ['r1-0'] });
      expect(queries.candidateCount('r1')).toBe(2);
      expect(() =>
        queries.snapshot(() => {
          queries.candidateCount('r1');
          throw new Error('the work failed');
        }),
      ).toThrow('the work failed');
      commit(writer, 'r1', 2, 2);
      expect(queries.snapshot(() => queries.candidateCount('r1'))).toBe(3);
      expect(queries.top('r1', 1)).toEqual(['r1-2']);
    } finally {
      queries.close();
      writer.close();
    }
  });

  it('never skips a commit that a slower transaction of another controller makes after a later one', async () => {
    const url = await postgres.createDatabase();
    const writer = new PostgresStore(url);
    newRun(writer, 'a');
    newRun(writer, 'b');
    const queries = new PostgresDashboardQueries(url);
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      const from = { a: queries.cursors('a').candidates, b: queries.cursors('b').candidates };
      // Controller one draws its number and has not committed; controller two commits after it.
      await slow.query('BEGIN');
      await insertCandidate(slow, 'a', 0);
      commit(writer, 'b', 0, 0);
      const seenB = queries.commitsAfter('b', from.b);
      expect(seenB.map((row) => row.id)).toEqual(['b-0']);
      expect(queries.commitsAfter('a', from.a)).toEqual([]);
      const cursorA = queries.cursors('a').candidates;
      await slow.query('COMMIT');
      // The trap is real: the earlier number became visible after the later one.
      const numbers = (await postgres.execute(url, 'SELECT id, commit_id FROM candidates ORDER BY commit_id')).rows.map((row) => row.id);
      expect(numbers).toEqual(['a-0', 'b-0']);
      expect(queries.commitsAfter('a', cursorA).map((row) => row.id)).toEqual(['a-0']);
      expect(queries.commitsAfter('b', seenB[0]!.cursor)).toEqual([]);
      const columns = emptyColumns();
      queries.evaluations('a', columns, 0, queries.cursors('a').candidates);
      expect(columns.seq).toEqual([0]);
    } finally {
      await slow.end();
      queries.close();
      writer.close();
    }
  });
});
