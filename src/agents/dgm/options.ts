import type { AgentGenome, AgentRunner } from '../agent.ts';
import type { ModelHandle } from '../../core/model.ts';
import type { Benchmark, CodingTask } from '../coding-bench/tasks.ts';
import type { GradeStatus } from '../coding-bench/grade.ts';
import type { AgentDiagnosis, AgentRecord } from './store.ts';
import type { SqliteStore } from '../../store/sqlite.ts';

/** Limits a DGM run stops at, summed over every session of the run. Unset means unbounded. */
export interface DgmBudget {
  /** Children made (kept or discarded); the initial agent does not count. */
  children?: number;
  /** Tokens over the diagnosis calls and every agent run (as the runner reports them). */
  tokens?: number;
  costUsd?: number;
  wallTimeMs?: number;
}

/**
 * How staged scores compare: an agent's archive score is its resolved rate on the largest set it
 * was evaluated on, as in the DGM. The sets nest (small within medium within full) and the small
 * set is the easiest, so a rate on a smaller set is an optimistic estimate of the full rate; but
 * an agent stopped at the small set is there because its rate fell below the medium threshold, so
 * it ranks low anyway, and one stopped at medium did not beat the runner-up. Scores of different
 * sets are therefore compared as they are, with no rescaling.
 *
 * When a child goes on to the next set. `medium`: its resolved rate on the small set reaches this.
 * `full`: its medium rate beats the archive's runner-up (the second-best score; with fewer than two
 * agents in the archive any child beats it), or reaches a fixed number.
 */
export interface DgmThresholds {
  medium: number;
  full: 'beats-runner-up' | number;
}

/** Grades one agent's workspace against a task's hidden tests; `gradeTask` by default. */
export type GradeFunction = (task: CodingTask, files: Record<string, string>) => Promise<{ status: GradeStatus; output: string }>;

export type DgmEvent =
  | { type: 'run-started'; runId: string; resumed: boolean; agents: number }
  | { type: 'parent-selected'; seq: number; parentId: string }
  | { type: 'diagnosis-finished'; seq: number; diagnosis: AgentDiagnosis }
  | { type: 'child-proposed'; seq: number; diffLines: number }
  | { type: 'stage-finished'; seq: number; set: string; score: number }
  | { type: 'agent-recorded'; agent: AgentRecord }
  | { type: 'run-finished'; runId: string; stopReason: DgmStopReason };

export type DgmStopReason = 'children' | 'tokens' | 'cost' | 'wall-time' | 'interrupted';

export interface DgmOptions {
  /** A SQLite file, or an open SqliteStore (the caller keeps ownership). */
  db: string | SqliteStore;
  /** The initial agent; not needed with `resume`, which takes it from the store. */
  agent?: AgentGenome;
  /** Where the initial agent came from, for messages. */
  agentDir?: string;
  /** The tasks, with `small`, `medium` and `full` sets. */
  benchmark: Benchmark;
  runner: AgentRunner;
  /** The model that turns a failure log into a problem statement. */
  model: ModelHandle;
  budget?: DgmBudget;
  thresholds?: Partial<DgmThresholds>;
  /** Wall-clock limit of the agent on one task. */
  taskTimeoutMs?: number;
  /** Wall-clock limit of the parent while it edits its own code. */
  selfModifyTimeoutMs?: number;
  /** Runs per task; more than one exposes stochastic results to the diagnosis. */
  repeats?: number;
  /** Tasks run at once within a stage. */
  concurrency?: number;
  seed?: number;
  /** Sharpness of the DGM parent weight sigmoid(lambda * (score - median) / MAD). */
  lambda?: number;
  grade?: GradeFunction;
  onEvent?: (event: DgmEvent) => void;
  signal?: AbortSignal;
  /** Continue this DGM run from the store instead of starting a new one. */
  resume?: string;
  /** The id a new run gets; a fresh random one by default. */
  runId?: string;
  /** Recorded in a new run's settings: the run whose model replies this one replays. */
  replayOf?: string;
}

export const DGM_DEFAULTS = {
  thresholds: { medium: 0.4, full: 'beats-runner-up' } as DgmThresholds,
  taskTimeoutMs: 120_000,
  selfModifyTimeoutMs: 300_000,
  repeats: 1,
  concurrency: 1,
  lambda: 10,
};

/** The stages in order; each set should hold the one before it (the shipped benchmark's do). */
export const STAGES = ['small', 'medium', 'full'] as const;
