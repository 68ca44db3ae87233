/**
 * The Darwin Goedel Machine loop: an open-ended archive of coding agents, each made by its parent
 * editing its own code to fix a diagnosed failure, each evaluated in stages on a coding benchmark.
 */
import { randomBytes } from 'node:crypto';
import type { AgentGenome } from '../agent.ts';
import { OuroError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { gradeTask } from '../coding-bench/grade.ts';
import type { AgentRecord, AgentStore, DgmRunSettings, NewAgentRecord } from './store.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { admitAgent, archiveOf } from './archive.ts';
import { makeChild, ModelBudgetSpent, record, type DgmSession } from './child.ts';
import { compileError } from './compiles.ts';
import { evaluateStaged } from './evaluate.ts';
import { rebuildAgent } from './lineage.ts';
import { DGM_DEFAULTS, type DgmBudget, type DgmEvent, type DgmOptions, type DgmStopReason } from './options.ts';
import { DGM_TABLES } from './store-sqlite.ts';

export interface DgmResult {
  runId: string;
  stopReason: DgmStopReason;
  /** Every agent of the run, the initial one first, kept and discarded. */
  agents: AgentRecord[];
  best?: { id: string; score: number };
  spend: { tokens: number; costUsd: number; wallMs: number };
}

/**
 * Runs (or, with `resume`, continues) a DGM run until its budget is spent or its signal aborts.
 * Every agent is written in one transaction once it is complete, so a run killed at any moment
 * resumes from its last complete agent, with the archive and RNG state it had then.
 *
 * @example
 * const result = await runDgm({ db: '.ouro/ouro.db', agent, benchmark, runner, model, budget: { children: 10 } });
 */
export async function runDgm(options: DgmOptions): Promise<DgmResult> {
  const owned = typeof options.db === 'string';
  const store = typeof options.db === 'string' ? new SqliteStore(options.db) : options.db;
  try {
    const agents = store.tables(DGM_TABLES);
    if (!agents)
      throw new OuroError('store-version', `${store.location} has no DGM tables; open it for writing once to add them`, {
        file: store.location,
      });
    return await runWith(agents, options);
  } finally {
    if (owned) store.close();
  }
}

async function runWith(agents: AgentStore, options: DgmOptions): Promise<DgmResult> {
  const { runId, settings, initial, records } = openRun(agents, options);
  const budget: DgmBudget = options.budget ?? settings.budget;
  const genomes = rebuildAll(initial, records);
  const emit = (event: DgmEvent): void => options.onEvent?.(event);
  const session: DgmSession = {
    runId,
    records,
    genomes,
    options,
    emit,
    archive: archiveOf(records, settings.lambda),
    rng: records.length > 0 ? new Rng((records.at(-1) as AgentRecord).rngState) : Rng.fromSeed(settings.seed),
    selfModifyTimeoutMs: settings.selfModifyTimeoutMs,
    live: { tokens: 0, costUsd: 0 },
    staged: {
      benchmark: options.benchmark,
      runner: options.runner,
      grade: options.grade ?? ((task, files) => gradeTask(task, files)),
      thresholds: settings.thresholds,
      taskTimeoutMs: settings.taskTimeoutMs,
      repeats: settings.repeats,
      concurrency: options.concurrency ?? DGM_DEFAULTS.concurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      stopBefore: () => spendStop(budget, spent(records, session, childStarted)),
      onSpend: (tokens, costUsd) => {
        session.live.tokens += tokens;
        session.live.costUsd += costUsd;
      },
    },
  };
  let childStarted = performance.now();
  emit({ type: 'run-started', runId, resumed: options.resume !== undefined, agents: records.length });
  let stopReason: DgmStopReason | undefined;
  try {
    if (records.length === 0) {
      const evaluation = await evaluateStaged(session.staged, initial, undefined);
      commit(
        agents,
        session,
        record(session, { id: `${runId}-0`, runId, seq: 0, parentId: null }, initial, initial, {
          kept: true,
          evaluation: evaluation.spend,
          score: evaluation.score,
          scores: evaluation.scores,
          results: evaluation.results,
          violations: evaluation.violations,
        }),
        initial,
      );
    }
    for (;;) {
      stopReason = childrenStop(budget, records) ?? spendStop(budget, spent(records, session, undefined)) ?? undefined;
      if (stopReason !== undefined) break;
      if (options.signal?.aborted) {
        stopReason = 'interrupted';
        break;
      }
      childStarted = performance.now();
      const child = await makeChild(session, records.length);
      const parentCode = session.genomes.get(child.parentId as string) as AgentGenome;
      commit(agents, session, child, rebuildAgent(parentCode, [child]));
    }
  } catch (error) {
    if (options.signal?.aborted) stopReason = 'interrupted';
    else if (error instanceof ModelBudgetSpent) stopReason = spendStop(budget, spent(records, session, undefined)) ?? 'tokens';
    else {
      agents.appendDgmEvent(runId, 'stopped', { error: (error as Error).message });
      throw error;
    }
  }
  agents.appendDgmEvent(runId, stopReason === 'interrupted' ? 'stopped' : 'finished', { stopReason });
  emit({ type: 'run-finished', runId, stopReason });
  const best = [...records]
    .filter((agent) => agent.kept && agent.score !== null)
    .sort((a, b) => (b.score as number) - (a.score as number) || a.seq - b.seq)[0];
  return {
    runId,
    stopReason,
    agents: records,
    ...(best ? { best: { id: best.id, score: best.score as number } } : {}),
    spend: spent(records, undefined, undefined),
  };
}

/** Writes an agent, then lets the loop see it: the archive, the genome table and the records. */
function commit(agents: AgentStore, session: DgmSession, agent: NewAgentRecord, code: AgentGenome): void {
  agents.recordAgent(agent);
  session.records.push(agent);
  session.genomes.set(agent.id, code);
  admitAgent(session.archive, agent);
  session.live = { tokens: 0, costUsd: 0 };
  session.emit({ type: 'agent-recorded', agent });
}

function openRun(
  agents: AgentStore,
  options: DgmOptions,
): { runId: string; settings: DgmRunSettings; initial: AgentGenome; records: AgentRecord[] } {
  if (options.resume !== undefined) {
    const run = agents.getDgmRun(options.resume);
    if (!run)
      throw new OuroError('run-unknown', `no DGM run ${options.resume} in the database (see \`ouro agents show\`)`, { field: 'resume' });
    agents.appendDgmEvent(run.id, 'resumed');
    return { runId: run.id, settings: run.settings, initial: run.initialAgent, records: agents.agents(run.id) };
  }
  if (!options.agent) throw new OuroError('option-invalid', 'runDgm needs the initial agent (or resume)', { field: 'agent' });
  const broken = compileError(options.agent);
  if (broken)
    throw new OuroError(
      'config-invalid',
      `the initial agent${options.agentDir ? ` in ${options.agentDir}` : ''} is not usable: ${broken}`,
      { field: 'agent', ...(options.agentDir ? { file: options.agentDir } : {}) },
    );
  const settings: DgmRunSettings = {
    bench: options.benchmark.dir,
    ...(options.agentDir ? { agentDir: options.agentDir } : {}),
    seed: options.seed ?? randomBytes(4).readUInt32LE(0),
    lambda: options.lambda ?? DGM_DEFAULTS.lambda,
    thresholds: { ...DGM_DEFAULTS.thresholds, ...options.thresholds },
    taskTimeoutMs: options.taskTimeoutMs ?? DGM_DEFAULTS.taskTimeoutMs,
    selfModifyTimeoutMs: options.selfModifyTimeoutMs ?? DGM_DEFAULTS.selfModifyTimeoutMs,
    repeats: options.repeats ?? DGM_DEFAULTS.repeats,
    model: options.model.id,
    budget: options.budget ?? {},
    ...(options.replayOf === undefined ? {} : { replayOf: options.replayOf }),
  };
  const runId = options.runId ?? newDgmRunId();
  agents.createDgmRun({ id: runId, initialAgent: options.agent, settings, createdAt: Date.now() });
  return { runId, settings, initial: options.agent, records: [] };
}

/** A fresh DGM run id, such as `d1a2b3c4`. */
export function newDgmRunId(): string {
  return `d${randomBytes(4).toString('hex')}`;
}

/** Every agent's code, rebuilt from the initial agent along its chain of diffs and checked against its hash. */
export function rebuildAll(initial: AgentGenome, records: readonly AgentRecord[]): Map<string, AgentGenome> {
  const genomes = new Map<string, AgentGenome>();
  for (const agent of records) {
    const parent = agent.parentId === null ? initial : genomes.get(agent.parentId);
    if (!parent) throw new OuroError('store-corrupt', `DGM agent ${agent.id} names a parent ${agent.parentId} that comes after it`);
    genomes.set(agent.id, rebuildAgent(parent, [agent]));
  }
  return genomes;
}

/** The chain of agents from the initial one down to `id`, initial first. */
export function lineageOf(records: readonly AgentRecord[], id: string): AgentRecord[] {
  const byId = new Map(records.map((agent) => [agent.id, agent]));
  const chain: AgentRecord[] = [];
  for (let agent = byId.get(id); agent; agent = agent.parentId === null ? undefined : byId.get(agent.parentId)) chain.unshift(agent);
  return chain;
}

function spent(
  records: readonly AgentRecord[],
  session: DgmSession | undefined,
  childStarted: number | undefined,
): { tokens: number; costUsd: number; wallMs: number } {
  const total = { tokens: 0, costUsd: 0, wallMs: 0 };
  for (const agent of records) {
    total.tokens += agent.metrics.tokens;
    total.costUsd += agent.metrics.costUsd;
    total.wallMs += agent.metrics.wallMs;
  }
  if (session) {
    total.tokens += session.live.tokens;
    total.costUsd += session.live.costUsd;
  }
  if (childStarted !== undefined) total.wallMs += performance.now() - childStarted;
  return total;
}

function childrenStop(budget: DgmBudget, records: readonly AgentRecord[]): DgmStopReason | null {
  return budget.children !== undefined && records.filter((agent) => agent.seq > 0).length >= budget.children ? 'children' : null;
}

function spendStop(budget: DgmBudget, usage: { tokens: number; costUsd: number; wallMs: number }): DgmStopReason | null {
  if (budget.tokens !== undefined && usage.tokens >= budget.tokens) return 'tokens';
  if (budget.costUsd !== undefined && usage.costUsd >= budget.costUsd) return 'cost';
  if (budget.wallTimeMs !== undefined && usage.wallMs >= budget.wallTimeMs) return 'wall-time';
  return null;
}
