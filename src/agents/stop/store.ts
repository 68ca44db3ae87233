/**
 * STOP runs in the store: what a run was started with, each complete round as it ends, every
 * model exchange and the run's events. Append-only like every other table; a resumed run adds
 * rounds after the last stored one.
 */
import type { LlmExchange } from '../../core/model.ts';
import type { ImproverLimits } from '../../sandbox/improver-isolate.ts';
import type { RunStatus } from '../../store/store.ts';
import type { TaskBudget } from './meta-utility.ts';
import type { StopRound } from './report.ts';

/** What a STOP run was started with: enough to resume or replay it. */
export interface StopRunSettings {
  /** The model the improvers call, as `provider:model`. */
  model: string;
  /** Source of the improver of round 0. */
  seedImprover: string;
  /** Where the seed was read from, for messages. */
  seedFile?: string;
  rounds: number;
  budget: { tokens?: number; costUsd?: number; wallTimeMs?: number };
  /** Names of the downstream tasks, in order (see tasks/index.ts). */
  tasks: string[];
  taskBudget: TaskBudget;
  roundBudget: TaskBudget;
  improverLimits: ImproverLimits;
  selfLimits: ImproverLimits;
  /** Set on a replay: the recorded STOP run whose model replies this run is served. */
  replayOf?: string;
}

export interface NewStopRun {
  id: string;
  settings: StopRunSettings;
  createdAt: number;
}

export interface StopRunRecord extends NewStopRun {
  /** As the latest session ran it: the rounds and budget of the last resume, if it changed them. */
  settings: StopRunSettings;
  status: RunStatus;
}

export interface StopRunSummary {
  id: string;
  model: string;
  status: RunStatus;
  /** Complete rounds stored, round 0 included. */
  rounds: number;
  bestMetaUtility: number | null;
  createdAt: number;
}

export type StopEventKind = 'started' | 'resumed' | 'stopped' | 'finished';

export interface StopStore {
  /** Writes the run and its `started` event in one transaction. */
  createStopRun(run: NewStopRun): void;
  getStopRun(id: string): StopRunRecord | undefined;
  listStopRuns(): StopRunSummary[];
  /** `resumed` carries `{ rounds, budget }`: what that session ran with, which `getStopRun` reports. */
  appendStopEvent(runId: string, kind: StopEventKind, data?: unknown): void;
  /** Writes one complete round; refuses a second round with the same run and number. */
  recordStopRound(runId: string, round: StopRound): void;
  /** The run's rounds in order. */
  stopRounds(runId: string): StopRound[];
  /** Appends one model exchange the moment it ends, so that a killed run keeps every answered call. */
  recordStopLlmCall(runId: string, exchange: LlmExchange): void;
  /** The run's exchanges in the order they were recorded. */
  stopLlmCalls(runId: string): LlmExchange[];
}
