import type { LlmExchange } from '../core/model.ts';
import { exchangeFromRow, exchangeToRow, type LlmCallRow, runStatusOf } from '../store/rows.ts';
import { appendOnlyTriggers, insertLlmCall, llmCallsTable } from '../store/schema.ts';
import type { SqliteDatabase, SqliteTables } from '../store/sqlite.ts';
import type {
  CurriculumStep,
  NewTasksRun,
  ProposalOutcome,
  StoredAttempt,
  StoredEpisode,
  StoredProposal,
  TasksEvent,
  TasksEventKind,
  TasksRunKind,
  TasksRunRecord,
  TasksRunSummary,
  TasksStore,
} from './store.ts';
import { type CheckResult, categoryKey, type GeneratedTask, type GeneratorKind, REJECT_REASONS, type RejectReason } from './types.ts';

/**
 * The task tables, created by the first writable `store.tables(TASKS_TABLES)` call: new tables
 * only, so the schema version stays as it is. Proposals are keyed by their number in the run,
 * attempts by (task, model, index), curriculum steps and episodes by their number, so a resumed
 * run adds only the rows it lacks. The named CHECKs keep a stored outcome coherent: a kept
 * proposal has a task and no reason, a rejected one has a reason.
 */
const TASKS_DDL = `
CREATE TABLE IF NOT EXISTS tasks_runs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('generate', 'selfplay')),
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES tasks_runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_events_run ON tasks_events(run_id, id);
CREATE TABLE IF NOT EXISTS tasks_generated (
  run_id TEXT NOT NULL REFERENCES tasks_runs(id),
  seq INTEGER NOT NULL,
  task_id TEXT,
  category TEXT NOT NULL,
  generator TEXT NOT NULL,
  data TEXT NOT NULL,
  kept INTEGER NOT NULL CONSTRAINT kept_is_boolean CHECK (kept IN (0, 1)),
  reason TEXT,
  detail TEXT NOT NULL,
  checks TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  CONSTRAINT kept_has_task_and_no_reason CHECK (kept = 0 OR (task_id IS NOT NULL AND reason IS NULL)),
  CONSTRAINT rejected_has_reason CHECK (kept = 1 OR reason IS NOT NULL),
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS tasks_generated_task ON tasks_generated(run_id, task_id);
CREATE TABLE IF NOT EXISTS tasks_attempts (
  run_id TEXT NOT NULL REFERENCES tasks_runs(id),
  task_id TEXT NOT NULL,
  model TEXT NOT NULL,
  idx INTEGER NOT NULL,
  passed INTEGER NOT NULL CONSTRAINT passed_is_boolean CHECK (passed IN (0, 1)),
  detail TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, task_id, model, idx)
);
CREATE TABLE IF NOT EXISTS tasks_curriculum (
  run_id TEXT NOT NULL REFERENCES tasks_runs(id),
  step INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  weights TEXT NOT NULL,
  category TEXT NOT NULL,
  reward REAL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, step)
);
CREATE TABLE IF NOT EXISTS tasks_episodes (
  run_id TEXT NOT NULL REFERENCES tasks_runs(id),
  seq INTEGER NOT NULL,
  game TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);
${llmCallsTable('tasks_llm_calls', 'tasks_runs')}
${appendOnlyTriggers([
  'tasks_runs',
  'tasks_events',
  'tasks_generated',
  'tasks_attempts',
  'tasks_curriculum',
  'tasks_episodes',
  'tasks_llm_calls',
])}
`;

/**
 * The task runs of a SQLite store.
 *
 * @example
 * const tasks = new SqliteStore('.ouro/ouro.db').tables(TASKS_TABLES);
 * tasks?.keptTasks('t1a2b3c4').map((task) => task.title);
 */
export const TASKS_TABLES: SqliteTables<TasksStore> = {
  marker: 'tasks_generated',
  ddl: TASKS_DDL,
  open: (db, write) => new SqliteTasksStore(db, write),
};

interface ProposalRow {
  seq: number;
  task_id: string | null;
  category: string;
  generator: GeneratorKind;
  data: string;
  kept: number;
  reason: RejectReason | null;
  detail: string;
  checks: string;
  created_at: number;
}

interface AttemptRow {
  task_id: string;
  model: string;
  idx: number;
  passed: number;
  detail: string;
  tokens: number;
  cost_usd: number;
}

