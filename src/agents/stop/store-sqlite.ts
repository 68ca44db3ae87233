import type { LlmExchange } from '../../core/model.ts';
import { exchangeFromRow, exchangeToRow, runStatusOf, type LlmCallRow } from '../../store/rows.ts';
import { appendOnlyTriggers, insertLlmCall, llmCallsTable } from '../../store/schema.ts';
import type { SqliteDatabase, SqliteTables } from '../../store/sqlite.ts';
import type { StopRound } from './report.ts';
import type { NewStopRun, StopEventKind, StopRunRecord, StopRunSettings, StopRunSummary, StopStore } from './store.ts';

/**
 * The STOP tables. `stop_llm_calls` has the columns of `llm_calls` and its row mapping, as
 * `dgm_llm_calls` does. Like the DGM's, they are created by the first writable
 * `store.tables(STOP_TABLES)` call: new tables only, so the schema version stays as it is.
 */
const STOP_DDL = `
CREATE TABLE IF NOT EXISTS stop_runs (
  id TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  seed_improver TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stop_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES stop_runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS stop_events_run ON stop_events(run_id, id);
CREATE TABLE IF NOT EXISTS stop_rounds (
  run_id TEXT NOT NULL REFERENCES stop_runs(id),
  round INTEGER NOT NULL,
  status TEXT NOT NULL,
  message TEXT,
  source TEXT,
  meta_utility REAL,
  accepted INTEGER NOT NULL,
  tasks TEXT NOT NULL,
  evaluations TEXT NOT NULL,
  spend TEXT NOT NULL,
  wall_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, round)
);
${llmCallsTable('stop_llm_calls', 'stop_runs')}
${appendOnlyTriggers(['stop_runs', 'stop_events', 'stop_rounds', 'stop_llm_calls'])}
`;

/**
 * The STOP runs of a SQLite store.
 *
 * @example
 * const stops = new SqliteStore('.ouro/ouro.db').tables(STOP_TABLES);
 * stops?.stopRounds('s1a2b3c4').map((round) => round.metaUtility);
 */
export const STOP_TABLES: SqliteTables<StopStore> = {
  marker: 'stop_rounds',
  ddl: STOP_DDL,
  open: (db, write) => new SqliteStopStore(db, write),
};

interface RoundRow {
  run_id: string;
  round: number;
  status: StopRound['status'];
  message: string | null;
  source: string | null;
  meta_utility: number | null;
  accepted: number;
  tasks: string;
  evaluations: string;
  spend: string;
  wall_ms: number;
  created_at: number;
}

/** The STOP tables of a SQLite database. */
class SqliteStopStore implements StopStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.statements = {
      insertRun: db.prepare('INSERT INTO stop_runs (id, model, seed_improver, settings, created_at) VALUES (?, ?, ?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM stop_runs WHERE id = ?'),
      lastEvent: db.prepare('SELECT kind FROM stop_events WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
      lastResume: db.prepare("SELECT data FROM stop_events WHERE run_id = ? AND kind = 'resumed' ORDER BY id DESC LIMIT 1"),
      insertEvent: db.prepare('INSERT INTO stop_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)'),
      listRuns: db.prepare(`SELECT r.id, r.model, r.created_at,
          (SELECT count(*) FROM stop_rounds o WHERE o.run_id = r.id) AS rounds,
          (SELECT max(meta_utility) FROM stop_rounds o WHERE o.run_id = r.id AND o.accepted = 1) AS best,
          (SELECT kind FROM stop_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM stop_runs r ORDER BY r.created_at, r.id`),
      insertRound: db.prepare(
        `INSERT INTO stop_rounds (run_id, round, status, message, source, meta_utility, accepted, tasks, evaluations, ` +
          `spend, wall_ms, created_at)
        VALUES (@run_id, @round, @status, @message, @source, @meta_utility, @accepted, @tasks, @evaluations, @spend, ` +
          `@wall_ms, @created_at)`,
      ),
      rounds: db.prepare('SELECT * FROM stop_rounds WHERE run_id = ? ORDER BY round'),
      insertCall: db.prepare(insertLlmCall('stop_llm_calls')),
      calls: db.prepare('SELECT * FROM stop_llm_calls WHERE run_id = ? ORDER BY id'),
    };
  }

  createStopRun(run: NewStopRun): void {
    const { model, seedImprover, ...rest } = run.settings;
    this.write(() =>
      this.db
        .transaction(() => {
          this.statements.insertRun.run(run.id, model, seedImprover, JSON.stringify(rest), run.createdAt);
          this.statements.insertEvent.run(run.id, 'started', null, run.createdAt);
        })
        .immediate(),
    );
  }

  getStopRun(id: string): StopRunRecord | undefined {
    const row = this.statements.getRun.get(id) as
      | { id: string; model: string; seed_improver: string; settings: string; created_at: number }
      | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    // A resume may change the rounds and the budget; the events keep what each session ran with.
    const resumed = this.statements.lastResume.get(id) as { data: string | null } | undefined;
    const changed = resumed?.data ? (JSON.parse(resumed.data) as Partial<Pick<StopRunSettings, 'rounds' | 'budget'>>) : {};
    const settings: StopRunSettings = {
      model: row.model,
      seedImprover: row.seed_improver,
      ...JSON.parse(row.settings),
      ...(changed.rounds === undefined ? {} : { rounds: changed.rounds }),
      ...(changed.budget === undefined ? {} : { budget: changed.budget }),
    };
    return { id: row.id, settings, createdAt: row.created_at, status: runStatusOf(last?.kind) };
  }

  listStopRuns(): StopRunSummary[] {
    const rows = this.statements.listRuns.all() as Array<{
      id: string;
      model: string;
      created_at: number;
      rounds: number;
      best: number | null;
      last_event: string | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      model: row.model,
      status: runStatusOf(row.last_event),
      rounds: row.rounds,
      bestMetaUtility: row.best,
      createdAt: row.created_at,
    }));
  }

  appendStopEvent(runId: string, kind: StopEventKind, data?: unknown): void {
    this.write(() => this.statements.insertEvent.run(runId, kind, data === undefined ? null : JSON.stringify(data), Date.now()));
  }

  recordStopRound(runId: string, round: StopRound): void {
    this.write(() =>
      this.statements.insertRound.run({
        run_id: runId,
        round: round.round,
        status: round.status,
        message: round.message ?? null,
        source: round.source,
        meta_utility: round.metaUtility,
        accepted: round.accepted ? 1 : 0,
        tasks: JSON.stringify(round.tasks),
        evaluations: JSON.stringify(round.evaluations),
        spend: JSON.stringify(round.spend),
        wall_ms: round.wallMs,
        created_at: Date.now(),
      }),
    );
  }

  stopRounds(runId: string): StopRound[] {
    return (this.statements.rounds.all(runId) as RoundRow[]).map((row) => ({
      round: row.round,
      status: row.status,
      ...(row.message === null ? {} : { message: row.message }),
      source: row.source,
      metaUtility: row.meta_utility,
      tasks: JSON.parse(row.tasks),
      accepted: row.accepted === 1,
      evaluations: JSON.parse(row.evaluations),
      spend: JSON.parse(row.spend),
      wallMs: row.wall_ms,
    }));
  }

  recordStopLlmCall(runId: string, exchange: LlmExchange): void {
    this.write(() => this.statements.insertCall.run(exchangeToRow(runId, exchange)));
  }

  stopLlmCalls(runId: string): LlmExchange[] {
    return (this.statements.calls.all(runId) as LlmCallRow[]).map(exchangeFromRow);
  }
}
