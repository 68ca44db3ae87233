import { OuroError } from '../core/errors.ts';
import type { LlmExchange } from '../core/model.ts';
import type { Candidate, Evaluation, Genome } from '../core/types.ts';
import { redactUrl, send, type Statement, type WorkerReply, type WorkerRequest, type WriteTarget } from './postgres-connection.ts';
export {
  isPostgresUrl,
  redactUrl,
  send,
  type Statement,
  type WorkerError,
  type WorkerReply,
  type WorkerRequest,
  type WriteTarget,
} from './postgres-connection.ts';
import { CHECK_VERSION, CREATE_META, CREATE_SCHEMA, SCHEMA_LOCK_KEY } from './postgres-schema.ts';
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

export interface PostgresOptions {
  /** Open without creating the schema; the connection refuses writes. */
  readonly?: boolean;
  /** How long to wait for the server before failing (default 3 s). */
  connectTimeoutMs?: number;
}

/** The run's commits in log order; `c.template` only where the column exists (schema 6). */
function replayCandidates(templateColumn: boolean): string {
  return `SELECT c.id, c.run_id, c.seq, c.parent_ids, c.generation, c.island, c.operator, c.description, c.diff,
    c.model, c.rationale, c.proposal${templateColumn ? ', c.template' : ''}, c.genome_hash, c.rng_state, c.reward, c.elapsed_ms,
    c.log_order, c.created_at, e.*
  FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = $1 ORDER BY c.log_order, c.seq`;
}

const LIST_RUNS = `SELECT r.id, r.experiment, r.created_at,
    (SELECT count(*) FROM candidates c WHERE c.run_id = r.id) AS evaluations,
    (SELECT max(score) FROM evaluations e WHERE e.run_id = r.id AND e.status = 'ok') AS best_score,
    (SELECT kind FROM run_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
  FROM runs r ORDER BY r.created_at, r.id`;

/**
 * The shared store for several controllers: PostgreSQL behind the same synchronous contract as
 * SQLite. Each call waits for a worker thread that runs `pg`, so a commit is durable when it returns.
 *
 * @example
 * const store = new PostgresStore('postgres://ouro@db.example:5432/ouro');
 * for (const run of store.listRuns()) console.log(run.id, run.bestScore);
 * store.close();
 */
export class PostgresStore implements Store {
  readonly location: string;
  private handle: number | undefined;
  /** False only for a read-only open of a database from before schema 4, whose calls have no log-probabilities. */
  private readonly logprobsColumn: boolean = true;
  /** False only for a read-only open of a database from before schema 5, whose evaluations have no private metrics. */
  private readonly privateMetricsColumn: boolean = true;
  /** False only for a read-only open of a database from before schema 6, which has no prompt templates. */
  private readonly templateColumns: boolean = true;

