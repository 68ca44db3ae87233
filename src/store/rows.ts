import { createHash } from 'node:crypto';
import type { LlmExchange, ModelCallFailure, TokenLogprob } from '../core/model.ts';
import type { Candidate, Evaluation, EvaluationStatus } from '../core/types.ts';
import type { FailedProposals, PromptTemplateOrigin, PromptTemplateRecord, RunRecord, RunStatus, RunSummary } from './store.ts';

export interface CandidateRow {
  id: string;
  run_id: string;
  seq: number;
  parent_ids: string;
  generation: number;
  island: number;
  operator: string;
  description: string;
  diff: string;
  genome: string;
  genome_hash: string;
  rng_state: string;
  reward: number;
  elapsed_ms: number;
  log_order: number;
  created_at: number;
  model: string | null;
  rationale: string | null;
  proposal: string | null;
  /** The prompt template that prompted it; absent from a database from before the column (schema 6), read without upgrading. */
  template?: string | null;
}

export interface FailureRow {
  log_order: number;
  operator: string;
  model: string | null;
  kind: 'failed' | 'duplicate';
  count: number;
  reason: string;
  rng_state: string;
  /** Absent, like `cost_usd`, from a database from before the columns (schema 6) read without upgrading. */
  template?: string | null;
  cost_usd?: number | null;
}

/** One failed-proposals batch as replay hands it out (both stores). */
export function failuresFromRow(row: FailureRow): FailedProposals {
  return {
    operator: row.operator,
    ...(row.model ? { model: row.model } : {}),
    kind: row.kind,
    count: row.count,
    reason: row.reason,
    rngState: JSON.parse(row.rng_state),
    logOrder: row.log_order,
    ...(row.template ? { template: row.template } : {}),
    ...(row.template && row.cost_usd !== null && row.cost_usd !== undefined ? { costUsd: row.cost_usd } : {}),
  };
}

export interface EvaluationRow {
  candidate_id: string;
  status: string;
  score: number | null;
  metrics: string;
  /**
   * JSON of the metrics kept out of prompts; null in rows written before the column (schema 5 of
   * both SQLite and PostgreSQL), and absent from a database from before it read without upgrading.
   */
  private_metrics?: string | null;
  features: string;
  instances: string;
  feedback: string;
  artifacts: string;
  stage: string;
  error: string | null;
  duration_ms: number;
}

export function candidateFromRow(row: CandidateRow): Candidate {
  return {
    id: row.id,
    runId: row.run_id,
    seq: row.seq,
    parentIds: JSON.parse(row.parent_ids) as string[],
    generation: row.generation,
    island: row.island,
    genome: JSON.parse(row.genome),
    origin: {
      operator: row.operator,
      description: row.description,
      diff: row.diff,
      ...(row.model ? { model: row.model } : {}),
      ...(row.rationale ? { rationale: row.rationale } : {}),
      ...(row.proposal ? { proposal: row.proposal } : {}),
      ...(row.template ? { template: row.template } : {}),
    },
    createdAt: row.created_at,
  };
}

export interface PromptTemplateRow {
  run_id: string;
  id: string;
  seq: number;
  operator: string;
  parent_id: string | null;
  text: string;
  origin: string;
  detail: string;
  discarded: string | null;
  retired: string | null;
  cost_usd: number;
  evaluations: number;
  created_at: number;
}

/** A prompt template as a row of `prompt_templates` (both stores). */
export function promptTemplateToRow(runId: string, record: PromptTemplateRecord): PromptTemplateRow {
  return {
    run_id: runId,
    id: record.id,
    seq: record.seq,
    operator: record.operator,
    parent_id: record.parentId ?? null,
    text: record.text,
    origin: record.origin,
    detail: record.detail,
    discarded: record.discarded ?? null,
    retired: record.retired ?? null,
    cost_usd: record.costUsd,
    evaluations: record.evaluations,
    created_at: record.createdAt,
  };
}

export function promptTemplateFromRow(row: PromptTemplateRow): PromptTemplateRecord {
  return {
    id: row.id,
    seq: row.seq,
    operator: row.operator,
    ...(row.parent_id === null ? {} : { parentId: row.parent_id }),
    text: row.text,
    origin: row.origin as PromptTemplateOrigin,
    detail: row.detail,
    ...(row.discarded === null ? {} : { discarded: row.discarded }),
    ...(row.retired === null ? {} : { retired: row.retired }),
    costUsd: row.cost_usd,
    evaluations: row.evaluations,
    createdAt: row.created_at,
  };
}

export function evaluationFromRow(row: EvaluationRow): Evaluation {
  const status = row.status as EvaluationStatus;
  return {
    candidateId: row.candidate_id,
    // Only an ok row carries a score; the store writes none for the others.
    ...(status === 'ok' ? { status, score: row.score as number } : { status }),
    metrics: JSON.parse(row.metrics),
    privateMetrics: privateMetricsFromRow(row),
    features: JSON.parse(row.features),
    instances: JSON.parse(row.instances),
    feedback: row.feedback,
    artifacts: JSON.parse(row.artifacts),
    stage: row.stage,
    ...(status === 'ok' || row.error === null ? {} : { error: row.error }),
    durationMs: row.duration_ms,
  } as Evaluation;
}

/** An evaluation row's private metrics: {} for a row (or a database) from before they were stored. */
export function privateMetricsFromRow(row: Pick<EvaluationRow, 'private_metrics'>): Record<string, number> {
  return row.private_metrics ? (JSON.parse(row.private_metrics) as Record<string, number>) : {};
}

