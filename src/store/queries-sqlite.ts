import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OuroError } from '../core/errors.ts';
import { DASHBOARD_MIN_SCHEMA_VERSION, SCHEMA_VERSION } from './schema.ts';
import { runSummaryFromRow, type CandidateRow, type EvaluationRow, type LlmCallRow } from './rows.ts';
import type { CallSummary, CommitRow, Cursors, DashboardQueries, EvaluationColumns, LineageRow, RunListing } from './queries.ts';

const RUN_LISTING = `SELECT r.id, r.experiment, r.created_at,
    (SELECT count(*) FROM candidates c WHERE c.run_id = r.id) AS evaluations,
    (SELECT max(score) FROM evaluations e WHERE e.run_id = r.id AND e.status = 'ok') AS best_score,
    (SELECT kind FROM run_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event,
    (SELECT coalesce(sum(cost_usd), 0) FROM llm_calls l WHERE l.run_id = r.id) AS cost_usd,
    (SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_calls l WHERE l.run_id = r.id) AS tokens
  FROM runs r`;

function prepare(db: Database.Database) {
  return {
    runs: db.prepare(`${RUN_LISTING} ORDER BY r.created_at, r.id`),
    run: db.prepare(`${RUN_LISTING} WHERE r.id = ?`),
    runConfig: db.prepare('SELECT config, settings FROM runs WHERE id = ?'),
    // rowid is commit order: the tables are append-only, and seq is given out at proposal time. A
    // first read finds the run's rows by index; a later one reads only the rows after its cursor.
    cursors: db
      .prepare(`SELECT (SELECT coalesce(max(rowid), 0) FROM candidates), (SELECT coalesce(max(id), 0) FROM proposal_failures),
      (SELECT coalesce(max(id), 0) FROM llm_calls)`)
      .raw(),
    evaluations: db
      .prepare(`SELECT c.seq, e.score, e.status, c.island, c.operator, c.elapsed_ms, c.created_at, c.reward
      FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = ? AND c.rowid > ? AND c.rowid <= ? ORDER BY c.rowid`)
      .raw(),
    evaluationsAfter: db
      .prepare(
        `SELECT c.seq, e.score, e.status, c.island, c.operator, c.elapsed_ms, c.created_at, c.reward
      FROM candidates c NOT INDEXED JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = ? AND c.rowid > ? AND ` +
          `c.rowid <= ? ORDER BY c.rowid`,
      )
      .raw(),
    sessions: db.prepare("SELECT at FROM run_events WHERE run_id = ? AND kind IN ('started', 'resumed') ORDER BY id").pluck(),
    calls: db
      .prepare(`SELECT model, operator, input_tokens + output_tokens, cost_usd, latency_ms, started_at, error_kind IS NOT NULL
      FROM llm_calls WHERE run_id = ? AND id > ? AND id <= ? ORDER BY id`)
      .raw(),
    failures: db
      .prepare('SELECT operator, sum(count) FROM proposal_failures WHERE run_id = ? AND id > ? AND id <= ? GROUP BY operator')
      .raw(),
    failuresAfter: db
      .prepare('SELECT operator, sum(count) FROM proposal_failures NOT INDEXED WHERE run_id = ? AND id > ? AND id <= ? GROUP BY operator')
      .raw(),
    lessons: db.prepare('SELECT evaluations, source, lessons FROM lessons WHERE run_id = ? ORDER BY id'),
    top: db
      .prepare(`SELECT candidate_id FROM evaluations WHERE run_id = ? AND status = 'ok'
      ORDER BY score DESC, candidate_id LIMIT ?`)
      .pluck(),
    count: db.prepare('SELECT count(*) FROM candidates WHERE run_id = ?').pluck(),
    node: db
      .prepare(`SELECT c.seq, c.parent_ids, c.generation, c.island, c.operator, e.status, e.score
      FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.id = ?`)
      .raw(),
    scored: db
      .prepare(`SELECT c.id, c.island, c.parent_ids, e.score, e.features FROM candidates c CROSS JOIN evaluations e ON e.candidate_id = c.id
      WHERE c.run_id = ? AND c.rowid > ? AND c.rowid <= ? AND e.status = 'ok'`)
      .raw(),
    scoredAfter: db
      .prepare(
        `SELECT c.id, c.island, c.parent_ids, e.score, e.features FROM candidates c NOT INDEXED CROSS JOIN evaluations ` +
          `e ON e.candidate_id = c.id
      WHERE c.run_id = ? AND c.rowid > ? AND c.rowid <= ? AND e.status = 'ok'`,
      )
      .raw(),
    candidate: db.prepare('SELECT * FROM candidates WHERE id = ?'),
    evaluation: db.prepare('SELECT * FROM evaluations WHERE candidate_id = ?'),
    genome: db.prepare('SELECT genome FROM candidates WHERE id = ?').pluck(),
    children: db.prepare('SELECT child_id FROM candidate_parents WHERE parent_id = ?').pluck(),
    proposalCalls: db.prepare('SELECT * FROM llm_calls WHERE run_id = ? AND proposal = ? ORDER BY id'),
    cursorOf: db.prepare('SELECT rowid FROM candidates WHERE run_id = ? AND seq = ?').pluck(),
    commitsAfter: db
      .prepare(
        `SELECT c.rowid, c.id, c.seq, c.parent_ids, c.generation, c.island, c.operator, e.status, e.score, c.elapsed_ms
      FROM candidates c NOT INDEXED JOIN evaluations e ON e.candidate_id = c.id WHERE c.rowid > ? AND c.run_id = ? ` +
          `ORDER BY c.rowid LIMIT ?`,
      )
      .raw(),
  };
}