interface CurriculumRow {
  step: number;
  snapshot: string;
  weights: string;
  category: string;
  reward: number | null;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

function proposalFromRow(row: ProposalRow): StoredProposal {
  const parsed = row.task_id !== null;
  return {
    seq: row.seq,
    category: row.category,
    generator: row.generator,
    kept: row.kept === 1,
    reason: row.reason ?? undefined,
    detail: row.detail,
    checks: JSON.parse(row.checks) as CheckResult[],
    task: parsed ? (JSON.parse(row.data) as GeneratedTask) : undefined,
    reply: parsed ? undefined : row.data,
    createdAt: row.created_at,
  };
}

class SqliteTasksStore implements TasksStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.statements = {
      insertRun: db.prepare('INSERT INTO tasks_runs (id, kind, settings, created_at) VALUES (?, ?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM tasks_runs WHERE id = ?'),
      lastEvent: db.prepare('SELECT kind FROM tasks_events WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
      runs: db.prepare(`SELECT r.id, r.kind, r.created_at,
          (SELECT count(*) FROM tasks_generated g WHERE g.run_id = r.id) AS proposals,
          (SELECT count(*) FROM tasks_generated g WHERE g.run_id = r.id AND g.kept = 1) AS kept,
          (SELECT kind FROM tasks_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM tasks_runs r ORDER BY r.created_at, r.id`),
      insertEvent: db.prepare('INSERT INTO tasks_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)'),
      events: db.prepare('SELECT kind, data, at FROM tasks_events WHERE run_id = ? ORDER BY id'),
      insertCall: db.prepare(insertLlmCall('tasks_llm_calls')),
      calls: db.prepare('SELECT * FROM tasks_llm_calls WHERE run_id = ? ORDER BY id'),
      insertTask: db.prepare(
        `INSERT INTO tasks_generated (run_id, seq, task_id, category, generator, data, kept, reason, detail, checks, created_at)
          VALUES (@run_id, @seq, @task_id, @category, @generator, @data, @kept, @reason, @detail, @checks, @created_at)
          ON CONFLICT (run_id, seq) DO NOTHING`,
      ),
      tasks: db.prepare('SELECT * FROM tasks_generated WHERE run_id = ? ORDER BY seq'),
      tasksKept: db.prepare('SELECT * FROM tasks_generated WHERE run_id = ? AND kept = ? ORDER BY seq'),
      keptData: db.prepare('SELECT data FROM tasks_generated WHERE run_id = ? AND kept = 1 ORDER BY seq'),
      nextSeq: db.prepare('SELECT coalesce(max(seq) + 1, 0) AS next FROM tasks_generated WHERE run_id = ?'),
      rejections: db.prepare('SELECT reason, count(*) AS n FROM tasks_generated WHERE run_id = ? AND kept = 0 GROUP BY reason'),
      insertAttempt: db.prepare(
        `INSERT INTO tasks_attempts (run_id, task_id, model, idx, passed, detail, tokens, cost_usd, created_at)
          VALUES (@run_id, @task_id, @model, @idx, @passed, @detail, @tokens, @cost_usd, @created_at)
          ON CONFLICT (run_id, task_id, model, idx) DO NOTHING`,
      ),
      attempts: db.prepare('SELECT * FROM tasks_attempts WHERE run_id = ? ORDER BY rowid'),
      attemptsOfTask: db.prepare('SELECT * FROM tasks_attempts WHERE run_id = ? AND task_id = ? ORDER BY rowid'),
      insertStep: db.prepare(
        `INSERT INTO tasks_curriculum (run_id, step, snapshot, weights, category, reward, created_at)
          VALUES (@run_id, @step, @snapshot, @weights, @category, @reward, @created_at)
          ON CONFLICT (run_id, step) DO NOTHING`,
      ),
      curriculum: db.prepare('SELECT * FROM tasks_curriculum WHERE run_id = ? ORDER BY step'),
      insertEpisode: db.prepare(
        `INSERT INTO tasks_episodes (run_id, seq, game, data, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (run_id, seq) DO NOTHING`,
      ),
      episodes: db.prepare('SELECT * FROM tasks_episodes WHERE run_id = ? ORDER BY seq'),
    };
  }

  createRun(run: NewTasksRun<Record<string, unknown>>): void {
    this.write(() =>
      this.db
        .transaction(() => {
          this.statements.insertRun.run(run.id, run.kind, JSON.stringify(run.settings), run.createdAt);
          this.statements.insertEvent.run(run.id, 'started', null, run.createdAt);
        })
        .immediate(),
    );
  }

  getRun(id: string): TasksRunRecord<Record<string, unknown>> | undefined {
    const row = this.statements.getRun.get(id) as { id: string; kind: TasksRunKind; settings: string; created_at: number } | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    return { id: row.id, kind: row.kind, settings: JSON.parse(row.settings), createdAt: row.created_at, status: runStatusOf(last?.kind) };
  }

