/**
 * What a STOP run produces, round by round: the shapes the loop reports, the store keeps and the
 * CLI prints. Types only.
 */
import type { ImproverStatus } from '../../sandbox/improver-isolate.ts';
import type { TaskResult } from './meta-utility.ts';

/** Model calls and what they cost; `tokens` is input plus output. */
export interface StopSpend {
  llmCalls: number;
  failedLlmCalls: number;
  tokens: number;
  costUsd: number;
}

export interface EvaluatedImprover {
  source: string;
  metaUtility: number;
  tasks: TaskResult[];
}

export interface StopRound {
  round: number;
  /** How the self-application ended (`ok` for round 0, the seed's evaluation). */
  status: ImproverStatus;
  message?: string;
  /** The improver this round produced (the seed in round 0), or null when it produced none. */
  source: string | null;
  metaUtility: number | null;
  tasks: TaskResult[];
  /** Whether it became the best improver. */
  accepted: boolean;
  /** Every improver first evaluated this round (cached sources are not run again), the produced one included. */
  evaluations: EvaluatedImprover[];
  spend: StopSpend;
  wallMs: number;
  /**
   * Set when a budget ran out or the run was stopped during the round: its results are
   * incomplete, it is not accepted and not stored, and a resumed run does it again.
   */
  interrupted?: string;
}

export type StopReason = 'rounds' | 'tokens' | 'cost' | 'wall-time' | 'interrupted';

export interface StopReport {
  model: string;
  startedAt: string;
  rounds: StopRound[];
  best: { round: number; source: string; metaUtility: number };
  stopReason: StopReason;
  stopMessage: string;
  /** Over the whole run, earlier sessions of a resumed run included. */
  spend: StopSpend;
  wallMs: number;
}