  constructor(url: string, options: PostgresOptions = {}) {
    this.location = redactUrl(url);
    const reply = this.send({ op: 'open', url, readonly: options.readonly ?? false, connectTimeoutMs: options.connectTimeoutMs ?? 3000 });
    this.handle = (reply as { handle: number }).handle;
    try {
      if (options.readonly) {
        const [meta] = this.batch([{ text: "SELECT value FROM meta WHERE key = 'schema'" }, { text: CHECK_VERSION }]) as [
          Array<{ value: string }>,
        ];
        this.logprobsColumn = Number(meta[0]?.value) >= 4;
        this.privateMetricsColumn = Number(meta[0]?.value) >= 5;
        this.templateColumns = Number(meta[0]?.value) >= 6;
      } else {
        // The advisory lock ends with the transaction, so two controllers opening at once take turns.
        this.transaction([
          { text: `SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})` },
          { text: CREATE_META },
          { text: CHECK_VERSION },
          { text: CREATE_SCHEMA },
        ]);
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private send(request: WorkerRequest, target?: WriteTarget): WorkerReply {
    return send(this.location, request, target);
  }

  private statements(statements: Statement[], transaction: boolean, target?: WriteTarget): unknown[][] {
    if (this.handle === undefined) throw new OuroError('store-open', `database ${this.location} is closed`, { file: this.location });
    return (this.send({ op: 'run', handle: this.handle, statements, transaction }, target) as { rows: unknown[][] }).rows;
  }

  /** One statement; its rows. */
  private query<T>(text: string, values: unknown[] = []): T[] {
    return (this.statements([{ text, values }], false)[0] ?? []) as T[];
  }

  /** Several statements in one round trip to the worker, each on its own (reads); each one's rows. */
  private batch(statements: Statement[]): unknown[][] {
    return this.statements(statements, false);
  }

  /** Several statements in one transaction and one round trip to the worker; each one's rows. */
  private transaction(statements: Statement[], target?: WriteTarget): unknown[][] {
    return this.statements(statements, true, target);
  }

  createRun(run: NewRun): void {
    this.query('INSERT INTO runs (id, experiment, experiment_dir, config, settings, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      run.id,
      run.experiment,
      run.experimentDir,
      JSON.stringify(run.config),
      JSON.stringify(run.settings),
      run.createdAt,
    ]);
  }

  getRun(id: string): RunRecord | undefined {
    const [runs, events] = this.batch([
      { text: 'SELECT * FROM runs WHERE id = $1', values: [id] },
      { text: 'SELECT kind FROM run_events WHERE run_id = $1 ORDER BY id DESC LIMIT 1', values: [id] },
    ]) as [Array<Record<string, string | number>>, Array<{ kind: string }>];
    const row = runs[0];
    if (!row) return undefined;
    return runRecordFromRow(row, events[0]?.kind);
  }

  listRuns(): RunSummary[] {
    return this.query<Record<string, string | number | null>>(LIST_RUNS).map(runSummaryFromRow);
  }

  appendRunEvent(runId: string, kind: RunEventKind, data?: unknown): void {
    this.query('INSERT INTO run_events (run_id, kind, data, at) VALUES ($1, $2, $3, $4)', [
      runId,
      kind,
      data === undefined ? null : JSON.stringify(data),
      Date.now(),
    ]);
  }

  commitCandidate(candidate: Candidate, evaluation: Evaluation, state: CommitState, failures: readonly FailedProposals[] = []): void {
    // A parent named twice is one parent: its link is stored once, and the list keeps the first order.
    const parentIds = [...new Set(candidate.parentIds)];
    this.transaction(
      [
        ...failureStatements(candidate.runId, failures, this.templateColumns),
        {
          // Without the column (a read-only store on an old database) the server still answers that the store is read-only.
          text:
            `INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome, genome_hash,
            rng_state, reward, elapsed_ms, log_order, created_at, model, rationale, proposal${this.templateColumns ? ', template' : ''})
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19` +
            `${this.templateColumns ? ', $20' : ''})`,
          values: [
            candidate.id,
            candidate.runId,
            candidate.seq,
            JSON.stringify(parentIds),
            candidate.generation,
            candidate.island,
            candidate.origin.operator,
            candidate.origin.description,
            candidate.origin.diff,
            JSON.stringify(candidate.genome),
            state.genomeHash,
            JSON.stringify(state.rngState),
            state.reward,
            Math.round(state.elapsedMs),
            state.logOrder,
            candidate.createdAt,
            candidate.origin.model ?? null,
            candidate.origin.rationale ?? null,
            candidate.origin.proposal ?? null,
            ...(this.templateColumns ? [candidate.origin.template ?? null] : []),
          ],
        },
        ...(parentIds.length === 0
          ? []
          : [
              {
                text: 'INSERT INTO candidate_parents (parent_id, child_id) SELECT parent, $2 FROM unnest($1::text[]) AS parent',
                values: [parentIds, candidate.id],
              },
            ]),
        {
          // Without the column (a read-only store on an old database) the server still answers that the store is read-only.
          text:
            `INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, artifacts, ` +
            `stage, error, duration_ms${this.privateMetricsColumn ? ', private_metrics' : ''})
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12${this.privateMetricsColumn ? ', $13' : ''})`,
          values: [
            candidate.id,
            candidate.runId,
            evaluation.status,
            evaluation.score ?? null,
            JSON.stringify(evaluation.metrics),
            JSON.stringify(evaluation.features),
            JSON.stringify(evaluation.instances),
            evaluation.feedback,
            JSON.stringify(evaluation.artifacts),
            evaluation.stage,
            evaluation.error ?? null,
            evaluation.durationMs,
            ...(this.privateMetricsColumn ? [JSON.stringify(evaluation.privateMetrics ?? {})] : []),
          ],
        },
      ],
      { what: `candidate ${candidate.id}`, candidate: candidate.id },
    );
  }

  recordFailedProposals(runId: string, failures: readonly FailedProposals[]): void {
    if (failures.length > 0) this.transaction(failureStatements(runId, failures, this.templateColumns));
  }

  /** Merges the candidate and failure logs by log order, as SqliteStore does; both are read in one round trip. */
  replay(runId: string): Iterable<ReplayRow> {
    const [candidates, failures] = this.batch([
      { text: replayCandidates(this.templateColumns), values: [runId] },
      { text: 'SELECT * FROM proposal_failures WHERE run_id = $1 ORDER BY log_order, id', values: [runId] },
    ]) as [Array<CandidateRow & EvaluationRow>, FailureRow[]];
    const log: ReplayRow[] = [];
    let next = 0;
    for (const row of candidates) {
      while (next < failures.length && failures[next]!.log_order < row.log_order) log.push(failureRow(failures[next++]!));
      const { genome: _genome, ...candidate } = candidateFromRow({ ...row, genome: '{}' });
      log.push({
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
      });
    }
    while (next < failures.length) log.push(failureRow(failures[next++]!));
    return log;
  }

  recordLlmCall(runId: string, exchange: LlmExchange): void {
    const row = exchangeToRow(runId, exchange);
    // Without the column (a read-only store on an old database) the server still answers that the store is read-only.
    const logprobs = this.logprobsColumn
      ? { column: ', logprobs', value: ', $18', values: [row.logprobs ?? null] }
      : { column: '', value: '', values: [] };
    this.query(
      `INSERT INTO llm_calls (run_id, proposal, operator, model, request, prompt_hash, reply, finish_reason, error_kind, error_message,
        error_status, input_tokens, output_tokens, cost_usd, latency_ms, attempts, started_at${logprobs.column})
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17${logprobs.value})`,
      [
        row.run_id,
        row.proposal,
        row.operator,
        row.model,
        row.request,
        row.prompt_hash,
        row.reply,
        row.finish_reason,
        row.error_kind,
        row.error_message,
        row.error_status,
        row.input_tokens,
        row.output_tokens,
        row.cost_usd,
        row.latency_ms,
        row.attempts,
        row.started_at,
        ...logprobs.values,
      ],
    );
  }

  llmCalls(runId: string, proposal?: string): LlmExchange[] {
    const rows =
      proposal === undefined
        ? this.query<LlmCallRow>('SELECT * FROM llm_calls WHERE run_id = $1 ORDER BY id', [runId])
        : this.query<LlmCallRow>('SELECT * FROM llm_calls WHERE run_id = $1 AND proposal = $2 ORDER BY id', [runId, proposal]);
    return rows.map(exchangeFromRow);
  }

  recordLessons(runId: string, record: LessonRecord): void {
    this.query('INSERT INTO lessons (run_id, evaluations, source, lessons, created_at) VALUES ($1, $2, $3, $4, $5)', [
      runId,
      record.evaluations,
      record.source,
      JSON.stringify(record.lessons),
      record.createdAt,
    ]);
  }

  lessons(runId: string): LessonRecord[] {
    const rows = this.query<{ evaluations: number; source: string; lessons: string; created_at: number }>(
      'SELECT * FROM lessons WHERE run_id = $1 ORDER BY id',
      [runId],
    );
    return rows.map((row) => ({
      evaluations: row.evaluations,
      source: row.source,
      lessons: JSON.parse(row.lessons) as string[],
      createdAt: row.created_at,
    }));
  }

  recordPromptTemplate(runId: string, record: PromptTemplateRecord): void {
    if (!this.templateColumns) {
      // Only a read-only store on a database from before schema 6 lacks the table.
      throw new OuroError('store-readonly', `database ${this.location} is read-only, and from before prompt templates (schema 6)`, {
        file: this.location,
      });
    }
    const row = promptTemplateToRow(runId, record);
    this.transaction(
      [
        {
          text: `INSERT INTO prompt_templates (run_id, id, seq, operator, parent_id, text, origin, detail, discarded, retired, cost_usd,
            evaluations, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          values: [
            row.run_id,
            row.id,
            row.seq,
            row.operator,
            row.parent_id,
            row.text,
            row.origin,
            row.detail,
            row.discarded,
            row.retired,
            row.cost_usd,
            row.evaluations,
            row.created_at,
          ],
        },
      ],
      { what: `prompt template ${record.id} of run ${runId} (table prompt_templates)` },
    );
  }

  promptTemplates(runId: string): PromptTemplateRecord[] {
    if (!this.templateColumns) return [];
    return this.query<PromptTemplateRow>('SELECT * FROM prompt_templates WHERE run_id = $1 ORDER BY seq', [runId]).map(
      promptTemplateFromRow,
    );
  }

  getEmbedding(model: string, textHash: string): Float32Array | undefined {
    const row = this.query<{ vector: Uint8Array }>('SELECT vector FROM embeddings WHERE model = $1 AND text_hash = $2', [
      model,
      textHash,
    ])[0];
    if (!row) return undefined;
    // Copy into an aligned buffer of its own: the bytes may sit at any offset of a larger one.
    const bytes = new Uint8Array(row.vector);
    return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  }

  putEmbedding(model: string, textHash: string, vector: Float32Array, tokens: number): void {
    this.query('INSERT INTO embeddings (model, text_hash, vector, tokens, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
      model,
      textHash,
      new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
      tokens,
      Date.now(),
    ]);
  }

  getCandidate(id: string): CandidateRecord | undefined {
    const [candidates, evaluations] = this.batch([
      { text: 'SELECT * FROM candidates WHERE id = $1', values: [id] },
      { text: 'SELECT * FROM evaluations WHERE candidate_id = $1', values: [id] },
    ]) as [CandidateRow[], EvaluationRow[]];
    const candidate = candidates[0];
    const evaluation = evaluations[0];
    if (!candidate || !evaluation) return undefined;
    return { candidate: candidateFromRow(candidate), evaluation: evaluationFromRow(evaluation) };
  }

  getGenome(id: string): Genome | undefined {
    const row = this.query<{ genome: string }>('SELECT genome FROM candidates WHERE id = $1', [id])[0];
    return row ? (JSON.parse(row.genome) as Genome) : undefined;
  }

  bestCandidate(runId: string): CandidateRecord | undefined {
    const row = this.query<{ candidate_id: string }>(
      `SELECT candidate_id FROM evaluations WHERE run_id = $1 AND status = 'ok'
      ORDER BY score DESC, candidate_id LIMIT 1`,
      [runId],
    )[0];
    return row ? this.getCandidate(row.candidate_id) : undefined;
  }

  recentCandidates(runId: string, count: number): Array<{ id: string }> {
    return this.query<{ id: string }>('SELECT id FROM candidates WHERE run_id = $1 ORDER BY seq DESC LIMIT $2', [runId, count]);
  }

  childrenOf(id: string): string[] {
    return this.query<{ child_id: string }>('SELECT child_id FROM candidate_parents WHERE parent_id = $1 ORDER BY child_id', [id]).map(
      (row) => row.child_id,
    );
  }

  close(): void {
    if (this.handle === undefined) return;
    const handle = this.handle;
    this.handle = undefined;
    this.send({ op: 'close', handle });
  }
}

function failureStatements(runId: string, failures: readonly FailedProposals[], templateColumns: boolean): Statement[] {
  const now = Date.now();
  return failures.map((batch) => ({
    text: `INSERT INTO proposal_failures (run_id, log_order, operator, kind, count, reason, rng_state, created_at, model${
      templateColumns ? ', template, cost_usd' : ''
    })
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9${templateColumns ? ', $10, $11' : ''})`,
    values: [
      runId,
      batch.logOrder,
      batch.operator,
      batch.kind,
      batch.count,
      batch.reason,
      JSON.stringify(batch.rngState),
      now,
      batch.model ?? null,
      ...(templateColumns ? [batch.template ?? null, batch.template ? (batch.costUsd ?? 0) : null] : []),
    ],
  }));
}

function failureRow(row: FailureRow): ReplayRow {
  return { kind: 'failures', failures: failuresFromRow(row) };
}
