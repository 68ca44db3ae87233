/**
 * `ouro agents run` and `ouro agents show` as engine calls: loads the agent folder and the
 * benchmark, resolves the model the way `ouro run --model` does (or serves a recorded run's
 * replies), records every exchange, wires the sandboxed agent runner and runs the DGM loop.
 */
import { OuroError } from '../../core/errors.ts';
import type { LlmExchange } from '../../core/model.ts';
import { openBenchmark } from '../coding-bench/open.ts';
import { validateBenchmark } from '../coding-bench/validate.ts';
import { modelConfigs, openRunModels, unserved } from '../../llm/index.ts';
import type { AgentRecord, DgmRunRecord, DgmRunSummary } from './store.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { requireSqliteFile } from '../../store/open.ts';
import { callTag, committedCalls, modelIdsOf, nextSession } from './calls.ts';
import { newDgmRunId, runDgm, type DgmResult } from './loop.ts';
import type { DgmBudget, DgmEvent, DgmThresholds } from './options.ts';
import { DGM_TABLES } from './store-sqlite.ts';

/** The LLM settings an experiment gets by default (core/experiment.ts), for the DGM's models. */
const LLM = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 4096, prices: {} };

export interface DgmCommand {
  /** The initial agent's folder; not needed with `resume` or `replay`. */
  agentDir?: string;
  /** The benchmark folder; with `resume` or `replay`, the recorded run's by default. */
  bench?: string;
  /** Model ids as for `ouro run --model`; the first also diagnoses. With `resume`, the run's own by default; none with `replay`. */
  models: readonly string[];
  db: string;
  seed?: number;
  /** Empty: with `resume` or `replay`, the recorded run's budget. */
  budget: DgmBudget;
  resume?: string;
  /**
   * Replay this recorded DGM run: a new run with its settings, seed and initial agent whose model
   * replies all come from the recorded exchanges, with no network.
   */
  replay?: string;
  thresholds?: Partial<DgmThresholds>;
  taskTimeoutMs?: number;
  unsafe?: boolean;
  onEvent?: (event: DgmEvent) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs, resumes or replays a DGM run with real models (or recorded replies) and the sandboxed
 * agent runner. Every model exchange, the diagnosis' and the agents' through the broker, is
 * appended to `dgm_llm_calls` as it ends; a resumed run books all of them against its budget.
 */
export async function startDgm(command: DgmCommand): Promise<DgmResult> {
  requireSqliteFile(command.db, 'DGM runs');
  if (command.replay !== undefined && command.resume !== undefined) {
    throw new OuroError(
      'option-invalid',
      '--replay starts a new run and cannot be combined with --resume; resume a replay by its own run id',
      { field: 'replay' },
    );
  }
  if (command.replay !== undefined && command.models.length > 0) {
    throw new OuroError(
      'option-invalid',
      `--replay answers every model call from run ${command.replay}'s recorded replies; leave out --model`,
      { field: 'model' },
    );
  }
  const resumed = command.resume === undefined ? undefined : readRun(command.db, command.resume);
  const replayed = command.replay === undefined ? undefined : readRun(command.db, command.replay);
  const base = (resumed ?? replayed)?.run;
  const replayOf = command.replay ?? resumed?.run.settings.replayOf;
  const source = replayed ?? (replayOf === undefined ? undefined : readRun(command.db, replayOf));
  if (command.models.length === 0 && base === undefined) {
    throw new OuroError(
      'model-missing',
      'the DGM needs a model: its agents call one to solve tasks and to edit themselves, and the diagnosis calls one. ' +
        'Pass --model <id>, such as --model openai:gpt-4.1-mini or --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder ' +
        '(`ouro models check` tests one).',
      { field: 'model' },
    );
  }
  const bench = command.bench ?? base?.settings.bench;
  if (bench === undefined)
    throw new OuroError('option-invalid', 'ouro agents run needs --bench <folder>, such as --bench benchmarks/coding', { field: 'bench' });
  const benchmark = openBenchmark(bench);
  const budget: DgmBudget = Object.keys(command.budget).length > 0 ? command.budget : (base?.settings.budget ?? {});
  // Loaded here, not at the top: only a real run needs the sandbox runtime.
  const { createAgentRunner, loadAgentDir } = await import('../runtime/index.ts');
  const agent = base ? replayed?.run.initialAgent : loadAgentDir(requireAgentDir(command.agentDir));
  // A task whose reference fails (or whose stub passes) would score every agent wrongly: refuse it
  // before anything is spent. About 0.2 s a task; a resumed or replayed run was checked when it began.
  if (!base) await validateBenchmark(benchmark, command.unsafe ? { unsafe: true } : {});

  const store = new SqliteStore(command.db);
  try {
    const agents = store.tables(DGM_TABLES);
    if (!agents) throw new OuroError('store-version', `${store.location} has no DGM tables`, { file: store.location });
    const runId = resumed?.run.id ?? newDgmRunId();
    const previous = resumed ? agents.dgmLlmCalls(runId) : [];
    const recorded = source
      ? committedCalls(
          agents.dgmLlmCalls(source.run.id),
          source.agents.map((record) => record.id),
        )
      : undefined;
    const ids = command.models.length > 0 ? [...command.models] : modelIdsOf((base as DgmRunRecord).settings.model, recorded ?? previous);

    // The budget sees every exchange of the run, those of abandoned children included; a run
    // recorded before exchanges were stored has its agents' metrics taken off the budget instead.
    const legacy = resumed && previous.length === 0 ? priorSpend(resumed.agents) : { tokens: 0, costUsd: 0 };
    const session = nextSession(previous);
    let current: string | undefined;
    const record = (exchange: LlmExchange): void => {
      agents.recordDgmLlmCall(runId, current === undefined ? exchange : { ...exchange, proposal: callTag(current, session) });
    };
    const onEvent = (event: DgmEvent): void => {
      if (event.type === 'run-started' && event.agents === 0) current = `${runId}-0`;
      if (event.type === 'parent-selected') current = `${runId}-${event.seq}`;
      command.onEvent?.(event);
    };

    // A resumed replay has been served the replies of its stored agents already.
    const served =
      resumed && recorded
        ? committedCalls(
            previous,
            resumed.agents.map((agent) => agent.id),
          )
        : [];
    const models = await openRunModels({
      configs: modelConfigs(undefined, ids),
      llm: LLM,
      prior: previous,
      record,
      budget: {
        ...(budget.tokens === undefined ? {} : { tokens: budget.tokens - legacy.tokens }),
        ...(budget.costUsd === undefined ? {} : { costUsd: budget.costUsd - legacy.costUsd }),
      },
      ...(recorded ? { replay: unserved(recorded, served) } : {}),
      ...(command.env ? { env: command.env } : {}),
    });
    const diagnosis = models.handles.get(models.ids[0]!)!;
    const runner = createAgentRunner({ models: models.handles, defaultModel: diagnosis.id, ...(command.unsafe ? { unsafe: true } : {}) });
    const settings = replayed?.run.settings;
    try {
      return await runDgm({
        db: store,
        benchmark,
        runner,
        model: diagnosis,
        budget,
        onEvent,
        ...(agent ? { agent, runId, ...(settings ? {} : { agentDir: command.agentDir }) } : {}),
        ...(settings?.agentDir === undefined ? {} : { agentDir: settings.agentDir }),
        ...(command.resume ? { resume: command.resume } : {}),
        ...(command.seed === undefined ? {} : { seed: command.seed }),
        ...(command.thresholds ? { thresholds: command.thresholds } : {}),
        ...(command.taskTimeoutMs === undefined ? {} : { taskTimeoutMs: command.taskTimeoutMs }),
        // A replay takes the recorded run's settings, and evaluates one task at a time so that
        // the calls come in the recorded order (the live CLI does too: concurrency 1 by default).
        ...(settings
          ? {
              replayOf: replayed!.run.id,
              seed: settings.seed,
              lambda: settings.lambda,
              thresholds: settings.thresholds,
              taskTimeoutMs: settings.taskTimeoutMs,
              selfModifyTimeoutMs: settings.selfModifyTimeoutMs,
              repeats: settings.repeats,
              concurrency: 1,
            }
          : {}),
        ...(replayOf === undefined ? {} : { concurrency: 1 }),
        ...(command.signal ? { signal: command.signal } : {}),
      });
    } finally {
      await runner.close();
    }
  } finally {
    store.close();
  }
}

function requireAgentDir(dir: string | undefined): string {
  if (dir === undefined)
    throw new OuroError(
      'option-invalid',
      "ouro agents run needs the initial agent's folder, such as `ouro agents run agents/initial --bench benchmarks/coding`",
      { field: 'agent-dir' },
    );
  return dir;
}

/** What a run's stored agents spent, by their metrics (without the children abandoned in flight). */
function priorSpend(agents: readonly AgentRecord[]): { tokens: number; costUsd: number } {
  return agents.reduce((sum, agent) => ({ tokens: sum.tokens + agent.metrics.tokens, costUsd: sum.costUsd + agent.metrics.costUsd }), {
    tokens: 0,
    costUsd: 0,
  });
}

/** A DGM run and its agents, read from the database without writing to it. */
export function readRun(db: string, runId: string): { run: DgmRunRecord; agents: AgentRecord[] } {
  requireSqliteFile(db, 'DGM runs');
  const store = new SqliteStore(db, { readonly: true });
  try {
    const run = store.tables(DGM_TABLES)?.getDgmRun(runId);
    if (!run) throw new OuroError('run-unknown', `no DGM run ${runId} in ${store.location} (see \`ouro agents show\`)`, { field: 'run' });
    return { run, agents: store.tables(DGM_TABLES)!.agents(runId) };
  } finally {
    store.close();
  }
}

/** The DGM runs of a database, oldest first; none when it has no DGM tables. */
export function listRuns(db: string): DgmRunSummary[] {
  requireSqliteFile(db, 'DGM runs');
  const store = new SqliteStore(db, { readonly: true });
  try {
    return store.tables(DGM_TABLES)?.listDgmRuns() ?? [];
  } finally {
    store.close();
  }
}
