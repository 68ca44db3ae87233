/**
 * Flywheel runs in the store: what a run was started with, every sample the moment it is
 * answered, every verdict, each complete round with its figures and exports, every update of a
 * training job, and every model exchange. Append-only like every other table: a resumed run reads
 * what is there and adds what is missing (a round samples only the samples it lacks, and a job in
 * flight is polled, never started twice).
 */
import type { LlmExchange } from '../core/model.ts';
import type { RunStatus } from '../store/store.ts';
import type { PreferencePair, Sample, SftExample, Verdict } from './types.ts';

/** Whether a task (and so its samples) belongs to the training tasks or the held-out split. */
export type Split = 'train' | 'heldout';

/** A sample as stored: which split its task is in, and what kind of call produced it. */
export interface StoredSample extends Sample {
  split: Split;
  /** `sample`: a plain sample; `rationalised`: STaR's retry with the answer as a hint. */
  kind: 'sample' | 'rationalised';
}

/** What a training job said, as the trainer reported it; every update is a row, the last one wins. */
export interface StoredJob {
  round: number;
  trainer: string;
  /** The trainer's own job id (the service's, or a local one for a command). */
  id: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  /** The model the job produced, once it succeeded. */
  model?: string;
  error?: string;
  detail?: Record<string, unknown>;
  at: number;
}

/** One complete round, written once when it ends. */
export interface StoredRound {
  round: number;
  /** The policy model this round sampled. */
  model: string;
  status: 'complete' | 'flagged' | 'failed';
  /** The round's figures (pass@1, pass@K, diversity, ...): JSON, shaped by the loop. */
  figures: Record<string, unknown>;
  /** What the round exported, by format: file paths and their SHA-256. */
  exports: Record<string, { file: string; sha256: string; rows: number }>;
  /** Why a round was flagged or failed. */
  message?: string;
  createdAt: number;
}

export interface NewFlywheelRun<S> {
  id: string;
  settings: S;
  createdAt: number;
}

export interface FlywheelRunRecord<S> extends NewFlywheelRun<S> {
  status: RunStatus;
}

/** `fleet`: the run's sampling and code checks went to a fleet (its URL in the data). */
export type FlywheelEventKind = 'started' | 'resumed' | 'stopped' | 'finished' | 'fleet';

export interface FlywheelStore<S = Record<string, unknown>> {
  /** Writes the run and its `started` event in one transaction. */
  createRun(run: NewFlywheelRun<S>): void;
  getRun(id: string): FlywheelRunRecord<S> | undefined;
  listRuns(): Array<{ id: string; status: RunStatus; rounds: number; createdAt: number }>;
  appendEvent(runId: string, kind: FlywheelEventKind, data?: unknown): void;
  /** One sample, the moment it is answered; a second sample with the same round, task and index is refused. */
  recordSample(runId: string, sample: StoredSample): void;
  samples(runId: string, round: number): StoredSample[];
  recordVerdicts(runId: string, verdicts: readonly Verdict[]): void;
  verdicts(runId: string, round: number): Verdict[];
  /** The round's kept SFT examples and preference pairs, in one transaction. */
  recordSelection(runId: string, round: number, examples: readonly SftExample[], pairs: readonly PreferencePair[]): void;
  examples(runId: string, round: number): SftExample[];
  pairs(runId: string, round: number): PreferencePair[];
  /** Writes one complete round; refuses a second round with the same number. */
  recordRound(runId: string, round: StoredRound): void;
  rounds(runId: string): StoredRound[];
  recordJob(runId: string, job: StoredJob): void;
  /** Every update of the run's jobs, oldest first. */
  jobs(runId: string): StoredJob[];
  recordLlmCall(runId: string, exchange: LlmExchange): void;
  llmCalls(runId: string): LlmExchange[];
}