export interface LlmCallRow {
  run_id: string;
  proposal: string | null;
  operator: string;
  model: string;
  request: string;
  prompt_hash: string;
  reply: string | null;
  finish_reason: string | null;
  error_kind: string | null;
  error_message: string | null;
  error_status: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  attempts: number;
  started_at: number;
  /**
   * The reply's token log-probabilities as `encodeLogprobs` writes them, or null when the call
   * recorded none. Absent from rows of a database from before the column (added in schema 4 of
   * both SQLite and PostgreSQL) that is read without being upgraded.
   */
  logprobs?: string | null;
}

/**
 * One token as stored: `[token, logprob]`, or `[token, logprob, [[token, logprob], ...]]` when the
 * top alternatives were recorded (an empty list stays an empty list). Tuples rather than objects
 * keep a reply with twenty alternatives per token a fraction of the size.
 */
type StoredToken = [string, number | null] | [string, number | null, Array<[string, number | null]>];

/** JSON has no -Infinity (a token the model gave probability 0): it is stored as null and read back as -Infinity. */
const storedLogprob = (logprob: number): number | null => (Number.isFinite(logprob) ? logprob : null);
const readLogprob = (logprob: number | null): number => logprob ?? Number.NEGATIVE_INFINITY;

/** Token log-probabilities as compact JSON text for the `llm_calls.logprobs` column; null when there are none. */
export function encodeLogprobs(logprobs: readonly TokenLogprob[] | undefined): string | null {
  if (logprobs === undefined) return null;
  const tokens = logprobs.map(
    (token): StoredToken =>
      token.topLogprobs === undefined
        ? [token.token, storedLogprob(token.logprob)]
        : [
            token.token,
            storedLogprob(token.logprob),
            token.topLogprobs.map((alternative): [string, number | null] => [alternative.token, storedLogprob(alternative.logprob)]),
          ],
  );
  return JSON.stringify(tokens);
}

/** The inverse of `encodeLogprobs`: undefined for a NULL (or missing) column. */
export function decodeLogprobs(text: string | null | undefined): TokenLogprob[] | undefined {
  if (text === null || text === undefined) return undefined;
  return (JSON.parse(text) as StoredToken[]).map(([token, logprob, top]) => ({
    token,
    logprob: readLogprob(logprob),
    ...(top === undefined
      ? {}
      : {
          topLogprobs: top.map(([alternative, alternativeLogprob]) => ({ token: alternative, logprob: readLogprob(alternativeLogprob) })),
        }),
  }));
}

/** A short hash of the request, so the dashboard and replay can find identical prompts. */
export function promptHash(model: string, request: LlmExchange['request']): string {
  return createHash('sha1').update(model).update('\0').update(JSON.stringify(request)).digest('hex');
}

export function exchangeToRow(runId: string, exchange: LlmExchange): LlmCallRow {
  return {
    run_id: runId,
    proposal: exchange.proposal ?? null,
    operator: exchange.operator,
    model: exchange.model,
    request: JSON.stringify(exchange.request),
    prompt_hash: promptHash(exchange.model, exchange.request),
    reply: exchange.reply,
    finish_reason: exchange.finishReason,
    error_kind: exchange.error?.kind ?? null,
    error_message: exchange.error?.message ?? null,
    error_status: exchange.error?.status ?? null,
    input_tokens: exchange.usage.inputTokens,
    output_tokens: exchange.usage.outputTokens,
    cost_usd: exchange.costUsd,
    latency_ms: exchange.latencyMs,
    attempts: exchange.attempts,
    started_at: exchange.startedAt,
    logprobs: encodeLogprobs(exchange.logprobs),
  };
}

export function exchangeFromRow(row: LlmCallRow): LlmExchange {
  const logprobs = decodeLogprobs(row.logprobs);
  return {
    model: row.model,
    operator: row.operator,
    ...(row.proposal === null ? {} : { proposal: row.proposal }),
    request: JSON.parse(row.request) as LlmExchange['request'],
    reply: row.reply,
    finishReason: row.finish_reason as LlmExchange['finishReason'],
    ...(row.error_kind === null
      ? {}
      : {
          error: {
            kind: row.error_kind as ModelCallFailure,
            message: row.error_message ?? '',
            ...(row.error_status === null ? {} : { status: row.error_status }),
          },
        }),
    usage: { inputTokens: row.input_tokens, outputTokens: row.output_tokens },
    ...(logprobs === undefined ? {} : { logprobs }),
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    attempts: row.attempts,
    startedAt: row.started_at,
  };
}

const STATUS_BY_EVENT: Record<string, RunStatus> = {
  started: 'crashed-or-running',
  resumed: 'crashed-or-running',
  stopped: 'stopped',
  finished: 'finished',
};

/** A run's status from the kind of its last event (none yet counts as started). */
export function runStatusOf(lastEvent: string | null | undefined): RunStatus {
  return STATUS_BY_EVENT[lastEvent ?? 'started'] ?? 'crashed-or-running';
}

/** A row of the run list query (the same columns in SQLite and PostgreSQL) as a RunSummary. */
export function runSummaryFromRow(row: Record<string, string | number | null>): RunSummary {
  return {
    id: row.id as string,
    experiment: row.experiment as string,
    status: runStatusOf(row.last_event as string | null),
    bestScore: row.best_score as number | null,
    evaluations: row.evaluations as number,
    createdAt: row.created_at as number,
  };
}

/** A `runs` row and the kind of the run's last event as a RunRecord (both stores). */
export function runRecordFromRow(row: Record<string, string | number>, lastEvent: string | undefined): RunRecord {
  return {
    id: row.id as string,
    experiment: row.experiment as string,
    experimentDir: row.experiment_dir as string,
    config: JSON.parse(row.config as string),
    settings: JSON.parse(row.settings as string),
    createdAt: row.created_at as number,
    status: runStatusOf(lastEvent),
  };
}
