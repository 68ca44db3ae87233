import type { LlmExchange } from '../core/model.ts';
import { exchangeFromRow, exchangeToRow, runStatusOf, type LlmCallRow } from '../store/rows.ts';
import { appendOnlyTriggers, insertLlmCall, llmCallsTable } from '../store/schema.ts';
import type { SqliteDatabase, SqliteTables } from '../store/sqlite.ts';
import type { FlywheelEventKind, FlywheelRunRecord, FlywheelStore, NewFlywheelRun, StoredJob, StoredRound, StoredSample } from './store.ts';
import type { PreferencePair, SftExample, Verdict } from './types.ts';

/**
 * The flywheel tables, created by the first writable `store.tables(FLYWHEEL_TABLES)` call: new
 * tables only, so the schema version stays as it is. Samples are keyed by (run, round, task,
 * index, kind), so a resumed round can only add the ones it lacks.
 */
const FLYWHEEL_DDL = `
CREATE TABLE IF NOT EXISTS flywheel_runs (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS flywheel_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS flywheel_events_run ON flywheel_events(run_id, id);
CREATE TABLE IF NOT EXISTS flywheel_samples (
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  split TEXT NOT NULL,
  model TEXT NOT NULL,
  temperature REAL NOT NULL,
  text TEXT NOT NULL,
  answer TEXT,
  tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, round, task_id, idx, kind)
);
CREATE TABLE IF NOT EXISTS flywheel_verdicts (
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  verifier TEXT NOT NULL,
  passed INTEGER NOT NULL,
  score REAL,
  detail TEXT,
  PRIMARY KEY (run_id, round, task_id, idx, verifier)
);
CREATE TABLE IF NOT EXISTS flywheel_examples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flywheel_examples_round ON flywheel_examples(run_id, round, id);
CREATE TABLE IF NOT EXISTS flywheel_pairs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flywheel_pairs_round ON flywheel_pairs(run_id, round, id);
CREATE TABLE IF NOT EXISTS flywheel_rounds (
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  figures TEXT NOT NULL,
  exports TEXT NOT NULL,
  message TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, round)
);
CREATE TABLE IF NOT EXISTS flywheel_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES flywheel_runs(id),
  round INTEGER NOT NULL,
  trainer TEXT NOT NULL,
  job_id TEXT NOT NULL,
  status TEXT NOT NULL,
  model TEXT,
  error TEXT,
  detail TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS flywheel_jobs_run ON flywheel_jobs(run_id, id);
${llmCallsTable('flywheel_llm_calls', 'flywheel_runs')}
${appendOnlyTriggers([
  'flywheel_runs',
  'flywheel_events',
  'flywheel_samples',
  'flywheel_verdicts',
  'flywheel_examples',
  'flywheel_pairs',
  'flywheel_rounds',
  'flywheel_jobs',
  'flywheel_llm_calls',
])}
`;

/**
 * The flywheel runs of a SQLite store.
 *
 * @example
 * const flywheel = new SqliteStore('.ouro/ouro.db').tables(FLYWHEEL_TABLES);
 * flywheel?.rounds('f1a2b3c4').map((round) => round.figures);
 */
export const FLYWHEEL_TABLES: SqliteTables<FlywheelStore> = {
  marker: 'flywheel_rounds',
  ddl: FLYWHEEL_DDL,
  open: (db, write) => new SqliteFlywheelStore(db, write),
};

interface SampleRow {
  task_id: string;
  round: number;
  idx: number;
  kind: StoredSample['kind'];
  split: StoredSample['split'];
  model: string;
  temperature: number;
  text: string;
  answer: string | null;
  tokens: number;
  cost_usd: number;
}

interface JobRow {
  round: number;
  trainer: string;
  job_id: string;
  status: StoredJob['status'];
  model: string | null;
  error: string | null;
  detail: string | null;
  at: number;
}

