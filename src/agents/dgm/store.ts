/**
 * DGM runs in the store: the agents a Darwin Goedel Machine run produced, each with its parent,
 * its diff, its staged scores and per-task results. Append-only like every other table.
 */
import type { AgentRunStatus } from '../agent.ts';
import type { LlmExchange } from '../../core/model.ts';
import type { Genome } from '../../core/types.ts';
import type { RngState } from '../../core/rng.ts';
import type { RunStatus } from '../../store/store.ts';

/** What a DGM run was started with: enough to resume it. */
export interface DgmRunSettings {
  /** The benchmark folder, for messages and `resume` from the CLI. */
  bench: string;
  /** The agent folder the run started from, for messages. */
  agentDir?: string;
  seed: number;
  lambda: number;
  thresholds: { medium: number; full: 'beats-runner-up' | number };
  taskTimeoutMs: number;
  selfModifyTimeoutMs: number;
  repeats: number;
  /** The diagnosis model, as `provider:model`. */
  model: string;
  budget: { children?: number; tokens?: number; costUsd?: number; wallTimeMs?: number };
  /** Set on a replay: the recorded DGM run whose model replies this run is served. */
  replayOf?: string;
}

export interface NewDgmRun {
  id: string;
  initialAgent: Genome;
  settings: DgmRunSettings;
  createdAt: number;
}

export interface DgmRunRecord extends NewDgmRun {
  status: RunStatus;
}

export type TaskStatus = 'resolved' | 'unresolved' | 'timeout' | 'error';

/** One task of one stage, as the agent did it (all repeats) and as the hidden tests graded it. */
export interface AgentTaskResult {
  taskId: string;
  /** The set whose stage ran the task first: small, medium or full. */
  set: string;
  /** Resolved when most repeats resolved it; otherwise the most common other status. */
  status: TaskStatus;
  /** Each repeat's grade, in order (one entry without repeats). */
  attempts: TaskStatus[];
  /** How the agent's run ended, per repeat. */
  runStatus: AgentRunStatus[];
  /** False when the agent left the workspace as it found it (an empty patch), per repeat. */
  changed: boolean[];
  /** The tests' output of the first failing repeat (or the first repeat). */
  output: string;
  /** The agent's own log of that repeat, clipped. */
  log: string;
  /** The runner's reason when the run did not end `done`. */
  reason?: string;
}

/** Spend of one phase of a child's life. */
export interface PhaseSpend {
  tokens: number;
  costUsd: number;
  wallMs: number;
}

export interface AgentMetrics {
  diagnosis: PhaseSpend;
  selfModification: PhaseSpend;
  evaluation: PhaseSpend;
  tokens: number;
  costUsd: number;
  wallMs: number;
  violations: number;
}

/** What the diagnosis looked at and what it asked for. */
export interface AgentDiagnosis {
  kind: 'unresolved-task' | 'empty-patches' | 'stochastic' | 'timeouts' | 'context-overflow' | 'none';
  taskId?: string;
  problem: string;
}

export interface NewAgentRecord {
  id: string;
  runId: string;
  /** 0 for the initial agent, then 1, 2, ... in the order children were made. */
  seq: number;
  parentId: string | null;
  /** Kept in the archive; a discarded child carries the reason. */
  kept: boolean;
  discardReason?: string;
  /** Unified diff against the parent (empty for the initial agent). */
  diff: string;
  /** sha256 of the agent's files (see lineage.ts agentHash). */
  hash: string;
  /** Full code, stored only where the diff cannot reproduce the agent. */
  code?: Genome;
  /** The archive score: the resolved rate on the largest set reached; null when not evaluated. */
  score: number | null;
  /** Resolved rate per set reached, such as { small: 0.6, medium: 0.5 }. */
  scores: Record<string, number>;
  results: AgentTaskResult[];
  diagnosis?: AgentDiagnosis;
  metrics: AgentMetrics;
  violations: string[];
  /** `sandbox-violation` when the agent tried to escape, and others to come. */
  flags: string[];
  /** The loop's RNG state after this agent, which a resumed run continues from. */
  rngState: RngState;
  createdAt: number;
}

export type AgentRecord = NewAgentRecord;

export interface DgmRunSummary {
  id: string;
  bench: string;
  status: RunStatus;
  agents: number;
  kept: number;
  bestScore: number | null;
  createdAt: number;
}

export type DgmEventKind = 'started' | 'resumed' | 'stopped' | 'finished';

export interface AgentStore {
  createDgmRun(run: NewDgmRun): void;
  getDgmRun(id: string): DgmRunRecord | undefined;
  listDgmRuns(): DgmRunSummary[];
  appendDgmEvent(runId: string, kind: DgmEventKind, data?: unknown): void;
  /** Writes one agent in one transaction; refuses a second agent with the same run and seq. */
  recordAgent(agent: NewAgentRecord): void;
  /** The run's agents in seq order. */
  agents(runId: string): AgentRecord[];
  /**
   * Appends one model exchange of the run (a diagnosis call or an agent's call through the broker)
   * the moment it ends, in a statement of its own, so that a run killed at any point keeps every
   * exchange already answered.
   */
  recordDgmLlmCall(runId: string, exchange: LlmExchange): void;
  /** The run's exchanges in the order they were recorded. */
  dgmLlmCalls(runId: string): LlmExchange[];
}
