import type { LlmExchange } from '../../core/model.ts';
import type { AgentRecord, AgentStore, DgmEventKind, DgmRunRecord, DgmRunSummary, NewAgentRecord, NewDgmRun } from './store.ts';
import { exchangeFromRow, exchangeToRow, runStatusOf, type LlmCallRow } from '../../store/rows.ts';
import { appendOnlyTriggers, insertLlmCall, llmCallsTable } from '../../store/schema.ts';
import type { SqliteDatabase, SqliteTables } from '../../store/sqlite.ts';

/**
 * The DGM tables. `dgm_llm_calls` has the columns of `llm_calls` (whose run_id references `runs`)
 * and the same row mapping (`exchangeToRow`/`exchangeFromRow`). They are created by the first
 * writable `store.tables(DGM_TABLES)` call rather than by a schema migration: they are new tables
 * only, so creating them is idempotent and leaves the schema version (and every older reader)
 * alone. Append-only, like every other table.
 */
const DGM_DDL = `
CREATE TABLE IF NOT EXISTS dgm_runs (
  id TEXT PRIMARY KEY,
  initial_agent TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dgm_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES dgm_runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dgm_events_run ON dgm_events(run_id, id);
CREATE TABLE IF NOT EXISTS dgm_agents (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES dgm_runs(id),
  seq INTEGER NOT NULL,
  parent_id TEXT,
  kept INTEGER NOT NULL,
  discard_reason TEXT,
  diff TEXT NOT NULL,
  hash TEXT NOT NULL,
  code TEXT,
  score REAL,
  scores TEXT NOT NULL,
  results TEXT NOT NULL,
  diagnosis TEXT,
  metrics TEXT NOT NULL,
  violations TEXT NOT NULL,
  flags TEXT NOT NULL,
  rng_state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (run_id, seq)
);
${llmCallsTable('dgm_llm_calls', 'dgm_runs')}
${appendOnlyTriggers(['dgm_runs', 'dgm_events', 'dgm_agents', 'dgm_llm_calls'])}
`;

/**
 * The DGM runs of a SQLite store.
 *
 * @example
 * const agents = new SqliteStore('.ouro/ouro.db').tables(DGM_TABLES);
 */
export const DGM_TABLES: SqliteTables<AgentStore> = {
  marker: 'dgm_agents',
  ddl: DGM_DDL,
  open: (db, write) => new SqliteAgentStore(db, write),
};

interface AgentRow {
  id: string;
  run_id: string;
  seq: number;
  parent_id: string | null;
  kept: number;
  discard_reason: string | null;
  diff: string;
  hash: string;
  code: string | null;
  score: number | null;
  scores: string;
  results: string;
  diagnosis: string | null;
  metrics: string;
  violations: string;
  flags: string;
  rng_state: string;
  created_at: number;
}