class SqliteFlywheelStore implements FlywheelStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.statements = {
      insertRun: db.prepare('INSERT INTO flywheel_runs (id, settings, created_at) VALUES (?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM flywheel_runs WHERE id = ?'),
      lastEvent: db.prepare('SELECT kind FROM flywheel_events WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO flywheel_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)'),
      listRuns: db.prepare(`SELECT r.id, r.created_at,
          (SELECT count(*) FROM flywheel_rounds o WHERE o.run_id = r.id) AS rounds,
          (SELECT kind FROM flywheel_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM flywheel_runs r ORDER BY r.created_at, r.id`),
      insertSample: db.prepare(
        `INSERT INTO flywheel_samples (run_id, round, task_id, idx, kind, split, model, temperature, text, answer, tokens, cost_usd,
          created_at) VALUES (@run_id, @round, @task_id, @idx, @kind, @split, @model, @temperature, @text, @answer, @tokens,
          @cost_usd, @created_at)`,
      ),
      samples: db.prepare('SELECT * FROM flywheel_samples WHERE run_id = ? AND round = ? ORDER BY rowid'),
      insertVerdict: db.prepare(
        `INSERT INTO flywheel_verdicts (run_id, round, task_id, idx, verifier, passed, score, detail)
          VALUES (@run_id, @round, @task_id, @idx, @verifier, @passed, @score, @detail)`,
      ),
      verdicts: db.prepare('SELECT * FROM flywheel_verdicts WHERE run_id = ? AND round = ? ORDER BY rowid'),
      insertExample: db.prepare('INSERT INTO flywheel_examples (run_id, round, data) VALUES (?, ?, ?)'),
      examples: db.prepare('SELECT data FROM flywheel_examples WHERE run_id = ? AND round = ? ORDER BY id'),
      insertPair: db.prepare('INSERT INTO flywheel_pairs (run_id, round, data) VALUES (?, ?, ?)'),
      pairs: db.prepare('SELECT data FROM flywheel_pairs WHERE run_id = ? AND round = ? ORDER BY id'),
      insertRound: db.prepare(
        `INSERT INTO flywheel_rounds (run_id, round, model, status, figures, exports, message, created_at)
          VALUES (@run_id, @round, @model, @status, @figures, @exports, @message, @created_at)`,
      ),
      rounds: db.prepare('SELECT * FROM flywheel_rounds WHERE run_id = ? ORDER BY round'),
      insertJob: db.prepare(
        `INSERT INTO flywheel_jobs (run_id, round, trainer, job_id, status, model, error, detail, at)
          VALUES (@run_id, @round, @trainer, @job_id, @status, @model, @error, @detail, @at)`,
      ),
      jobs: db.prepare('SELECT * FROM flywheel_jobs WHERE run_id = ? ORDER BY id'),
      insertCall: db.prepare(insertLlmCall('flywheel_llm_calls')),
      calls: db.prepare('SELECT * FROM flywheel_llm_calls WHERE run_id = ? ORDER BY id'),
    };
  }

  createRun(run: NewFlywheelRun<Record<string, unknown>>): void {
    this.write(() =>
      this.db
        .transaction(() => {
          this.statements.insertRun.run(run.id, JSON.stringify(run.settings), run.createdAt);
          this.statements.insertEvent.run(run.id, 'started', null, run.createdAt);
        })
        .immediate(),
    );
  }

  getRun(id: string): FlywheelRunRecord<Record<string, unknown>> | undefined {
    const row = this.statements.getRun.get(id) as { id: string; settings: string; created_at: number } | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    return { id: row.id, settings: JSON.parse(row.settings), createdAt: row.created_at, status: runStatusOf(last?.kind) };
  }

  listRuns() {
    const rows = this.statements.listRuns.all() as Array<{ id: string; created_at: number; rounds: number; last_event: string | null }>;
    return rows.map((row) => ({ id: row.id, status: runStatusOf(row.last_event), rounds: row.rounds, createdAt: row.created_at }));
  }

  appendEvent(runId: string, kind: FlywheelEventKind, data?: unknown): void {
    this.write(() => this.statements.insertEvent.run(runId, kind, data === undefined ? null : JSON.stringify(data), Date.now()));
  }

  recordSample(runId: string, sample: StoredSample): void {
    this.write(() =>
      this.statements.insertSample.run({
        run_id: runId,
        round: sample.round,
        task_id: sample.taskId,
        idx: sample.index,
        kind: sample.kind,
        split: sample.split,
        model: sample.model,
        temperature: sample.temperature,
        text: sample.text,
        answer: sample.answer ?? null,
        tokens: sample.tokens,
        cost_usd: sample.costUsd,
        created_at: Date.now(),
      }),
    );
  }

  samples(runId: string, round: number): StoredSample[] {
    return (this.statements.samples.all(runId, round) as SampleRow[]).map((row) => ({
      taskId: row.task_id,
      round: row.round,
      index: row.idx,
      kind: row.kind,
      split: row.split,
      model: row.model,
      temperature: row.temperature,
      text: row.text,
      ...(row.answer === null ? {} : { answer: row.answer }),
      tokens: row.tokens,
      costUsd: row.cost_usd,
    }));
  }

  recordVerdicts(runId: string, verdicts: readonly Verdict[]): void {
    this.write(() =>
      this.db.transaction(() => {
        for (const verdict of verdicts) {
          this.statements.insertVerdict.run({
            run_id: runId,
            round: verdict.round,
            task_id: verdict.taskId,
            idx: verdict.index,
            verifier: verdict.verifier,
            passed: verdict.passed ? 1 : 0,
            score: verdict.score ?? null,
            detail: verdict.detail ?? null,
          });
        }
      })(),
    );
  }

  verdicts(runId: string, round: number): Verdict[] {
    const rows = this.statements.verdicts.all(runId, round) as Array<{
      task_id: string;
      round: number;
      idx: number;
      verifier: Verdict['verifier'];
      passed: number;
      score: number | null;
      detail: string | null;
    }>;
    return rows.map((row) => ({
      taskId: row.task_id,
      round: row.round,
      index: row.idx,
      verifier: row.verifier,
      passed: row.passed === 1,
      ...(row.score === null ? {} : { score: row.score }),
      ...(row.detail === null ? {} : { detail: row.detail }),
    }));
  }

  recordSelection(runId: string, round: number, examples: readonly SftExample[], pairs: readonly PreferencePair[]): void {
    this.write(() =>
      this.db.transaction(() => {
        for (const example of examples) this.statements.insertExample.run(runId, round, JSON.stringify(example));
        for (const pair of pairs) this.statements.insertPair.run(runId, round, JSON.stringify(pair));
      })(),
    );
  }

  examples(runId: string, round: number): SftExample[] {
    return (this.statements.examples.all(runId, round) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as SftExample);
  }

  pairs(runId: string, round: number): PreferencePair[] {
    return (this.statements.pairs.all(runId, round) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as PreferencePair);
  }

  recordRound(runId: string, round: StoredRound): void {
    this.write(() =>
      this.statements.insertRound.run({
        run_id: runId,
        round: round.round,
        model: round.model,
        status: round.status,
        figures: JSON.stringify(round.figures),
        exports: JSON.stringify(round.exports),
        message: round.message ?? null,
        created_at: round.createdAt,
      }),
    );
  }

  rounds(runId: string): StoredRound[] {
    const rows = this.statements.rounds.all(runId) as Array<{
      round: number;
      model: string;
      status: StoredRound['status'];
      figures: string;
      exports: string;
      message: string | null;
      created_at: number;
    }>;
    return rows.map((row) => ({
      round: row.round,
      model: row.model,
      status: row.status,
      figures: JSON.parse(row.figures),
      exports: JSON.parse(row.exports),
      ...(row.message === null ? {} : { message: row.message }),
      createdAt: row.created_at,
    }));
  }

  recordJob(runId: string, job: StoredJob): void {
    this.write(() =>
      this.statements.insertJob.run({
        run_id: runId,
        round: job.round,
        trainer: job.trainer,
        job_id: job.id,
        status: job.status,
        model: job.model ?? null,
        error: job.error ?? null,
        detail: job.detail === undefined ? null : JSON.stringify(job.detail),
        at: job.at,
      }),
    );
  }

  jobs(runId: string): StoredJob[] {
    return (this.statements.jobs.all(runId) as JobRow[]).map((row) => ({
      round: row.round,
      trainer: row.trainer,
      id: row.job_id,
      status: row.status,
      ...(row.model === null ? {} : { model: row.model }),
      ...(row.error === null ? {} : { error: row.error }),
      ...(row.detail === null ? {} : { detail: JSON.parse(row.detail) as Record<string, unknown> }),
      at: row.at,
    }));
  }

  recordLlmCall(runId: string, exchange: LlmExchange): void {
    this.write(() => this.statements.insertCall.run(exchangeToRow(runId, exchange)));
  }

  llmCalls(runId: string): LlmExchange[] {
    return (this.statements.calls.all(runId) as LlmCallRow[]).map(exchangeFromRow);
  }
}
