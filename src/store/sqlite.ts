import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OuroError } from '../core/errors.ts';
import type { LlmExchange } from '../core/model.ts';
import type { Candidate, Evaluation, Genome } from '../core/types.ts';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION, TRIGGERS } from './schema.ts';
import type {
  CandidateRecord,
  CommitState,
  FailedProposals,
  LessonRecord,
  NewRun,
  PromptTemplateRecord,
  ReplayRow,
  RunEventKind,
  RunRecord,
  RunSummary,
  Store,
} from './store.ts';
import {
  candidateFromRow,
  evaluationFromRow,
  exchangeFromRow,
  exchangeToRow,
  failuresFromRow,
  promptTemplateFromRow,
  promptTemplateToRow,
  runRecordFromRow,
  runSummaryFromRow,
  type CandidateRow,
  type EvaluationRow,
  type FailureRow,
  type LlmCallRow,
  type PromptTemplateRow,
} from './rows.ts';
import { storeError, type WriteTarget, writeError } from './sqlite-errors.ts';

/** The SQLite connection a capability's tables are kept on; capabilities never import the driver. */
export type SqliteDatabase = Database.Database;

/** A capability's tables: how to create them, how to tell they exist, and its store over them. */
export interface SqliteTables<T> {
  /** A table every version of them has: a read-only file without it has none of them. */
  marker: string;
  /** Idempotent DDL (CREATE ... IF NOT EXISTS), run when the database is writable. */
  ddl: string;
  /** The capability's store; `write` wraps each write so that a failure names the database file. */
  open(db: SqliteDatabase, write: <R>(work: () => R) => R): T;
}