  runs(): TasksRunSummary[] {
    const rows = this.statements.runs.all() as Array<{
      id: string;
      kind: TasksRunKind;
      created_at: number;
      proposals: number;
      kept: number;
      last_event: string | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: runStatusOf(row.last_event),
      proposals: row.proposals,
      kept: row.kept,
      createdAt: row.created_at,
    }));
  }

  appendEvent(runId: string, kind: TasksEventKind, data?: unknown): void {
    this.write(() => this.statements.insertEvent.run(runId, kind, json(data), Date.now()));
  }

  events(runId: string): TasksEvent[] {
    const rows = this.statements.events.all(runId) as Array<{ kind: TasksEventKind; data: string | null; at: number }>;
    return rows.map((row) => ({ kind: row.kind, data: row.data === null ? undefined : JSON.parse(row.data), at: row.at }));
  }

  recordLlmCall(runId: string, exchange: LlmExchange): void {
    this.write(() => this.statements.insertCall.run(exchangeToRow(runId, exchange)));
  }

  llmCalls(runId: string): LlmExchange[] {
    return (this.statements.calls.all(runId) as LlmCallRow[]).map(exchangeFromRow);
  }

  recordTask(runId: string, seq: number, outcome: ProposalOutcome): boolean {
    const category = 'task' in outcome ? outcome.task.category : outcome.category;
    const { validation } = outcome;
    const result = this.write(() =>
      this.statements.insertTask.run({
        run_id: runId,
        seq,
        task_id: 'task' in outcome ? outcome.task.id : null,
        category: categoryKey(category),
        generator: category.generator,
        data: 'task' in outcome ? JSON.stringify(outcome.task) : outcome.reply,
        kept: validation.kept ? 1 : 0,
        reason: validation.reason ?? null,
        detail: validation.detail,
        checks: JSON.stringify(validation.checks),
        created_at: outcome.createdAt ?? Date.now(),
      }),
    );
    return result.changes > 0;
  }

  tasks(runId: string, filter: { kept?: boolean } = {}): StoredProposal[] {
    const rows = filter.kept === undefined ? this.statements.tasks.all(runId) : this.statements.tasksKept.all(runId, filter.kept ? 1 : 0);
    return (rows as ProposalRow[]).map(proposalFromRow);
  }

  nextSeq(runId: string): number {
    return (this.statements.nextSeq.get(runId) as { next: number }).next;
  }

  recordAttempt(runId: string, attempt: StoredAttempt): boolean {
    const result = this.write(() =>
      this.statements.insertAttempt.run({
        run_id: runId,
        task_id: attempt.taskId,
        model: attempt.model,
        idx: attempt.index,
        passed: attempt.passed ? 1 : 0,
        detail: attempt.detail,
        tokens: attempt.tokens,
        cost_usd: attempt.costUsd,
        created_at: Date.now(),
      }),
    );
    return result.changes > 0;
  }

  attempts(runId: string, taskId?: string): StoredAttempt[] {
    const rows = taskId === undefined ? this.statements.attempts.all(runId) : this.statements.attemptsOfTask.all(runId, taskId);
    return (rows as AttemptRow[]).map((row) => ({
      taskId: row.task_id,
      model: row.model,
      index: row.idx,
      passed: row.passed === 1,
      detail: row.detail,
      tokens: row.tokens,
      costUsd: row.cost_usd,
    }));
  }

  recordCurriculum(runId: string, step: CurriculumStep): boolean {
    const result = this.write(() =>
      this.statements.insertStep.run({
        run_id: runId,
        step: step.step,
        snapshot: JSON.stringify(step.snapshot),
        weights: JSON.stringify(step.weights),
        category: step.category,
        reward: step.reward ?? null,
        created_at: Date.now(),
      }),
    );
    return result.changes > 0;
  }

  curriculum(runId: string): CurriculumStep[] {
    return (this.statements.curriculum.all(runId) as CurriculumRow[]).map((row) => ({
      step: row.step,
      snapshot: JSON.parse(row.snapshot),
      weights: JSON.parse(row.weights),
      category: row.category,
      reward: row.reward ?? undefined,
    }));
  }

  recordEpisode(runId: string, episode: StoredEpisode): boolean {
    const result = this.write(() =>
      this.statements.insertEpisode.run(runId, episode.seq, episode.game, JSON.stringify(episode.data), episode.createdAt),
    );
    return result.changes > 0;
  }

  episodes(runId: string): StoredEpisode[] {
    const rows = this.statements.episodes.all(runId) as Array<{ seq: number; game: string; data: string; created_at: number }>;
    return rows.map((row) => ({ seq: row.seq, game: row.game, data: JSON.parse(row.data), createdAt: row.created_at }));
  }

  rejectionCounts(runId: string): Record<RejectReason, number> {
    const counts = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
    for (const row of this.statements.rejections.all(runId) as Array<{ reason: RejectReason; n: number }>) counts[row.reason] = row.n;
    return counts;
  }

  keptTasks(runId: string): GeneratedTask[] {
    return (this.statements.keptData.all(runId) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as GeneratedTask);
  }
}
