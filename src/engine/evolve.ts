import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseDuration, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import { Emitter, type RunEvents } from '../core/events.ts';
import type { ArchiveConfig } from '../core/experiment.ts';
import { Rng } from '../core/rng.ts';
import type { Candidate, Genome } from '../core/types.ts';
import { createArchive } from '../archive/index.ts';
import { EvaluatorPool } from '../evaluate/pool.ts';
import { createOperators, EMBEDDED_OPERATORS, OperatorBandit } from '../propose/index.ts';
import type { RunSettings, Store } from '../store/store.ts';
import { checkExperiment, loadExperiment, parseExperimentOptions, type LoadedExperiment } from './load-experiment.ts';
import { evaluateAndCommit, flushFailures } from './pipeline.ts';
import { Session, type SessionEnd } from './session.ts';
import { RunState, hashGenome } from './state.ts';
import { openStore } from './open-store.ts';

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
}

export const DEFAULT_DB = '.ouro/ouro.db';

/**
 * Runs an experiment: from a folder holding `ouro.config.ts`, or an experiment already loaded.
 *
 * @example
 * const result = await evolve('examples/circle-packing', { seed: 1, budget: { evaluations: 500 } });
 * console.log(result.bestScore);
 */
export async function evolve(experiment: string | LoadedExperiment, options: EvolveOptions = {}): Promise<RunResult> {
  const loaded = typeof experiment === 'string' ? await loadExperiment(experiment) : experiment;
  const settings: RunSettings = {
    seed: options.seed ?? randomBytes(4).readUInt32LE(0) % 1_000_000,
    options: parseExperimentOptions(loaded, options.options ?? {}),
    budget: { ...configBudget(loaded), ...options.budget },
    concurrency: options.concurrency ?? loaded.config.evaluation.concurrency ?? availableParallelism(),
  };
  const { store, owned } = openStore(options.db ?? DEFAULT_DB);
  try {
    const runId = newRunId();
    const { options: _schema, ...config } = loaded.config;
    store.createRun({ id: runId, experiment: loaded.config.name, experimentDir: loaded.dir, config, settings, createdAt: Date.now() });
    store.appendRunEvent(runId, 'started', { seed: settings.seed });
    return await runSession(loaded, store, runId, settings, false, options);
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
    const loaded = checkExperiment(fromDisk.dir, fromDisk.configFile, { ...(run.config as object), options: fromDisk.optionsSchema });
    const settings: RunSettings = {
      ...run.settings,
      budget: { ...run.settings.budget, ...options.budget },
      concurrency: options.concurrency ?? run.settings.concurrency,
    };
    store.appendRunEvent(runId, 'resumed', { budget: settings.budget });
    return await runSession(loaded, store, runId, settings, true, options);
  } finally {
    if (owned) store.close();
  }
}

async function runSession(
  loaded: LoadedExperiment, store: Store, runId: string, settings: RunSettings, resumed: boolean, options: EvolveOptions,
): Promise<RunResult> {
  const { config } = loaded;
  const events = options.events ?? new Emitter<RunEvents>();
  const operatorNames = config.operators ?? [...EMBEDDED_OPERATORS];
  const operators = new Map(createOperators(operatorNames).map((operator) => [operator.name, operator]));
  const archive = createArchive(config.archive, { features: defaultFeatures(config.archive, loaded.genome) });
  const state = new RunState(runId, archive, new OperatorBandit(operatorNames), Rng.fromSeed(settings.seed), store);
  if (resumed) state.replay();
  if (resumed && state.evaluations > 0 && !state.best) {
    throw new OuroError('initial-failed', `run ${runId} has no scored candidate: its initial genome failed, so it cannot continue`, { candidate: `${runId}-0` });
  }
  events.emit('run-started', { runId, resumed, evaluations: state.evaluations, elapsedMs: state.elapsedBeforeMs, budget: settings.budget, bestScore: state.best?.score });

  const pool = await EvaluatorPool.start({
    evaluatorFile: loaded.evaluatorFile,
    experimentDir: loaded.dir,
    options: settings.options,
    concurrency: settings.concurrency,
    timeoutMs: config.evaluation.timeoutMs,
    memoryMb: config.evaluation.memoryMb,
  });
  const session = new Session({
    state, store, events, operators,
    evaluate: (id, genome) => pool.evaluate(id, genome),
    budget: settings.budget,
    evaluationConcurrency: settings.concurrency,
    proposalConcurrency: config.proposal.concurrency,
    maxConsecutiveFailures: config.proposal.maxConsecutiveFailures,
    signal: options.signal,
    abandonSignal: options.abandonSignal,
  });
  let end: SessionEnd;
  try {
    if (state.evaluations === 0) await evaluateInitial(state, store, loaded.genome, pool, session.elapsedMs, events);
    end = await session.run();
    flushFailures(state, store);
  } finally {
    await pool.close();
  }
  store.appendRunEvent(runId, end === 'interrupted' ? 'stopped' : 'finished', { reason: end, evaluations: state.evaluations });
  events.emit('run-finished', { runId, reason: end });
  const best = state.best ? store.getCandidate(state.best.id) : undefined;
  return {
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

async function evaluateInitial(
  state: RunState, store: Store, genome: Genome, pool: EvaluatorPool, elapsedMs: () => number, events: Emitter<RunEvents>,
): Promise<void> {
  const candidate: Candidate = {
    id: `${state.runId}-0`, runId: state.runId, seq: 0, parentIds: [], generation: 0, island: 0, genome,
    origin: { operator: 'initial', description: 'the initial genome', diff: '' },
    createdAt: Date.now(),
  };
  state.nextSeq = 1;
  const child = { candidate, parentScore: undefined, genomeHash: hashGenome(genome), rngState: state.rng.state() };
  const { evaluation } = await evaluateAndCommit(state, store, (id, g) => pool.evaluate(id, g), child, elapsedMs);
  events.emit('candidate-recorded', { candidate, evaluation, bestScore: state.best?.score });
  if (evaluation.status !== 'ok') {
    throw new OuroError(
      'initial-failed',
      `the initial genome (candidate ${candidate.id}) was not scored: ${evaluation.status}: ${evaluation.error ?? 'no message'}. Fix the genome or the evaluator; the run cannot start from it.`,
      { candidate: candidate.id },
    );
  }
}

function configBudget(loaded: LoadedExperiment): Budget {
  const { evaluations, wallTime, targetScore } = loaded.config.budget;
  let wallTimeMs: number | undefined;
  if (typeof wallTime === 'string') {
    wallTimeMs = parseDuration(wallTime);
    if (wallTimeMs === undefined) {
      throw new OuroError('config-invalid', `${loaded.configFile}: budget.wallTime "${wallTime}" is not a duration such as 90s, 2m or 1h`, { field: 'budget.wallTime', file: loaded.configFile });
    }
  } else {
    wallTimeMs = wallTime;
  }
  return strip({ evaluations, wallTimeMs, targetScore });
}

function strip(budget: Budget): Budget {
  return Object.fromEntries(Object.entries(budget).filter(([, value]) => value !== undefined)) as Budget;
}

/** MAP-Elites without configured axes bins genome length from half to twice the initial genome's. */
function defaultFeatures(archive: ArchiveConfig, genome: Genome) {
  if (archive.kind !== 'map-elites') return [];
  const length = Object.values(genome).reduce((sum, text) => sum + text.length, 0);
  return [{ name: 'length', min: Math.floor(length / 2), max: length * 2, bins: 10 }];
}

function newRunId(): string {
  return `r${randomBytes(4).toString('hex')}`;
}