export interface SqliteOptions {
  /** Open for reading only: `ls`, `show` and `best` work on a database they cannot write. */
  readonly?: boolean;
  /** How long to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string, options: SqliteOptions = {}) {
    this.location = resolve(path);
    try {
      if (!options.readonly) mkdirSync(dirname(this.location), { recursive: true });
      this.db = new Database(this.location, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      if (!options.readonly) {
        this.db.pragma('journal_mode = WAL');
        // NORMAL keeps every commit across a process crash or kill -9; only an OS crash can lose the last ones.
        this.db.pragma('synchronous = NORMAL');
        this.db.pragma('foreign_keys = ON');
        // Take the write lock once at open so a read-only or locked file fails now, not mid-run.
        this.db.exec('BEGIN IMMEDIATE');
        this.db.exec(SCHEMA);
        this.migrate();
        this.db.exec(TRIGGERS);
        this.db.exec('COMMIT');
      } else {
        this.db.prepare('SELECT count(*) FROM runs').get();
      }
    } catch (error) {
      if (error instanceof OuroError) throw error;
      throw storeError(this.location, error);
    }
    try {
      this.statements = this.prepare();
    } catch (error) {
      throw new OuroError('store-corrupt', `${this.location} has tables from another version of Ouroboros: ${(error as Error).message}`, {
        file: this.location,
        cause: error,
      });
    }
  }

  /** Brings an older database up to this version; a newer one is refused rather than misread. */
  private migrate(): void {
    this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')").run();
    const version = Number((this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string }).value);
    if (version > SCHEMA_VERSION) {
      throw new OuroError(
        'store-version',
        `${this.location} was written by a newer Ouroboros (schema ${version}; this one reads up to ${SCHEMA_VERSION}); ` +
          `upgrade, or use --db for another file`,
        { file: this.location },
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      for (const column of migration.columns ?? []) {
        if (!this.hasColumn(column.table, column.name))
          this.db.exec(`ALTER TABLE ${column.table} ADD COLUMN ${column.name} ${column.definition}`);
      }
      if (migration.sql) this.db.exec(migration.sql);
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)").run(String(migration.version));
    }
  }

  private hasColumn(table: string, column: string): boolean {
    return (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((row) => row.name === column);
  }

  private prepare() {
    const db = this.db;
    // A writable store has just migrated; a read-only one may hold an older file, whose calls it
    // reads without log-probabilities and evaluations without private metrics (and to which it
    // cannot write anyway).
    const logprobs = this.hasColumn('llm_calls', 'logprobs');
    const privateMetrics = this.hasColumn('evaluations', 'private_metrics');
    // Schema 6: the template columns and the prompt_templates table came in together.
    const templates = this.hasColumn('candidates', 'template');
    const template = templates ? { column: ', template', value: ', @template' } : { column: '', value: '' };
    const failureTemplate = templates ? { column: ', template, cost_usd', value: ', ?, ?' } : { column: '', value: '' };
    return {
      insertRun: db.prepare('INSERT INTO runs (id, experiment, experiment_dir, config, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      lastEvent: db.prepare('SELECT kind FROM run_events WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO run_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)'),
      listRuns: db.prepare(`SELECT r.id, r.experiment, r.created_at,
          (SELECT count(*) FROM candidates c WHERE c.run_id = r.id) AS evaluations,
          (SELECT max(score) FROM evaluations e WHERE e.run_id = r.id AND e.status = 'ok') AS best_score,
          (SELECT kind FROM run_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM runs r ORDER BY r.created_at, r.id`),
      insertCandidate: db.prepare(
        `INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description,
          diff, genome, genome_hash, rng_state, reward, elapsed_ms, log_order, created_at, model, rationale, proposal${template.column})
        VALUES (@id, @run_id, @seq, @parent_ids, @generation, @island, @operator, @description,
          @diff, @genome, @genome_hash, @rng_state, @reward, @elapsed_ms, @log_order, @created_at, @model, @rationale, @proposal` +
          `${template.value})`,
      ),
      insertFailures: db.prepare(`INSERT INTO proposal_failures (run_id, log_order, operator, kind, count, reason, rng_state, created_at,
          model${failureTemplate.column})
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?${failureTemplate.value})`),
      insertCall: db.prepare(
        `INSERT INTO llm_calls (run_id, proposal, operator, model, request, prompt_hash, reply, finish_reason,
          error_kind, error_message, error_status, input_tokens, output_tokens, cost_usd, latency_ms, attempts, ` +
          `started_at${logprobs ? ', logprobs' : ''})
        VALUES (@run_id, @proposal, @operator, @model, @request, @prompt_hash, @reply, @finish_reason,
          @error_kind, @error_message, @error_status, @input_tokens, @output_tokens, @cost_usd, @latency_ms, @attempts, ` +
          `@started_at${logprobs ? ', @logprobs' : ''})`,
      ),
      calls: db.prepare('SELECT * FROM llm_calls WHERE run_id = ? ORDER BY id'),
      proposalCalls: db.prepare('SELECT * FROM llm_calls WHERE run_id = ? AND proposal = ? ORDER BY id'),
      insertLessons: db.prepare('INSERT INTO lessons (run_id, evaluations, source, lessons, created_at) VALUES (?, ?, ?, ?, ?)'),
      lessons: db.prepare('SELECT * FROM lessons WHERE run_id = ? ORDER BY id'),
      getEmbedding: db.prepare('SELECT vector FROM embeddings WHERE model = ? AND text_hash = ?'),
      putEmbedding: db.prepare('INSERT OR IGNORE INTO embeddings (model, text_hash, vector, tokens, created_at) VALUES (?, ?, ?, ?, ?)'),
      failures: db.prepare('SELECT * FROM proposal_failures WHERE run_id = ? ORDER BY log_order, id'),
      insertParent: db.prepare('INSERT INTO candidate_parents (parent_id, child_id) VALUES (?, ?)'),
      insertEvaluation: db.prepare(
        `INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances,
          feedback, artifacts, stage, error, duration_ms${privateMetrics ? ', private_metrics' : ''})
        VALUES (@candidate_id, @run_id, @status, @score, @metrics, @features, @instances, @feedback, @artifacts, ` +
          `@stage, @error, @duration_ms${privateMetrics ? ', @private_metrics' : ''})`,
      ),
      replay: db.prepare(`SELECT c.id, c.run_id, c.seq, c.parent_ids, c.generation, c.island, c.operator, c.description, c.diff,
          c.model, c.rationale, c.proposal${templates ? ', c.template' : ''}, c.genome_hash, c.rng_state, c.reward, c.elapsed_ms,
          c.log_order, c.created_at, e.*
        FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = ? ORDER BY c.log_order, c.rowid`),
      getCandidate: db.prepare('SELECT * FROM candidates WHERE id = ?'),
      getEvaluation: db.prepare('SELECT * FROM evaluations WHERE candidate_id = ?'),
      getGenome: db.prepare('SELECT genome FROM candidates WHERE id = ?'),
      best: db.prepare(`SELECT candidate_id FROM evaluations WHERE run_id = ? AND status = 'ok'
        ORDER BY score DESC, candidate_id LIMIT 1`),
      recent: db.prepare('SELECT id FROM candidates WHERE run_id = ? ORDER BY seq DESC LIMIT ?'),
      children: db.prepare('SELECT child_id FROM candidate_parents WHERE parent_id = ? ORDER BY child_id'),
      ...(templates
        ? {
            insertTemplate: db.prepare(`INSERT INTO prompt_templates (run_id, id, seq, operator, parent_id, text, origin, detail, discarded,
                retired, cost_usd, evaluations, created_at)
              VALUES (@run_id, @id, @seq, @operator, @parent_id, @text, @origin, @detail, @discarded,
                @retired, @cost_usd, @evaluations, @created_at)`),
            templates: db.prepare('SELECT * FROM prompt_templates WHERE run_id = ? ORDER BY seq'),
          }
        : {}),
    };
  }

  private readonly opened = new Map<SqliteTables<unknown>, unknown>();

  /**
   * A capability's own tables in this database (soup runs, DGM runs), and the store it keeps over
   * them. A writable store creates them on first use; undefined when a file opened read-only has
   * none, so that it simply has no such runs.
   *
   * @example
   * const soups = store.tables(SOUP_TABLES); // soup/store-sqlite.ts
   */
  tables<T>(spec: SqliteTables<T>): T | undefined {
    if (!this.opened.has(spec)) {
      if (!this.db.readonly) this.write(() => this.db.transaction(() => this.db.exec(spec.ddl)).immediate());
      const present = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(spec.marker);
      this.opened.set(spec, present ? spec.open(this.db, (work) => this.write(work)) : undefined);
    }
    return this.opened.get(spec) as T | undefined;
  }

  /** Runs a write; `target` says what it stores, read only when the write fails. */
  private write<T>(work: () => T, target?: () => WriteTarget): T {
    try {
      return work();
    } catch (error) {
      throw writeError(this.location, error, target?.());
    }
  }

  createRun(run: NewRun): void {
    this.write(
      () =>
        this.statements.insertRun.run(
          run.id,
          run.experiment,
          run.experimentDir,
          JSON.stringify(run.config),
          JSON.stringify(run.settings),
          run.createdAt,
        ),
      () => ({ what: `run ${run.id} (table runs)` }),
    );
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.statements.getRun.get(id) as Record<string, string | number> | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    return runRecordFromRow(row, last?.kind);
  }

  listRuns(): RunSummary[] {
    return (this.statements.listRuns.all() as Array<Record<string, string | number | null>>).map(runSummaryFromRow);
  }

  appendRunEvent(runId: string, kind: RunEventKind, data?: unknown): void {
    this.write(
      () => this.statements.insertEvent.run(runId, kind, data === undefined ? null : JSON.stringify(data), Date.now()),
      () => ({ what: `event ${kind} of run ${runId} (table run_events)` }),
    );
  }

  commitCandidate(candidate: Candidate, evaluation: Evaluation, state: CommitState, failures: readonly FailedProposals[] = []): void {
    // A parent named twice is one parent: its link is stored once, and the list keeps the first order.
    const parentIds = [...new Set(candidate.parentIds)];
    let table = 'proposal_failures';
    let row = '';
    const commit = this.db.transaction(() => {
      this.insertFailures(candidate.runId, failures);
      table = 'candidates';
      this.statements.insertCandidate.run({
        id: candidate.id,
        run_id: candidate.runId,
        seq: candidate.seq,
        parent_ids: JSON.stringify(parentIds),
        generation: candidate.generation,
        island: candidate.island,
        operator: candidate.origin.operator,
        description: candidate.origin.description,
        diff: candidate.origin.diff,
        genome: JSON.stringify(candidate.genome),
        genome_hash: state.genomeHash,
        rng_state: JSON.stringify(state.rngState),
        reward: state.reward,
        elapsed_ms: Math.round(state.elapsedMs),
        log_order: state.logOrder,
        created_at: candidate.createdAt,
        model: candidate.origin.model ?? null,
        rationale: candidate.origin.rationale ?? null,
        proposal: candidate.origin.proposal ?? null,
        // Unused by the statement of a read-only store on a file from before schema 6, which cannot write anyway.
        template: candidate.origin.template ?? null,
      });
      table = 'candidate_parents';
      for (const parentId of parentIds) {
        row = `, parent ${parentId}`;
        this.statements.insertParent.run(parentId, candidate.id);
      }
      table = 'evaluations';
      row = '';
      this.statements.insertEvaluation.run({
        candidate_id: candidate.id,
        run_id: candidate.runId,
        status: evaluation.status,
        score: evaluation.score ?? null,
        metrics: JSON.stringify(evaluation.metrics),
        features: JSON.stringify(evaluation.features),
        instances: JSON.stringify(evaluation.instances),
        feedback: evaluation.feedback,
        artifacts: JSON.stringify(evaluation.artifacts),
        stage: evaluation.stage,
        error: evaluation.error ?? null,
        duration_ms: evaluation.durationMs,
        // An `evaluators` option written in JavaScript before the field existed may leave it out.
        private_metrics: JSON.stringify(evaluation.privateMetrics ?? {}),
      });
    });
    this.write(
      () => commit.immediate(),
      () => ({ what: `candidate ${candidate.id} (table ${table}${row})`, candidate: candidate.id }),
    );
  }

  recordFailedProposals(runId: string, failures: readonly FailedProposals[]): void {
    if (failures.length === 0) return;
    this.write(
      () => this.db.transaction(() => this.insertFailures(runId, failures)).immediate(),
      () => ({ what: `failed proposals of run ${runId} (table proposal_failures)` }),
    );
  }

  private insertFailures(runId: string, failures: readonly FailedProposals[]): void {
    const now = Date.now();
    for (const batch of failures) {
      this.statements.insertFailures.run(
        runId,
        batch.logOrder,
        batch.operator,
        batch.kind,
        batch.count,
        batch.reason,
        JSON.stringify(batch.rngState),
        now,
        batch.model ?? null,
        // The template statements are there exactly when the template columns are (schema 6).
        ...(this.statements.insertTemplate ? [batch.template ?? null, batch.template ? (batch.costUsd ?? 0) : null] : []),
      );
    }
  }

  /** Merges the candidate and failure logs by log order; both are read lazily. */
  *replay(runId: string): Iterable<ReplayRow> {
    const candidates = this.statements.replay.iterate(runId) as IterableIterator<CandidateRow & EvaluationRow>;
    const failures = (this.statements.failures.all(runId) as FailureRow[]).values();
    let nextCandidate = candidates.next();
    let nextFailure = failures.next();
    while (!nextCandidate.done || !nextFailure.done) {
      if (!nextFailure.done && (nextCandidate.done || nextFailure.value.log_order < nextCandidate.value.log_order)) {
        yield { kind: 'failures', failures: failuresFromRow(nextFailure.value) };
        nextFailure = failures.next();
        continue;
      }
      const row = nextCandidate.value as CandidateRow & EvaluationRow;
      const { genome: _genome, ...candidate } = candidateFromRow({ ...row, genome: '{}' });
      yield {
        kind: 'candidate',
        candidate,
        evaluation: evaluationFromRow(row),
        state: {
          rngState: JSON.parse(row.rng_state),
          reward: row.reward,
          elapsedMs: row.elapsed_ms,
          genomeHash: row.genome_hash,
          logOrder: row.log_order,
        },
      };
      nextCandidate = candidates.next();
    }
  }

  recordLlmCall(runId: string, exchange: LlmExchange): void {
    this.write(
      () => this.statements.insertCall.run(exchangeToRow(runId, exchange)),
      () => ({ what: `a model call of run ${runId} (table llm_calls)` }),
    );
  }

  llmCalls(runId: string, proposal?: string): LlmExchange[] {
    const rows = proposal === undefined ? this.statements.calls.all(runId) : this.statements.proposalCalls.all(runId, proposal);
    return (rows as LlmCallRow[]).map(exchangeFromRow);
  }

  recordLessons(runId: string, record: LessonRecord): void {
    this.write(
      () => this.statements.insertLessons.run(runId, record.evaluations, record.source, JSON.stringify(record.lessons), record.createdAt),
      () => ({ what: `lessons of run ${runId} (table lessons)` }),
    );
  }

  lessons(runId: string): LessonRecord[] {
    const rows = this.statements.lessons.all(runId) as Array<{ evaluations: number; source: string; lessons: string; created_at: number }>;
    return rows.map((row) => ({
      evaluations: row.evaluations,
      source: row.source,
      lessons: JSON.parse(row.lessons) as string[],
      createdAt: row.created_at,
    }));
  }

  recordPromptTemplate(runId: string, record: PromptTemplateRecord): void {
    const insert = this.statements.insertTemplate;
    if (!insert) {
      // Only a read-only store on a file from before schema 6 lacks the statement.
      throw new OuroError('store-readonly', `database ${this.location} is read-only, and from before prompt templates (schema 6)`, {
        file: this.location,
      });
    }
    this.write(
      () => insert.run(promptTemplateToRow(runId, record)),
      () => ({ what: `prompt template ${record.id} of run ${runId} (table prompt_templates)` }),
    );
  }

  promptTemplates(runId: string): PromptTemplateRecord[] {
    return ((this.statements.templates?.all(runId) ?? []) as PromptTemplateRow[]).map(promptTemplateFromRow);
  }

  getEmbedding(model: string, textHash: string): Float32Array | undefined {
    const row = this.statements.getEmbedding.get(model, textHash) as { vector: Buffer } | undefined;
    if (!row) return undefined;
    // Copy into an aligned buffer: the driver's Buffer may sit at any offset of a shared pool.
    const bytes = new Uint8Array(row.vector);
    return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  }

  putEmbedding(model: string, textHash: string, vector: Float32Array, tokens: number): void {
    this.write(
      () =>
        this.statements.putEmbedding.run(
          model,
          textHash,
          Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
          tokens,
          Date.now(),
        ),
      () => ({ what: 'an embedding (table embeddings)' }),
    );
  }

  getCandidate(id: string): CandidateRecord | undefined {
    const row = this.statements.getCandidate.get(id) as CandidateRow | undefined;
    if (!row) return undefined;
    const evaluation = this.statements.getEvaluation.get(id) as EvaluationRow;
    return { candidate: candidateFromRow(row), evaluation: evaluationFromRow(evaluation) };
  }

  getGenome(id: string): Genome | undefined {
    const row = this.statements.getGenome.get(id) as { genome: string } | undefined;
    return row ? (JSON.parse(row.genome) as Genome) : undefined;
  }

  bestCandidate(runId: string): CandidateRecord | undefined {
    const row = this.statements.best.get(runId) as { candidate_id: string } | undefined;
    return row ? this.getCandidate(row.candidate_id) : undefined;
  }

  recentCandidates(runId: string, count: number): Array<{ id: string }> {
    return this.statements.recent.all(runId, count) as Array<{ id: string }>;
  }

  childrenOf(id: string): string[] {
    return (this.statements.children.all(id) as Array<{ child_id: string }>).map((row) => row.child_id);
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.db.readonly) {
      // Leave the file in rollback-journal mode, so that it can be read where nothing can be written
      // (WAL readers need a -shm file beside it). The next writer switches WAL back on.
      try {
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // Another connection still has it open: it stays in WAL mode, which is just as safe.
      }
    }
    this.db.close();
  }
}
