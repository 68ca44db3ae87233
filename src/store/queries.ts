import type { SqliteDatabase } from './sqlite.ts';
import type { CandidateRow, EvaluationRow, LlmCallRow } from './rows.ts';
import type { RunSummary } from './store.ts';

/** A run as the dashboard lists it: the store's summary plus what its model calls spent. */
export interface RunListing extends RunSummary {
  costUsd: number;
  tokens: number;
}

/** Every committed candidate of a run with its evaluation's outcome, one array per field, in commit order. */
export interface EvaluationColumns {
  seq: number[];
  score: Array<number | null>;
  status: string[];
  island: number[];
  operator: string[];
  elapsedMs: number[];
  /** Wall-clock time the candidate was proposed (epoch ms). */
  createdAt: number[];
  reward: number[];
}

export function emptyColumns(): EvaluationColumns {
  return { seq: [], score: [], status: [], island: [], operator: [], elapsedMs: [], createdAt: [], reward: [] };
}

/**
 * Where a run's rows end in each append-only table the dashboard reads incrementally: positions in
 * commit order (SQLite's candidate rowid, PostgreSQL's `commit_id`; the others' ids). Only good for
 * the run they were taken for.
 */
export interface Cursors {
  candidates: number;
  failures: number;
  calls: number;
}

/** One model call, light: what spend and model statistics need. */
export interface CallSummary {
  model: string;
  operator: string;
  tokens: number;
  costUsd: number;
  latencyMs: number;
  startedAt: number;
  failed: boolean;
}

/** A candidate as a lineage node. */
export interface LineageRow {
  id: string;
  seq: number;
  parentIds: string[];
  generation: number;
  island: number;
  operator: string;
  status: string;
  score: number | null;
}

/** A new commit seen by the dashboard's poll; `cursor` orders the run's commits. */
export interface CommitRow extends Omit<LineageRow, 'parentIds'> {
  cursor: number;
  parentIds: string[];
  elapsedMs: number;
}

/**
 * What the dashboard reads from a run database, read-only. Every `after`/`upTo` pair is a range
 * of positions from `cursors(runId)` or `cursorOf`: (after, upTo], in commit order.
 * Implemented over SQLite (queries-sqlite.ts) and PostgreSQL (queries-postgres.ts).
 */
export interface DashboardQueries {
  /** The database as messages show it (a URL without its password). */
  readonly location: string;
  runs(): RunListing[];
  run(runId: string): RunListing | undefined;
  /** The run's stored config and settings, parsed. */
  runConfig(runId: string): { config: Record<string, unknown>; settings: Record<string, unknown> } | undefined;
  /** Where the run's rows end now in each table: rows up to these are what a read in this snapshot sees. */
  cursors(runId: string): Cursors;
  /** Appends the run's commits in (after, upTo] to `columns`, in commit order. */
  evaluations(runId: string, columns: EvaluationColumns, after?: number, upTo?: number): void;
  /** Wall-clock start of each session of the run (epoch ms), oldest first. */
  sessionStarts(runId: string): number[];
  /** The run's model calls in (after, upTo] of the calls table. */
  calls(runId: string, after?: number, upTo?: number): CallSummary[];
  /** Proposals that produced no evaluated child, by operator, in (after, upTo] of their table, added to `counts`. */
  failedProposals(runId: string, counts: Map<string, number>, after?: number, upTo?: number): void;
  lessons(runId: string): Array<{ evaluations: number; source: string; lessons: string[] }>;
  /** Ids of the `count` best ok candidates, best first (ties by id, as the store breaks them). */
  top(runId: string, count: number): string[];
  candidateCount(runId: string): number;
  lineageRow(id: string): LineageRow | undefined;
  /** The run's ok candidates in (after, upTo], with score and features, for binning into a grid. */
  scored(
    runId: string,
    after?: number,
    upTo?: number,
  ): Iterable<{ id: string; island: number; root: boolean; score: number; features: Record<string, number> }>;
  candidate(id: string): { candidate: CandidateRow; evaluation: EvaluationRow } | undefined;
  genome(id: string): Record<string, string> | undefined;
  children(id: string): string[];
  proposalCalls(runId: string, proposal: string): LlmCallRow[];
  /** The commit position of the run's candidate `seq`, or undefined when it has none. */
  cursorOf(runId: string, seq: number): number | undefined;
  /** The run's commits after `cursor`, oldest first, at most `limit`. */
  commitsAfter(runId: string, cursor: number, limit?: number): CommitRow[];
  /**
   * The read-only SQLite connection, for a capability's own dashboard queries over its tables
   * (the DGM's); undefined on PostgreSQL, which holds no such tables.
   */
  sqliteConnection(): SqliteDatabase | undefined;
  /** Runs several queries on one snapshot, so a commit in between cannot make them disagree; `work` must be synchronous. */
  snapshot<T>(work: () => T): T;
  close(): void;
}