/** The DGM tables of a SQLite database. */
export class SqliteAgentStore implements AgentStore {
  private readonly statements;
  private readonly calls: { insert: ReturnType<SqliteDatabase['prepare']>; all: ReturnType<SqliteDatabase['prepare']> } | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.statements = {
      insertRun: db.prepare('INSERT INTO dgm_runs (id, initial_agent, settings, created_at) VALUES (?, ?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM dgm_runs WHERE id = ?'),
      lastEvent: db.prepare('SELECT kind FROM dgm_events WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO dgm_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)'),
      listRuns: db.prepare(`SELECT r.id, r.settings, r.created_at,
          (SELECT count(*) FROM dgm_agents a WHERE a.run_id = r.id) AS agents,
          (SELECT count(*) FROM dgm_agents a WHERE a.run_id = r.id AND a.kept = 1) AS kept,
          (SELECT max(score) FROM dgm_agents a WHERE a.run_id = r.id AND a.kept = 1) AS best_score,
          (SELECT kind FROM dgm_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM dgm_runs r ORDER BY r.created_at, r.id`),
      insertAgent:
        db.prepare(`INSERT INTO dgm_agents (id, run_id, seq, parent_id, kept, discard_reason, diff, hash, code, score, scores, results,
          diagnosis, metrics, violations, flags, rng_state, created_at)
        VALUES (@id, @run_id, @seq, @parent_id, @kept, @discard_reason, @diff, @hash, @code, @score, @scores, @results,
          @diagnosis, @metrics, @violations, @flags, @rng_state, @created_at)`),
      agents: db.prepare('SELECT * FROM dgm_agents WHERE run_id = ? ORDER BY seq'),
    };
    // A file opened read-only that predates the calls table simply has no recorded calls.
    const calls = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dgm_llm_calls'").get() !== undefined;
    this.calls = calls
      ? {
          insert: db.prepare(insertLlmCall('dgm_llm_calls')),
          all: db.prepare('SELECT * FROM dgm_llm_calls WHERE run_id = ? ORDER BY id'),
        }
      : undefined;
  }

  createDgmRun(run: NewDgmRun): void {
    this.write(() =>
      this.db
        .transaction(() => {
          this.statements.insertRun.run(run.id, JSON.stringify(run.initialAgent), JSON.stringify(run.settings), run.createdAt);
          this.statements.insertEvent.run(run.id, 'started', null, run.createdAt);
        })
        .immediate(),
    );
  }

  getDgmRun(id: string): DgmRunRecord | undefined {
    const row = this.statements.getRun.get(id) as { id: string; initial_agent: string; settings: string; created_at: number } | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    return {
      id: row.id,
      initialAgent: JSON.parse(row.initial_agent),
      settings: JSON.parse(row.settings),
      createdAt: row.created_at,
      status: runStatusOf(last?.kind),
    };
  }

  listDgmRuns(): DgmRunSummary[] {
    const rows = this.statements.listRuns.all() as Array<{
      id: string;
      settings: string;
      created_at: number;
      agents: number;
      kept: number;
      best_score: number | null;
      last_event: string | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      bench: (JSON.parse(row.settings) as { bench: string }).bench,
      status: runStatusOf(row.last_event),
      agents: row.agents,
      kept: row.kept,
      bestScore: row.best_score,
      createdAt: row.created_at,
    }));
  }

  appendDgmEvent(runId: string, kind: DgmEventKind, data?: unknown): void {
    this.write(() => this.statements.insertEvent.run(runId, kind, data === undefined ? null : JSON.stringify(data), Date.now()));
  }

  recordAgent(agent: NewAgentRecord): void {
    // One statement, so one transaction: a kill -9 leaves the agent either fully written or absent.
    this.write(() =>
      this.db
        .transaction(() =>
          this.statements.insertAgent.run({
            id: agent.id,
            run_id: agent.runId,
            seq: agent.seq,
            parent_id: agent.parentId,
            kept: agent.kept ? 1 : 0,
            discard_reason: agent.discardReason ?? null,
            diff: agent.diff,
            hash: agent.hash,
            code: agent.code === undefined ? null : JSON.stringify(agent.code),
            score: agent.score,
            scores: JSON.stringify(agent.scores),
            results: JSON.stringify(agent.results),
            diagnosis: agent.diagnosis === undefined ? null : JSON.stringify(agent.diagnosis),
            metrics: JSON.stringify(agent.metrics),
            violations: JSON.stringify(agent.violations),
            flags: JSON.stringify(agent.flags),
            rng_state: JSON.stringify(agent.rngState),
            created_at: agent.createdAt,
          }),
        )
        .immediate(),
    );
  }

  recordDgmLlmCall(runId: string, exchange: LlmExchange): void {
    const calls = this.calls;
    if (!calls) throw new Error('this database has no dgm_llm_calls table: open it for writing once to add it');
    this.write(() => calls.insert.run(exchangeToRow(runId, exchange)));
  }

  dgmLlmCalls(runId: string): LlmExchange[] {
    return this.calls ? (this.calls.all.all(runId) as LlmCallRow[]).map(exchangeFromRow) : [];
  }

  agents(runId: string): AgentRecord[] {
    return (this.statements.agents.all(runId) as AgentRow[]).map((row) => ({
      id: row.id,
      runId: row.run_id,
      seq: row.seq,
      parentId: row.parent_id,
      kept: row.kept === 1,
      ...(row.discard_reason === null ? {} : { discardReason: row.discard_reason }),
      diff: row.diff,
      hash: row.hash,
      ...(row.code === null ? {} : { code: JSON.parse(row.code) }),
      score: row.score,
      scores: JSON.parse(row.scores),
      results: JSON.parse(row.results),
      ...(row.diagnosis === null ? {} : { diagnosis: JSON.parse(row.diagnosis) }),
      metrics: JSON.parse(row.metrics),
      violations: JSON.parse(row.violations),
      flags: JSON.parse(row.flags),
      rngState: JSON.parse(row.rng_state),
      createdAt: row.created_at,
    }));
  }
}
