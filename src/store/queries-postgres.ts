import { OuroError } from '../core/errors.ts';
import { POSTGRES_DASHBOARD_MIN_SCHEMA_VERSION, POSTGRES_SCHEMA_VERSION } from './postgres-schema.ts';
import { redactUrl, send, type Statement, type WorkerReply, type WorkerRequest } from './postgres.ts';
import type { CallSummary, CommitRow, Cursors, DashboardQueries, EvaluationColumns, LineageRow, RunListing } from './queries.ts';
import { runSummaryFromRow, type CandidateRow, type EvaluationRow, type LlmCallRow } from './rows.ts';

/*
 * Commit order on PostgreSQL: why every cursor is per run.
 *
 * SQLite has one writer at a time, so a rowid is given out and committed before the next one: a
 * reader that remembers max(rowid) misses nothing. PostgreSQL gives `commit_id` (a sequence) out
 * at INSERT, but transactions commit in any order: with two controllers writing two runs into one
 * database, commit_id 11 (run b) can be visible while 10 (run a) is still in flight, and a global
 * "after 11" would skip 10 for good once it commits.
 *
 * Within one run that cannot happen. A run is written by one controller at a time (fleet workers
 * only evaluate and never touch the store), and its store calls are synchronous: each commit's
 * transaction has ended before the next one's INSERT draws its number. So, within a run, number
 * order is commit order, and once a reader sees a run's commit_id N, every later row of that run
 * gets a number above N. Every cursor here is therefore "the run's max in this table", and every
 * read is filtered by run. The same holds for `proposal_failures.id` and `llm_calls.id`.
 *
 * The alternative, a global bound at the snapshot's xmin (the oldest transaction still running),
 * needs no assumption about writers but stalls every live view while any transaction anywhere in
 * the cluster stays open. Per-run cursors never wait on another run's writer.
 */

const RUN_LISTING = `SELECT r.id, r.experiment, r.created_at,
    (SELECT count(*) FROM candidates c WHERE c.run_id = r.id) AS evaluations,
    (SELECT max(score) FROM evaluations e WHERE e.run_id = r.id AND e.status = 'ok') AS best_score,
    (SELECT kind FROM run_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event,
    (SELECT coalesce(sum(cost_usd), 0) FROM llm_calls l WHERE l.run_id = r.id) AS cost_usd,
    (SELECT coalesce(sum(input_tokens + output_tokens), 0)::bigint FROM llm_calls l WHERE l.run_id = r.id) AS tokens
  FROM runs r`;

const CURSORS = `SELECT (SELECT coalesce(max(commit_id), 0) FROM candidates WHERE run_id = $1) AS candidates,
  (SELECT coalesce(max(id), 0) FROM proposal_failures WHERE run_id = $1) AS failures,
  (SELECT coalesce(max(id), 0) FROM llm_calls WHERE run_id = $1) AS calls`;

const EVALUATIONS = `SELECT c.seq, e.score, e.status, c.island, c.operator, c.elapsed_ms, c.created_at, c.reward
  FROM candidates c JOIN evaluations e ON e.candidate_id = c.id
  WHERE c.run_id = $1 AND c.commit_id > $2 AND c.commit_id <= $3 ORDER BY c.commit_id`;

const SCORED = `SELECT c.id, c.island, c.parent_ids, e.score, e.features FROM candidates c JOIN evaluations e ON e.candidate_id = c.id
  WHERE c.run_id = $1 AND c.commit_id > $2 AND c.commit_id <= $3 AND e.status = 'ok' ORDER BY c.commit_id`;

const COMMITS_AFTER = `SELECT c.commit_id, c.id, c.seq, c.parent_ids, c.generation, c.island, c.operator, e.status, e.score, c.elapsed_ms
  FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = $1 AND c.commit_id > $2 ORDER BY c.commit_id LIMIT $3`;

const NODE = `SELECT c.id, c.seq, c.parent_ids, c.generation, c.island, c.operator, e.status, e.score
  FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.id = $1`;

// A candidate and every ancestor not yet known, in one round trip: lineage walks whole families,
// and one trip per node adds up on a server across the network. Parent ids are a JSON array.
const FAMILY = `WITH RECURSIVE family(id) AS (
    SELECT $1::text
    UNION
    SELECT parent.value FROM family JOIN candidates c ON c.id = family.id
      CROSS JOIN LATERAL jsonb_array_elements_text(c.parent_ids::jsonb) AS parent(value)
      WHERE parent.value <> ALL($2::text[])
  )
  SELECT c.id, c.seq, c.parent_ids, c.generation, c.island, c.operator, e.status, e.score
  FROM family JOIN candidates c ON c.id = family.id JOIN evaluations e ON e.candidate_id = c.id`;

type Row = Record<string, unknown>;

export interface PostgresQueriesOptions {
  /** How long to wait for the server before failing (default 3 s). */
  connectTimeoutMs?: number;
}

/**
 * The dashboard's queries over a PostgreSQL run database, through the worker thread PostgresStore
 * uses. The connection is read-only (`default_transaction_read_only`) and the schema is only
 * checked, never created: the dashboard never writes.
 *
 * @example
 * const queries = new PostgresDashboardQueries('postgres://ouro@db.example/ouro');
 * console.log(queries.runs().map((run) => run.id));
 * queries.close();
 */
