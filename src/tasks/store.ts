/**
 * Task runs in the store: what a run was started with, its events, every model exchange, every
 * proposal's outcome (kept or rejected, unparseable replies included), the solver's attempts, each
 * curriculum step and each self-play episode. Append-only like every other table. Each keyed row
 * is written once: recording a proposal, attempt, step or episode that is already there does
 * nothing and returns false, so a resumed run can replay its loop and only add what is missing.
 */
import type { LlmExchange } from '../core/model.ts';
import type { RunStatus } from '../store/store.ts';
import type { Category, CheckResult, GeneratedTask, GeneratorKind, RejectReason, Validation } from './types.ts';

/** `generate`: a proposer writes tasks a solver attempts; `selfplay`: models play games against each other. */
export type TasksRunKind = 'generate' | 'selfplay';

export interface NewTasksRun<S> {
  id: string;
  kind: TasksRunKind;
  settings: S;
  createdAt: number;
}

export interface TasksRunRecord<S> extends NewTasksRun<S> {
  status: RunStatus;
}

export interface TasksRunSummary {
  id: string;
  kind: TasksRunKind;
  status: RunStatus;
  /** Proposals recorded, kept or not. */
  proposals: number;
  kept: number;
  createdAt: number;
}

export type TasksEventKind = 'started' | 'resumed' | 'stopped' | 'finished';

export interface TasksEvent {
  kind: TasksEventKind;
  /** Such as `{ reason: 'budget' }` for a stop. */
  data?: unknown;
  at: number;
}

/**
 * What became of one proposal: a parsed task and its validation, or a reply that did not parse,
 * kept with the category it was asked for so that the curriculum can count it against that arm.
 */
export type ProposalOutcome =
  | { task: GeneratedTask; validation: Validation; createdAt?: number }
  | { category: Category; reply: string; validation: Validation; createdAt?: number };

/** A proposal's outcome as stored, at its number in the run. */
export interface StoredProposal {
  seq: number;
  /** `generator/difficulty/topic`, see `categoryKey`. */
  category: string;
  generator: GeneratorKind;
  kept: boolean;
  reason?: RejectReason;
  detail: string;
  checks: CheckResult[];
  /** The parsed task; absent for a reply that did not parse. */
  task?: GeneratedTask;
  /** The raw reply, for a reply that did not parse (a parsed task keeps its own in `provenance.reply`). */
  reply?: string;
  createdAt: number;
}

/** One of the solver's attempts at a kept task. */
export interface StoredAttempt {
  taskId: string;
  model: string;
  /** The attempt's number for this task and model, from 0. */
  index: number;
  passed: boolean;
  detail: string;
  tokens: number;
  costUsd: number;
}

/** One step of the curriculum: what it knew, how it weighed the arms, which it picked, and what that earned. */
export interface CurriculumStep {
  step: number;
  /** The curriculum's state before the pick (per-arm counts, pass rates, ...): JSON, shaped by the curriculum. */
  snapshot: Record<string, unknown>;
  /** Each arm's weight, by category key. */
  weights: Record<string, number>;
  /** The category key picked. */
  category: string;
  /** Absent when the step earned nothing measurable (the proposal did not parse, say). */
  reward?: number;
}

/** One self-play episode, as the game recorded it. */
export interface StoredEpisode {
  seq: number;
  game: string;
  data: unknown;
  createdAt: number;
}

export interface TasksStore<S = Record<string, unknown>> {
  /** Writes the run and its `started` event in one transaction. */
  createRun(run: NewTasksRun<S>): void;
  getRun(id: string): TasksRunRecord<S> | undefined;
  /** Every run, oldest first. */
  runs(): TasksRunSummary[];
  appendEvent(runId: string, kind: TasksEventKind, data?: unknown): void;
  events(runId: string): TasksEvent[];
  recordLlmCall(runId: string, exchange: LlmExchange): void;
  llmCalls(runId: string): LlmExchange[];
  /** The outcome of the run's proposal number `seq`; false (and nothing written) when that number is already stored. */
  recordTask(runId: string, seq: number, outcome: ProposalOutcome): boolean;
  /** The run's proposals in seq order; `kept` narrows them to the kept or the rejected ones. */
  tasks(runId: string, filter?: { kept?: boolean }): StoredProposal[];
  /** The number the run's next proposal gets: one past the highest stored, 0 for none. */
  nextSeq(runId: string): number;
  /** False (and nothing written) when that task, model and index is already stored. */
  recordAttempt(runId: string, attempt: StoredAttempt): boolean;
  /** The run's attempts in the order they were stored, of one task when `taskId` is given. */
  attempts(runId: string, taskId?: string): StoredAttempt[];
  /** False (and nothing written) when that step is already stored. */
  recordCurriculum(runId: string, step: CurriculumStep): boolean;
  curriculum(runId: string): CurriculumStep[];
  /** False (and nothing written) when that episode number is already stored. */
  recordEpisode(runId: string, episode: StoredEpisode): boolean;
  episodes(runId: string): StoredEpisode[];
  /** How many proposals were rejected for each reason, every reason present (0 when never seen). */
  rejectionCounts(runId: string): Record<RejectReason, number>;
  /** The kept tasks in seq order. */
  keptTasks(runId: string): GeneratedTask[];
}