/** Why a file cannot be read as an Ouroboros database, with the file named. */
function openError(path: string, error: unknown): OuroError {
  if (error instanceof OuroError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /no such table/.test(message)) {
    return new OuroError('store-corrupt', `${path} is not an Ouroboros database or is damaged: ${message}`, { file: path, cause: error });
  }
  return new OuroError('store-open', `cannot open database ${path}: ${message}`, { file: path, cause: error });
}

/**
 * Read-only queries for the dashboard over a run database. The connection is opened read-only,
 * so it never takes the write lock: in WAL mode a running engine commits while the dashboard reads.
 *
 * @example
 * const queries = new SqliteDashboardQueries('.ouro/ouro.db');
 * console.log(queries.runs().map((run) => run.id));
 */
export class SqliteDashboardQueries implements DashboardQueries {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;

  /**
   * Throws `store-open` when the file is missing or unreadable, `store-corrupt` or `store-version` when it is
   * not a database this version reads.
   */
  constructor(path: string) {
    this.location = resolve(path);
    if (!existsSync(this.location)) {
      throw new OuroError('store-open', `no database at ${path}: start a run with \`ouro run <experiment>\`, or pass --db <file>`, {
        file: path,
      });
    }
    if (statSync(this.location).isDirectory())
      throw new OuroError('store-open', `cannot open database ${path}: it is a folder`, { file: path });
    let db: Database.Database | undefined;
    try {
      db = new Database(this.location, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const version = Number(db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() ?? 1);
      if (version < DASHBOARD_MIN_SCHEMA_VERSION || version > SCHEMA_VERSION) {
        throw new OuroError(
          'store-version',
          version > SCHEMA_VERSION
            ? `${path} was written by a newer Ouroboros (schema ${version}; this one reads ${SCHEMA_VERSION}); upgrade to view it`
            : `${path} was written by an older Ouroboros (schema ${version}); \`ouro resume\` on one of its runs upgrades it`,
          { file: path },
        );
      }
      this.statements = prepare(db);
      this.db = db;
    } catch (error) {
      db?.close();
      throw openError(path, error);
    }
  }

  runs(): RunListing[] {
    return (this.statements.runs.all() as Array<Record<string, unknown>>).map(listing);
  }

  run(runId: string): RunListing | undefined {
    const row = this.statements.run.get(runId) as Record<string, unknown> | undefined;
    return row ? listing(row) : undefined;
  }

  /** The run's stored config and settings, parsed. */
  runConfig(runId: string): { config: Record<string, unknown>; settings: Record<string, unknown> } | undefined {
    const row = this.statements.runConfig.get(runId) as { config: string; settings: string } | undefined;
    return row ? { config: JSON.parse(row.config), settings: JSON.parse(row.settings) } : undefined;
  }

  /**
   * Where each append-only table ends now, over the whole file: SQLite commits one writer at a time, so rowids
   * follow commit order across runs.
   */
  cursors(_runId: string): Cursors {
    const [candidates, failures, calls] = this.statements.cursors.get() as [number, number, number];
    return { candidates, failures, calls };
  }

  /** Appends the run's commits in (after, upTo] of the candidates table to `columns`, in commit order. */
  evaluations(runId: string, columns: EvaluationColumns, after = 0, upTo = Number.MAX_SAFE_INTEGER): void {
    const statement = after === 0 ? this.statements.evaluations : this.statements.evaluationsAfter;
    for (const row of statement.iterate(runId, after, upTo) as IterableIterator<
      [number, number | null, string, number, string, number, number, number]
    >) {
      columns.seq.push(row[0]);
      columns.score.push(row[2] === 'ok' ? row[1] : null);
      columns.status.push(row[2]);
      columns.island.push(row[3]);
      columns.operator.push(row[4]);
      columns.elapsedMs.push(row[5]);
      columns.createdAt.push(row[6]);
      columns.reward.push(row[7]);
    }
  }

  /** Wall-clock start of each session of the run (epoch ms), oldest first. */
  sessionStarts(runId: string): number[] {
    return this.statements.sessions.all(runId) as number[];
  }

  /** The run's model calls in (after, upTo] of the calls table. */
  calls(runId: string, after = 0, upTo = Number.MAX_SAFE_INTEGER): CallSummary[] {
    return (this.statements.calls.all(runId, after, upTo) as Array<[string, string, number, number, number, number, number]>).map(
      (row) => ({
        model: row[0],
        operator: row[1],
        tokens: row[2],
        costUsd: row[3],
        latencyMs: row[4],
        startedAt: row[5],
        failed: row[6] === 1,
      }),
    );
  }

  /** Proposals that produced no evaluated child, by operator, in (after, upTo] of their table, added to `counts`. */
  failedProposals(runId: string, counts: Map<string, number>, after = 0, upTo = Number.MAX_SAFE_INTEGER): void {
    const statement = after === 0 ? this.statements.failures : this.statements.failuresAfter;
    for (const [operator, count] of statement.all(runId, after, upTo) as Array<[string, number]>)
      counts.set(operator, (counts.get(operator) ?? 0) + count);
  }

  lessons(runId: string): Array<{ evaluations: number; source: string; lessons: string[] }> {
    const rows = this.statements.lessons.all(runId) as Array<{ evaluations: number; source: string; lessons: string }>;
    return rows.map((row) => ({ evaluations: row.evaluations, source: row.source, lessons: JSON.parse(row.lessons) as string[] }));
  }

  /** Ids of the `count` best ok candidates, best first (ties by id, as the store breaks them). */
  top(runId: string, count: number): string[] {
    return this.statements.top.all(runId, count) as string[];
  }

  candidateCount(runId: string): number {
    return this.statements.count.get(runId) as number;
  }

  lineageRow(id: string): LineageRow | undefined {
    const row = this.statements.node.get(id) as [number, string, number, number, string, string, number | null] | undefined;
    if (!row) return undefined;
    return {
      id,
      seq: row[0],
      parentIds: JSON.parse(row[1]) as string[],
      generation: row[2],
      island: row[3],
      operator: row[4],
      status: row[5],
      score: row[5] === 'ok' ? row[6] : null,
    };
  }

  /** The run's ok candidates in (after, upTo] of the candidates table, with score and features, for binning into a grid. */
  *scored(
    runId: string,
    after = 0,
    upTo = Number.MAX_SAFE_INTEGER,
  ): Iterable<{ id: string; island: number; root: boolean; score: number; features: Record<string, number> }> {
    const statement = after === 0 ? this.statements.scored : this.statements.scoredAfter;
    for (const row of statement.iterate(runId, after, upTo) as IterableIterator<[string, number, string, number, string]>) {
      yield { id: row[0], island: row[1], root: row[2] === '[]', score: row[3], features: JSON.parse(row[4]) as Record<string, number> };
    }
  }

  candidate(id: string): { candidate: CandidateRow; evaluation: EvaluationRow } | undefined {
    const candidate = this.statements.candidate.get(id) as CandidateRow | undefined;
    if (!candidate) return undefined;
    return { candidate, evaluation: this.statements.evaluation.get(id) as EvaluationRow };
  }

  genome(id: string): Record<string, string> | undefined {
    const text = this.statements.genome.get(id) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, string>);
  }

