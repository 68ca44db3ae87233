/**
 * Agents that rewrite themselves (the Darwin Goedel Machine): the types that the agent runtime
 * (agents/runtime), the DGM loop (agents/dgm) and the CLI share. No I/O here.
 */
import type { Genome } from '../core/types.ts';

/** An agent: a small JavaScript codebase whose entry point (`agent.mjs`) solves a task with tools. */
export type AgentGenome = Genome;

/** The file every agent must have: it runs as `node agent.mjs` inside the sandbox. */
export const AGENT_ENTRY = 'agent.mjs';

/** One run of an agent on one workspace (a coding task, or the agent's own code when it improves itself). */
export interface AgentRunRequest {
  agent: AgentGenome;
  /** The files the agent works on; it may read, edit, add and delete them. */
  workspace: Record<string, string>;
  /** What to do, in words: a task statement, or a diagnosis of the agent's own failure. */
  problem: string;
  /** Wall-clock limit of the whole run; past it the agent is killed and the run is a `timeout`. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type AgentRunStatus = 'done' | 'timeout' | 'error' | 'budget';

export interface AgentRunResult {
  status: AgentRunStatus;
  /** The workspace as the agent left it. */
  workspace: Record<string, string>;
  /** What the agent printed (stdout and stderr, truncated), kept as feedback for diagnosis. */
  log: string;
  /** Why the run ended when it was not `done`: the timeout, the crash, the spent budget. */
  reason?: string;
  /** Sandbox violations observed: attempts to reach the network, read outside the workspace, spawn outside the sandbox. */
  violations: string[];
  durationMs: number;
  /** Model use through the broker during this run. */
  calls: number;
  tokens: number;
  costUsd: number;
}

/** Runs agents; the evaluate layer implements it with the process-tier sandbox and the model broker. */
export interface AgentRunner {
  run(request: AgentRunRequest): Promise<AgentRunResult>;
  close(): Promise<void>;
}
