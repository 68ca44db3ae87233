/**
 * `ouro agents run` and `ouro agents show` as engine calls: loads the agent folder and the
 * benchmark, resolves the model the way `ouro run --model` does, wires the sandboxed agent runner
 * and runs the DGM loop.
 */
import { spendReached } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import type { LlmExchange } from '../../core/model.ts';
import { loadBenchmark } from '../../evaluate/coding/tasks.ts';
import { createModel, Ledger, probeModel, resolveModel } from '../../llm/index.ts';
import type { AgentRecord, DgmRunRecord, DgmRunSummary } from '../../store/agents.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { modelConfigs } from '../models.ts';
import { runDgm, type DgmResult } from './loop.ts';
import type { DgmBudget, DgmEvent, DgmThresholds } from './options.ts';

/** The LLM settings an experiment gets by default (core/experiment.ts), for the DGM's models. */
const LLM = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 4096, prices: {} };

export interface DgmCommand {
  /** The initial agent's folder; not needed with `resume`. */
  agentDir?: string;
  /** The benchmark folder; with `resume`, the run's own by default. */
  bench?: string;
  /** Model ids as for `ouro run --model`; the first also diagnoses. With `resume`, the run's own by default. */
  models: readonly string[];
  db: string;
  seed?: number;
  budget: DgmBudget;
  resume?: string;
  thresholds?: Partial<DgmThresholds>;
  taskTimeoutMs?: number;
  unsafe?: boolean;
  onEvent?: (event: DgmEvent) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Runs or resumes a DGM run with real models and the sandboxed agent runner. */
export async function startDgm(command: DgmCommand): Promise<DgmResult> {
  const stored = command.resume === undefined ? undefined : readRun(command.db, command.resume).run;
  const ids = command.models.length > 0 ? command.models : stored ? [stored.settings.model] : [];
  if (ids.length === 0) {
    throw new OuroError('model-missing', 'the DGM needs a model: its agents call one to solve tasks and to edit themselves, and the diagnosis calls one. '
      + 'Pass --model <id>, such as --model openai:gpt-4.1-mini or --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder (`ouro models check` tests one).', { field: 'model' });
  }
  const bench = command.bench ?? stored?.settings.bench;
  if (bench === undefined) throw new OuroError('option-invalid', 'ouro agents run needs --bench <folder>, such as --bench benchmarks/coding', { field: 'bench' });
  const benchmark = loadBenchmark(bench);
  // Loaded here, not at the top: only a real run needs the sandbox runtime.
  const { createAgentRunner, loadAgentDir } = await import('../../evaluate/agents/index.ts');
  const agent = stored ? undefined : loadAgentDir(requireAgentDir(command.agentDir));

  const resolved = modelConfigs(undefined, ids).map((config) => resolveModel(config, LLM, command.env ?? process.env));
  const down = (await Promise.all(resolved.map(async (model) => ({ model, probe: await probeModel(model) })))).filter((entry) => !entry.probe.reachable);
  if (down.length > 0) {
    throw new OuroError('model-unreachable', `no answer from ${down.map((entry) => `${entry.model.id}: ${entry.probe.detail}`).join('; ')}`, { field: 'model' });
  }
  // Every call, the agents' and the diagnosis', is booked in one ledger; a spent budget refuses further calls.
  const prior = stored ? priorSpend(command.db, stored.id) : { tokens: 0, costUsd: 0 };
  const ledger = new Ledger();
  const admit = (): string | null => {
    const totals = ledger.totals();
    const reached = spendReached(command.budget, { tokens: prior.tokens + totals.tokens, costUsd: prior.costUsd + totals.costUsd });
    return reached === null ? null : `the DGM run's ${reached === 'tokens' ? 'token' : 'money'} budget is spent`;
  };
  const onExchange = (exchange: LlmExchange): void => ledger.record(exchange);
  const handles = new Map(resolved.map((model) => [model.id, createModel(model, { admit, onExchange })]));
  const diagnosis = handles.get(resolved[0]!.id)!;
  const runner = createAgentRunner({ models: handles, defaultModel: diagnosis.id, ...(command.unsafe ? { unsafe: true } : {}) });
  try {
    return await runDgm({
      db: command.db, benchmark, runner, model: diagnosis, budget: command.budget,
      ...(agent ? { agent, agentDir: command.agentDir } : {}),
      ...(command.resume ? { resume: command.resume } : {}),
      ...(command.seed === undefined ? {} : { seed: command.seed }),
      ...(command.thresholds ? { thresholds: command.thresholds } : {}),
      ...(command.taskTimeoutMs === undefined ? {} : { taskTimeoutMs: command.taskTimeoutMs }),
      ...(command.onEvent ? { onEvent: command.onEvent } : {}),
      ...(command.signal ? { signal: command.signal } : {}),
    });
  } finally {
    await runner.close();
  }
}

function requireAgentDir(dir: string | undefined): string {
  if (dir === undefined) throw new OuroError('option-invalid', 'ouro agents run needs the initial agent\'s folder, such as `ouro agents run agents/initial --bench benchmarks/coding`', { field: 'agent-dir' });
  return dir;
}

function priorSpend(db: string, runId: string): { tokens: number; costUsd: number } {
  return readRun(db, runId).agents.reduce((sum, agent) => ({ tokens: sum.tokens + agent.metrics.tokens, costUsd: sum.costUsd + agent.metrics.costUsd }), { tokens: 0, costUsd: 0 });
}

/** A DGM run and its agents, read from the database without writing to it. */
export function readRun(db: string, runId: string): { run: DgmRunRecord; agents: AgentRecord[] } {
  const store = new SqliteStore(db, { readonly: true });
  try {
    const run = store.agents()?.getDgmRun(runId);
    if (!run) throw new OuroError('run-unknown', `no DGM run ${runId} in ${store.location} (see \`ouro agents show\`)`, { field: 'run' });
    return { run, agents: store.agents()!.agents(runId) };
  } finally {
    store.close();
  }
}

/** The DGM runs of a database, oldest first; none when it has no DGM tables. */
export function listRuns(db: string): DgmRunSummary[] {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return store.agents()?.listDgmRuns() ?? [];
  } finally {
    store.close();
  }
}
