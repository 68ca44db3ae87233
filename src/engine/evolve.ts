import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import { Emitter, type RunEvents } from '../core/events.ts';
import type { Evaluators, StartEvaluators, StartProposals } from '../core/evaluators.ts';
import type { RemoteProposals } from '../core/operator.ts';
import { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { createArchive } from '../archive/index.ts';
import type { PoolOptions } from '../evaluate/pool.ts';
import { isPythonEvaluator, startLocalEvaluators } from '../evaluate/start.ts';
import { pythonOptions } from './python-options.ts';
import { OperatorBandit, parseProblem } from '../propose/index.ts';
import { NoveltyFilter } from '../propose/novelty.ts';
import type { RunSettings, Store } from '../store/store.ts';
import { EmbeddingNovelty } from './compose/embedding-novelty.ts';
import { Learners } from './learners.ts';
import { lessonsStep } from './lessons.ts';
import { checkExperiment, loadExperiment, parseExperimentOptions, type LoadedExperiment } from './load-experiment.ts';
import { modelConfigs } from '../llm/index.ts';
import { setupModels } from './models.ts';
import { storeLineage } from './lineage.ts';
import { taskModelHost } from './task-models.ts';
import { chooseOperators, mostNovelOfN } from './operators.ts';
import { setupPromptEvolution } from './prompt-evolution/setup.ts';
import { restoreDefinedParts, storableConfig } from './defined-parts.ts';
import { flushFailures } from './pipeline.ts';
import { Session, type SessionEnd } from './session.ts';
import { RunState, hashGenome } from './state.ts';
import { openStore } from '../store/open.ts';
import { brokerModels, configBudget, defaultFeatures, evaluateInitial, newRunId, startRemoteProposals } from './run-setup.ts';

export type { Evaluators, ProposalSetup } from '../core/evaluators.ts';

export interface EvolveOptions {
  /** A database path (default `.ouro/ouro.db`) or an open store. */
  db?: string | Store;
  seed?: number;
  /** Overrides the experiment's budget, limit by limit. */
  budget?: Budget;
  /** Evaluations in parallel; overrides the experiment's setting. */
  concurrency?: number;
  /** Values for the experiment's own options. */
  options?: Record<string, unknown>;
  /** Model ids (`openai:gpt-4.1-mini`, `compat:<url>#<model>`) that replace the config's models. */
  models?: string[];
  /**
   * Re-run a recorded run: its stored config, seed and settings, with every model reply served
   * from its database instead of the network.
   */
  replay?: string;
  /** Probe each model over HTTP before the run starts (default true). */
  probeModels?: boolean;
  /**
   * Run candidates without isolation where the sandbox needs what this machine lacks, and let
   * evaluators use `importGenome`. Never stored with the run: each session must ask again.
   */
  unsafe?: boolean;
  /** The Python interpreter for a Python evaluator (`--python`); replaces the config's `python`. */
  python?: string;
  /**
   * Starts what evaluates this session's candidates, in place of the local worker-process pool:
   * the fleet (`fleetEvaluators(url)` from src/fleet) passes one. Like `unsafe`, a choice of this
   * session only. Injected rather than imported, so the engine never depends on an entry point.
   */
  evaluators?: StartEvaluators;
  /**
   * Starts what proposes for the operators it accepts, in place of this process: the fleet
   * (`fleetProposals(url)` from src/fleet) takes the model operators. Not used in replay, whose
   * replies come from this run's database.
   */
  proposals?: StartProposals;
  /** Graceful stop: in-flight evaluations finish and are committed. */
  signal?: AbortSignal;
  /** Hard stop: in-flight evaluations are abandoned and rerun on resume. */
  abandonSignal?: AbortSignal;
  events?: Emitter<RunEvents>;
}

export interface RunResult {
  runId: string;
  bestScore: number | undefined;
  bestCandidate: string | undefined;
  bestGenome: Genome | undefined;
  evaluations: number;
  elapsedMs: number;
  stopReason: SessionEnd;
  store: string;
  /** Model spend over every session of the run. */
  spend: { calls: number; inputTokens: number; outputTokens: number; costUsd: number };
}

import { DEFAULT_DB } from './defaults.ts';

export { DEFAULT_DB };

/**
 * Runs an experiment: from a folder holding `ouro.config.ts`, or an experiment already loaded.
 *
 * @example
 * const result = await evolve('examples/circle-packing', { seed: 1, budget: { evaluations: 500 } });
 * console.log(result.bestScore);
 */
export async function evolve(experiment: string | LoadedExperiment, options: EvolveOptions = {}): Promise<RunResult> {
  let loaded = typeof experiment === 'string' ? await loadExperiment(experiment) : experiment;
  const { store, owned } = openStore(options.db ?? DEFAULT_DB);
  try {
    let settings: RunSettings;
    if (options.replay) {
      const source = store.getRun(options.replay);
      if (!source)
        throw new OuroError('run-unknown', `--replay: no run ${options.replay} in ${store.location} (see \`ouro ls\`)`, {
          field: 'replay',
        });
      // The recorded run's config, seed and settings, so that the same prompts come up in the same order.
      loaded = checkExperiment(loaded.dir, loaded.configFile, {
        ...restoreDefinedParts(source.config, loaded.config, options.replay, loaded.configFile),
        options: loaded.optionsSchema,
      });
      settings = { ...source.settings, budget: { ...source.settings.budget, ...options.budget }, replayOf: options.replay };
      delete settings.models;
      if (source.settings.models) settings.models = source.settings.models;
    } else {
      settings = {
        seed: options.seed ?? randomBytes(4).readUInt32LE(0) % 1_000_000,
        options: parseExperimentOptions(loaded, options.options ?? {}),
        budget: { ...configBudget(loaded), ...options.budget },
        concurrency: options.concurrency ?? loaded.config.evaluation.concurrency ?? availableParallelism(),
        ...(options.models && options.models.length > 0 ? { models: options.models } : {}),
      };
    }
    const runId = newRunId();
    // Models, operators and the archive are checked before the run is created, so a bad setup leaves no empty run behind.
    const parts = await prepare(loaded, store, runId, settings, options);
    const config = storableConfig(loaded.config, parts.archive);
    store.createRun({ id: runId, experiment: loaded.config.name, experimentDir: loaded.dir, config, settings, createdAt: Date.now() });
    store.appendRunEvent(runId, 'started', { seed: settings.seed, ...(settings.replayOf ? { replayOf: settings.replayOf } : {}) });
    return await runSession(loaded, store, runId, settings, false, options, parts);
  } finally {
    if (owned) store.close();
  }
}

/** Continues a run after a stop, a crash or `kill -9`, with its archive and RNG state rebuilt from the store. */
export async function resume(runId: string, options: Omit<EvolveOptions, 'seed' | 'options'> = {}): Promise<RunResult> {
  const { store, owned } = openStore(options.db ?? DEFAULT_DB);
  try {
    const run = store.getRun(runId);
    if (!run) throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
    const fromDisk = await loadExperiment(run.experimentDir);
    // The stored config decides how the run evolves, so editing the file cannot fork a resumed run.
    const loaded = checkExperiment(fromDisk.dir, fromDisk.configFile, {
      ...restoreDefinedParts(run.config, fromDisk.config, runId, fromDisk.configFile),
      options: fromDisk.optionsSchema,
    });
    const settings: RunSettings = {
      ...run.settings,
      budget: { ...run.settings.budget, ...options.budget },
      concurrency: options.concurrency ?? run.settings.concurrency,
    };
    const parts = await prepare(loaded, store, runId, settings, options);
    store.appendRunEvent(runId, 'resumed', { budget: settings.budget });
    return await runSession(loaded, store, runId, settings, true, options, parts);
  } finally {
    if (owned) store.close();
  }
}

async function prepare(loaded: LoadedExperiment, store: Store, runId: string, settings: RunSettings, options: EvolveOptions) {
  const { config } = loaded;
  const models = await setupModels({
    runId,
    store,
    budget: settings.budget,
    llm: config.llm,
    configs: modelConfigs(config.models, settings.models),
    ...(settings.replayOf ? { replayOf: settings.replayOf } : {}),
    probe: options.probeModels ?? true,
    onExchange: (exchange) => options.events?.emit('model-called', { exchange }),
  });
  const embeddedOnly = settings.models?.includes('none') ?? false;
  const choice = chooseOperators(config, loaded.dir, models !== undefined, Object.keys(loaded.genome), embeddedOnly);
  // The default axis is binned from the run's own initial genome: on resume the stored one, so
  // that an edit of the file on disk since cannot move candidates between cells.
  const initial = store.getCandidate(`${runId}-0`)?.candidate.genome ?? loaded.genome;
  // With only embedded operators, a genome that does not parse could only ever fail to change.
  if (!choice.operators.some((operator) => operator.usesModel)) {
    const problem = await parseProblem(initial);
    if (problem !== undefined) {
      throw new OuroError('genome-unparseable', `the initial genome does not parse: ${problem.message}`, {
        field: 'genome',
        file: problem.file,
      });
    }
  }
  const archive = createArchive(config.archive, { features: defaultFeatures(config.archive, initial), genome: initial });
  return { models, choice, archive };
}

async function runSession(
  loaded: LoadedExperiment,
  store: Store,
  runId: string,
  settings: RunSettings,
  resumed: boolean,
  options: EvolveOptions,
  { models, choice, archive }: Awaited<ReturnType<typeof prepare>>,
): Promise<RunResult> {
  const { config } = loaded;
  const events = options.events ?? new Emitter<RunEvents>();
  if (options.unsafe) {
    events.emit('notice', {
      message:
        'ouro: --unsafe: candidate code may run without isolation in this run (importGenome is allowed, and the process tier runs ' +
        'without bubblewrap where it is missing)',
      warning: true,
    });
  }
  if (!resumed) for (const message of choice.notices) events.emit('notice', { message });
  for (const message of models?.notices ?? []) events.emit('notice', { message });
  if (settings.replayOf && !resumed)
    events.emit('notice', { message: `replaying run ${settings.replayOf}: model replies come from the database, not the network` });
  const operators = new Map(choice.operators.map((operator) => [operator.name, operator]));
  const usesModels = choice.operators.some((operator) => operator.usesModel);
  const modelBandit = models && usesModels ? new OperatorBandit(models.ids) : undefined;
  const state = new RunState(runId, archive, new OperatorBandit([...operators.keys()]), modelBandit, Rng.fromSeed(settings.seed), store);
  const novelty = new NoveltyFilter({ ngram: config.novelty.ngram, threshold: config.novelty.threshold, window: config.novelty.window });
  if (config.proposal.bestOfN > 1) {
    for (const [name, operator] of operators) {
      if (operator.usesModel)
        operators.set(
          name,
          mostNovelOfN(operator, config.proposal.bestOfN, novelty, (genome) => state.seen.has(hashGenome(genome))),
        );
    }
  }
  const embeddings =
    config.novelty.embeddings && models
      ? new EmbeddingNovelty({
          model: config.novelty.embeddings,
          threshold: config.novelty.embeddingThreshold,
          window: config.novelty.window,
          store,
          llm: config.llm,
          onExchange: models.book,
          admit: models.admit,
          offline: settings.replayOf !== undefined,
        })
      : undefined;
  if (config.novelty.embeddings && !models && !resumed) {
    events.emit('notice', {
      message: `novelty.embeddings (${config.novelty.embeddings}) is not used: the run has no model, so no LLM proposal needs checking`,
    });
  }
  const learners = Learners.of(operators, store, runId);
  if (resumed) {
    state.replay();
    await learners?.replay();
    state.lessons = store.lessons(runId).at(-1)?.lessons ?? [];
    // Oldest first, so that the window ends with the newest candidate, as it did before the stop.
    for (const { id } of store.recentCandidates(runId, config.novelty.window).reverse()) {
      const genome = store.getGenome(id);
      if (!genome) continue;
      novelty.remember(id, genome);
      await embeddings?.rememberGenome(id, genome, true);
    }
  }
  if (resumed && state.evaluations > 0 && !state.best) {
    throw new OuroError('initial-failed', `run ${runId} has no scored candidate: its initial genome failed, so it cannot continue`, {
      candidate: `${runId}-0`,
    });
  }
  // After the state's replay: the templates restore their own credit from the store.
  const prompts = setupPromptEvolution({ loaded, store, state, models, operators: [...operators.keys()], resumed, events });
  events.emit('run-started', {
    runId,
    resumed,
    evaluations: state.evaluations,
    elapsedMs: state.elapsedBeforeMs,
    budget: settings.budget,
    bestScore: state.best?.score,
    spend: { tokens: models?.ledger.totals().tokens ?? 0, costUsd: models?.ledger.totals().costUsd ?? 0 },
  });

  const poolOptions: PoolOptions = {
    evaluatorFile: loaded.evaluatorFile,
    experimentDir: loaded.dir,
    options: settings.options,
    concurrency: settings.concurrency,
    timeoutMs: config.evaluation.timeoutMs,
    memoryMb: config.evaluation.memoryMb,
    unsafe: options.unsafe ?? false,
    ...(models
      ? {
          models: brokerModels(models),
          taskModels: taskModelHost(models, modelConfigs(config.models, settings.models), store.llmCalls(runId)),
        }
      : {}),
    ...(config.evaluation.scoreRange ? { scoreRange: config.evaluation.scoreRange } : {}),
    privateMetrics: config.evaluation.privateMetrics,
    ...(isPythonEvaluator(loaded.evaluatorFile) ? { python: pythonOptions(config, options.python) } : {}),
  };
  const notice = (message: string, warning?: boolean): void => events.emit('notice', { message, warning });
  const pool: Evaluators = options.evaluators ? await options.evaluators(poolOptions, notice) : await startLocalEvaluators(poolOptions);
  let remote: RemoteProposals | undefined;
  try {
    remote = await startRemoteProposals(loaded, runId, settings, options, usesModels && models !== undefined, notice);
  } catch (error) {
    await pool.close();
    throw error;
  }
  let proposals = 0;
  const sessionTag = Date.now().toString(36);
  const session = new Session({
    state,
    store,
    events,
    deps: {
      operators,
      novelty,
      ...(embeddings ? { embeddings } : {}),
      noveltyScope: config.novelty.scope,
      inspirations: 3,
      costScale: config.bandit.costScale,
      ...(models ? { models } : {}),
      ...(config.description ? { description: config.description } : {}),
      nextProposalId: () => `${sessionTag}.${++proposals}`,
      lineage: storeLineage(store),
      ...(remote ? { remote } : {}),
      ...(prompts ? { prompts } : {}),
    },
    lessons: lessonsStep({
      state,
      store,
      events,
      every: config.lessons.every,
      max: config.lessons.max,
      models: usesModels ? models : undefined,
      description: config.description,
    }),
    evaluate: (id, genome, request) => pool.evaluate(id, genome, request),
    ...(learners ? { teach: learners.teach } : {}),
    budget: settings.budget,
    evaluationConcurrency: settings.concurrency,
    proposalConcurrency: config.proposal.concurrency,
    maxConsecutiveFailures: config.proposal.maxConsecutiveFailures,
    maxConsecutiveModelFailures: config.proposal.maxConsecutiveModelFailures,
    signal: options.signal,
    abandonSignal: options.abandonSignal,
  });
  let end: SessionEnd;
  try {
    if (state.evaluations === 0) {
      await evaluateInitial(state, store, loaded.genome, pool, session.elapsedMs, events);
      novelty.remember(`${runId}-0`, loaded.genome);
      await embeddings?.rememberGenome(`${runId}-0`, loaded.genome);
    }
    end = await session.run();
    flushFailures(state, store);
  } finally {
    await Promise.all([pool.close(), remote?.close()]);
  }
  store.appendRunEvent(runId, end === 'interrupted' ? 'stopped' : 'finished', { reason: end, evaluations: state.evaluations });
  events.emit('run-finished', { runId, reason: end });
  const best = state.best ? store.getCandidate(state.best.id) : undefined;
  const totals = models?.ledger.totals();
  return {
    spend: {
      calls: totals?.calls ?? 0,
      inputTokens: totals?.inputTokens ?? 0,
      outputTokens: totals?.outputTokens ?? 0,
      costUsd: totals?.costUsd ?? 0,
    },
    runId,
    bestScore: state.best?.score,
    bestCandidate: state.best?.id,
    bestGenome: best?.candidate.genome,
    evaluations: state.evaluations,
    elapsedMs: session.elapsedMs(),
    stopReason: end,
    store: store.location,
  };
}