  children(id: string): string[] {
    return this.statements.children.all(id) as string[];
  }

  proposalCalls(runId: string, proposal: string): LlmCallRow[] {
    return this.statements.proposalCalls.all(runId, proposal) as LlmCallRow[];
  }

  /** The commit position of the run's candidate `seq`, or undefined when it has none. */
  cursorOf(runId: string, seq: number): number | undefined {
    return this.statements.cursorOf.get(runId, seq) as number | undefined;
  }

  /** The run's commits after `cursor`, oldest first, at most `limit`. */
  commitsAfter(runId: string, cursor: number, limit = 500): CommitRow[] {
    const rows = this.statements.commitsAfter.all(cursor, runId, limit) as Array<
      [number, string, number, string, number, number, string, string, number | null, number]
    >;
    return rows.map((row) => ({
      cursor: row[0],
      id: row[1],
      seq: row[2],
      parentIds: JSON.parse(row[3]) as string[],
      generation: row[4],
      island: row[5],
      operator: row[6],
      status: row[7],
      score: row[7] === 'ok' ? row[8] : null,
      elapsedMs: row[9],
    }));
  }

  sqliteConnection(): Database.Database {
    return this.db;
  }

  /** Runs several queries on one snapshot, so a commit in between cannot make them disagree. */
  snapshot<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function listing(row: Record<string, unknown>): RunListing {
  return {
    ...runSummaryFromRow(row as Record<string, string | number | null>),
    costUsd: row.cost_usd as number,
    tokens: row.tokens as number,
  };
}
