import type { AgentRecord, DgmRunSettings, DgmRunSummary } from './store.ts';

/** A DGM run as the dashboard lists it: the store's summary plus what its agents spent. */
export interface DgmRunListing extends DgmRunSummary {
  tokens: number;
  costUsd: number;
  wallMs: number;
  /** Agents flagged `sandbox-violation`. */
  flagged: number;
  settings: DgmRunSettings;
}

/** One agent of a DGM run, light: no diff, code or task logs. */
export interface DgmAgentSummary
  extends Pick<
    AgentRecord,
    | 'id'
    | 'seq'
    | 'parentId'
    | 'kept'
    | 'discardReason'
    | 'score'
    | 'scores'
    | 'diagnosis'
    | 'metrics'
    | 'violations'
    | 'flags'
    | 'createdAt'
  > {
  /** Tasks resolved and graded, per set the agent reached. */
  tasks: Record<string, { resolved: number; total: number }>;
}

/** What the dashboard reads about DGM runs, read-only. */
export interface DgmQueries {
  /** DGM runs, oldest first; an empty list in a database without the DGM tables. */
  runs(): DgmRunListing[];
  run(runId: string): DgmRunListing | undefined;
  /** The run's agents in seq order, without diffs and task logs. */
  agents(runId: string): DgmAgentSummary[];
  /** One agent of the run in full, or undefined. */
  agent(runId: string, agentId: string): AgentRecord | undefined;
}