export class PostgresDashboardQueries implements DashboardQueries {
  readonly location: string;
  private handle: number | undefined;
  /** Lineage rows fetched during the current snapshot; candidates never change once committed. */
  private family: Map<string, LineageRow> | undefined;
  private depth = 0;

  /** Throws `store-open` when the server or the tables are missing, `store-version` for a schema this version does not read. */
  constructor(url: string, options: PostgresQueriesOptions = {}) {
    this.location = redactUrl(url);
    const reply = this.send({ op: 'open', url, readonly: true, connectTimeoutMs: options.connectTimeoutMs ?? 3000 });
    this.handle = (reply as { handle: number }).handle;
    try {
      const found = this.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'")[0];
      const version = Number(found?.value);
      if (!Number.isInteger(version)) {
        throw new OuroError(
          'store-open',
          `${this.location} has no Ouroboros schema version: start a run into it with \`ouro run <experiment> --db <url>\``,
          { file: this.location },
        );
      }
      if (version > POSTGRES_SCHEMA_VERSION) {
        throw new OuroError(
          'store-version',
          `${this.location} was written by a newer Ouroboros (schema ${version}; ` +
            `this one reads ${POSTGRES_SCHEMA_VERSION}); upgrade to view it`,
          { file: this.location },
        );
      }
      if (version < POSTGRES_DASHBOARD_MIN_SCHEMA_VERSION) {
        throw new OuroError(
          'store-version',
          `${this.location} was written by an older Ouroboros (schema ${version}); \`ouro resume <run> --db <url>\` on one ` +
            `of its runs upgrades it`,
          { file: this.location },
        );
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private send(request: WorkerRequest): WorkerReply {
    return send(this.location, request);
  }

  private open(): number {
    if (this.handle === undefined) throw new OuroError('store-open', `database ${this.location} is closed`, { file: this.location });
    return this.handle;
  }

  private query<T = Row>(text: string, values: unknown[] = []): T[] {
    const statements: Statement[] = [{ text, values }];
    return ((this.send({ op: 'run', handle: this.open(), statements, transaction: false }) as { rows: unknown[][] }).rows[0] ?? []) as T[];
  }

  runs(): RunListing[] {
    return this.query(`${RUN_LISTING} ORDER BY r.created_at, r.id`).map(listing);
  }

  run(runId: string): RunListing | undefined {
    const row = this.query(`${RUN_LISTING} WHERE r.id = $1`, [runId])[0];
    return row ? listing(row) : undefined;
  }

  runConfig(runId: string): { config: Record<string, unknown>; settings: Record<string, unknown> } | undefined {
    const row = this.query<{ config: string; settings: string }>('SELECT config, settings FROM runs WHERE id = $1', [runId])[0];
    return row ? { config: JSON.parse(row.config), settings: JSON.parse(row.settings) } : undefined;
  }

  cursors(runId: string): Cursors {
    const row = this.query<Cursors>(CURSORS, [runId])[0];
    return { candidates: row?.candidates ?? 0, failures: row?.failures ?? 0, calls: row?.calls ?? 0 };
  }

  evaluations(runId: string, columns: EvaluationColumns, after = 0, upTo = Number.MAX_SAFE_INTEGER): void {
    for (const row of this.query(EVALUATIONS, [runId, after, upTo])) {
      columns.seq.push(row.seq as number);
      columns.score.push(row.status === 'ok' ? (row.score as number | null) : null);
      columns.status.push(row.status as string);
      columns.island.push(row.island as number);
      columns.operator.push(row.operator as string);
      columns.elapsedMs.push(row.elapsed_ms as number);
      columns.createdAt.push(row.created_at as number);
      columns.reward.push(row.reward as number);
    }
  }

  sessionStarts(runId: string): number[] {
    return this.query<{ at: number }>("SELECT at FROM run_events WHERE run_id = $1 AND kind IN ('started', 'resumed') ORDER BY id", [
      runId,
    ]).map((row) => row.at);
  }

  calls(runId: string, after = 0, upTo = Number.MAX_SAFE_INTEGER): CallSummary[] {
    return this.query(
      `SELECT model, operator, input_tokens + output_tokens AS tokens, cost_usd, latency_ms, started_at, error_kind IS NOT NULL AS failed
      FROM llm_calls WHERE run_id = $1 AND id > $2 AND id <= $3 ORDER BY id`,
      [runId, after, upTo],
    ).map((row) => ({
      model: row.model as string,
      operator: row.operator as string,
      tokens: row.tokens as number,
      costUsd: row.cost_usd as number,
      latencyMs: row.latency_ms as number,
      startedAt: row.started_at as number,
      failed: row.failed as boolean,
    }));
  }

  failedProposals(runId: string, counts: Map<string, number>, after = 0, upTo = Number.MAX_SAFE_INTEGER): void {
    const rows = this.query<{ operator: string; count: number }>(
      `SELECT operator, sum(count)::bigint AS count FROM proposal_failures
      WHERE run_id = $1 AND id > $2 AND id <= $3 GROUP BY operator`,
      [runId, after, upTo],
    );
    for (const { operator, count } of rows) counts.set(operator, (counts.get(operator) ?? 0) + count);
  }

  lessons(runId: string): Array<{ evaluations: number; source: string; lessons: string[] }> {
    return this.query<{ evaluations: number; source: string; lessons: string }>(
      'SELECT evaluations, source, lessons FROM lessons WHERE run_id = $1 ORDER BY id',
      [runId],
    ).map((row) => ({ evaluations: row.evaluations, source: row.source, lessons: JSON.parse(row.lessons) as string[] }));
  }

  top(runId: string, count: number): string[] {
    return this.query<{ candidate_id: string }>(
      `SELECT candidate_id FROM evaluations WHERE run_id = $1 AND status = 'ok'
      ORDER BY score DESC, candidate_id LIMIT $2`,
      [runId, count],
    ).map((row) => row.candidate_id);
  }

  candidateCount(runId: string): number {
    return this.query<{ count: number }>('SELECT count(*) AS count FROM candidates WHERE run_id = $1', [runId])[0]?.count ?? 0;
  }

  lineageRow(id: string): LineageRow | undefined {
    const known = this.family;
    if (!known) return this.query(NODE, [id]).map(lineageRow)[0];
    const held = known.get(id);
    if (held) return held;
    for (const row of this.query(FAMILY, [id, [...known.keys()]])) known.set(row.id as string, lineageRow(row));
    return known.get(id);
  }

  *scored(
    runId: string,
    after = 0,
    upTo = Number.MAX_SAFE_INTEGER,
  ): Iterable<{ id: string; island: number; root: boolean; score: number; features: Record<string, number> }> {
    for (const row of this.query(SCORED, [runId, after, upTo])) {
      yield {
        id: row.id as string,
        island: row.island as number,
        root: row.parent_ids === '[]',
        score: row.score as number,
        features: JSON.parse(row.features as string) as Record<string, number>,
      };
    }
  }

  candidate(id: string): { candidate: CandidateRow; evaluation: EvaluationRow } | undefined {
    const candidate = this.query<CandidateRow>('SELECT * FROM candidates WHERE id = $1', [id])[0];
    if (!candidate) return undefined;
    return {
      candidate,
      evaluation: this.query<EvaluationRow>('SELECT * FROM evaluations WHERE candidate_id = $1', [id])[0] as EvaluationRow,
    };
  }

  genome(id: string): Record<string, string> | undefined {
    const row = this.query<{ genome: string }>('SELECT genome FROM candidates WHERE id = $1', [id])[0];
    return row === undefined ? undefined : (JSON.parse(row.genome) as Record<string, string>);
  }

  children(id: string): string[] {
    return this.query<{ child_id: string }>('SELECT child_id FROM candidate_parents WHERE parent_id = $1', [id]).map((row) => row.child_id);
  }

  proposalCalls(runId: string, proposal: string): LlmCallRow[] {
    return this.query<LlmCallRow>('SELECT * FROM llm_calls WHERE run_id = $1 AND proposal = $2 ORDER BY id', [runId, proposal]);
  }

  cursorOf(runId: string, seq: number): number | undefined {
    return this.query<{ commit_id: number }>('SELECT commit_id FROM candidates WHERE run_id = $1 AND seq = $2', [runId, seq])[0]?.commit_id;
  }

  commitsAfter(runId: string, cursor: number, limit = 500): CommitRow[] {
    return this.query(COMMITS_AFTER, [runId, cursor, limit]).map((row) => ({
      ...lineageRow(row),
      cursor: row.commit_id as number,
      elapsedMs: row.elapsed_ms as number,
    }));
  }

  /** Capabilities that keep their own tables (the DGM) keep them in SQLite only: none here. */
  sqliteConnection(): undefined {
    return undefined;
  }

  /**
   * Runs `work` in one REPEATABLE READ READ ONLY transaction on one connection, which the worker
   * holds until `work` returns: every query in it sees the database as of its first statement.
   * A snapshot inside another joins it.
   */
  snapshot<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.send({ op: 'snapshot', handle: this.open() });
    this.depth++;
    this.family = new Map();
    try {
      return work();
    } finally {
      this.depth--;
      this.family = undefined;
      if (this.handle !== undefined) this.send({ op: 'release', handle: this.handle });
    }
  }

  close(): void {
    if (this.handle === undefined) return;
    const handle = this.handle;
    this.handle = undefined;
    this.send({ op: 'close', handle });
  }
}

function listing(row: Row): RunListing {
  return {
    ...runSummaryFromRow(row as Record<string, string | number | null>),
    costUsd: row.cost_usd as number,
    tokens: row.tokens as number,
  };
}

function lineageRow(row: Row): LineageRow {
  return {
    id: row.id as string,
    seq: row.seq as number,
    parentIds: JSON.parse(row.parent_ids as string) as string[],
    generation: row.generation as number,
    island: row.island as number,
    operator: row.operator as string,
    status: row.status as string,
    score: row.status === 'ok' ? (row.score as number | null) : null,
  };
}
