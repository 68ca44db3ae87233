/**
 * A flywheel run: rounds of sampling, verification, selection and export, each followed by a
 * training job whose model samples the next round. Everything is stored as it happens; `resume`
 * finishes the round in progress, goes on polling a job in flight (never starting a second one)
 * and carries on.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig } from '../core/experiment.ts';
import { ModelCallError, type ModelHandle } from '../core/model.ts';
import { openRunModels, unserved } from '../llm/index.ts';
import { openStore } from '../store/open.ts';
import { SqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';
import type { FlywheelRemote, StartFlywheelRemote } from './remote.ts';
import { runRound } from './round.ts';
import { checkSettings, type FlywheelSettings } from './settings.ts';
import { FLYWHEEL_TABLES } from './store-sqlite.ts';
import type { FlywheelStore, StoredJob, StoredRound } from './store.ts';
import { loadSplit, type TaskSplit } from './tasks.ts';
import { isFinished, parseTrainerSpec, type Trainer, type TrainerJob, type TrainerSpecOptions } from './train/index.ts';
import { replayedTrainer } from './train/replayed.ts';
import type { Verifier } from './types.ts';
import { answerVerifier, executionVerifier, judgeVerifier, selfConsistencyVerifier } from './verify/index.ts';

const LLM: LlmConfig = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 2048, prices: {} };

export interface FlywheelOptions {
  /** A database path (default `.ouro/ouro.db`). */
  db?: string;
  /** Overwrite an export folder that already holds files (a new run only). */
  force?: boolean;
  /** Check that each model answers before its first call (default true). */
  probe?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Told about each round as it is stored. */
  onRound?: (round: StoredRound) => void;
  /** Told about things the user should know. */
  notice?: (message: string) => void;
  /** Trainer settings the `trainer` text cannot carry, such as how often to poll a service. */
  trainerOptions?: TrainerSpecOptions;
  /**
   * Sampling and code verification on a fleet (`--fleet redis://…`, see src/fleet/flywheel.ts).
   * A replay never uses it: it calls no model and its verdicts are cheap to recompute here.
   */
  remote?: StartFlywheelRemote;
}

export interface FlywheelResult {
  runId: string;
  rounds: number;
  /** `budget`: a token or money limit was reached mid-round; `resume` with a larger budget finishes the round. */
  stopReason: 'rounds' | 'collapse' | 'interrupted' | 'budget';
  message?: string;
  /** The model the last round's job produced (or the last round's model). */
  model: string;
}

/**
 * Starts a new flywheel run. The exports go to `exportDir`, by default `.ouro/flywheel/<run>`
 * beside nothing else; an export folder that already holds files is refused, unless `force`.
 */
export async function startFlywheel(
  settings: Omit<FlywheelSettings, 'exportDir'> & { exportDir?: string },
  options: FlywheelOptions = {},
): Promise<FlywheelResult> {
  const runId = `f${randomBytes(4).toString('hex')}`;
  const exportDir = resolve(settings.exportDir ?? join('.ouro', 'flywheel', runId));
  const checked = checkSettings({ ...settings, exportDir });
  if (!options.force && existsSync(checked.exportDir) && readdirSync(checked.exportDir).length > 0) {
    throw new OuroError(
      'option-invalid',
      `the export folder ${checked.exportDir} already holds files; choose another with --export, or pass --force to write over them`,
      { field: 'export' },
    );
  }
  if (checked.replayOf !== undefined) return replayFlywheel(runId, checked, options);
  // Tasks are loaded and checked before the run exists, so a bad dataset leaves no empty run behind.
  const split = await loadSplit(checked.source, checked.heldOut, checked.seed);
  const trainer = parseTrainerSpec(checked.trainer, options.env ?? process.env, options.trainerOptions);
  // A model that does not answer is named before the run exists (and before anything is spent).
  if (options.probe !== false) {
    await openRunModels({ configs: modelConfigs(checked), llm: LLM, budget: {}, ...(options.env ? { env: options.env } : {}) });
  }
  const { store, flywheel } = openFlywheel(options.db);
  try {
    flywheel.createRun({ id: runId, settings: checked as unknown as Record<string, unknown>, createdAt: Date.now() });
    return await runFlywheel(flywheel, runId, checked, split, trainer, { ...options, probe: false });
  } finally {
    store.close();
  }
}

/**
 * A new run that re-runs `settings.replayOf` with its recorded settings, served its recorded model
 * replies and training jobs: no network, no service. With concurrency 1 it reproduces the
 * recorded run's samples, figures and exports byte for byte.
 */
async function replayFlywheel(runId: string, settings: FlywheelSettings, options: FlywheelOptions): Promise<FlywheelResult> {
  const { store, flywheel } = openFlywheel(options.db);
  try {
    const source = flywheel.getRun(settings.replayOf as string);
    if (!source) {
      throw new OuroError('run-unknown', `--replay: no flywheel run ${settings.replayOf} in ${store.location} (see \`ouro flywheel ls\`)`, {
        field: 'replay',
      });
    }
    const recorded = source.settings as unknown as FlywheelSettings;
    const replayed: FlywheelSettings = { ...recorded, exportDir: settings.exportDir, replayOf: source.id };
    const split = await loadSplit(replayed.source, replayed.heldOut, replayed.seed);
    const trainer = trainerOfReplay(replayed, flywheel);
    flywheel.createRun({ id: runId, settings: replayed as unknown as Record<string, unknown>, createdAt: Date.now() });
    return await runFlywheel(flywheel, runId, replayed, split, trainer, { ...options, probe: false });
  } finally {
    store.close();
  }
}

/** A replay's trainer: none when the recorded run exported only, else the recorded jobs' outcomes. */
function trainerOfReplay(settings: FlywheelSettings, flywheel: FlywheelStore): Trainer {
  const recorded = settings.replayOf as string;
  return settings.trainer === 'none' ? parseTrainerSpec('none') : replayedTrainer(flywheel.jobs(recorded), recorded);
}

/** The models a run calls: the policy model, and the judge when there is one. */
function modelConfigs(settings: FlywheelSettings): Array<{ id: string }> {
  return [{ id: settings.model }, ...(settings.judge && settings.judge !== settings.model ? [{ id: settings.judge }] : [])];
}

/** Carries a stopped, crashed or killed flywheel run on from what its store holds. */
export async function resumeFlywheel(
  runId: string,
  options: FlywheelOptions & { rounds?: number; budget?: FlywheelSettings['budget'] } = {},
): Promise<FlywheelResult> {
  const { store, flywheel } = openFlywheel(options.db);
  try {
    const run = flywheel.getRun(runId);
    if (!run)
      throw new OuroError('run-unknown', `no flywheel run ${runId} in ${store.location} (see \`ouro flywheel ls\`)`, { field: 'run' });
    const stored = run.settings as unknown as FlywheelSettings;
    const settings: FlywheelSettings = {
      ...stored,
      ...(options.rounds ? { rounds: options.rounds } : {}),
      ...(options.budget ? { budget: { ...stored.budget, ...options.budget } } : {}),
    };
    const split = await loadSplit(settings.source, settings.heldOut, settings.seed);
    const trainer =
      settings.replayOf !== undefined
        ? trainerOfReplay(settings, flywheel)
        : parseTrainerSpec(settings.trainer, options.env ?? process.env, options.trainerOptions);
    flywheel.appendEvent(runId, 'resumed', { rounds: settings.rounds, budget: settings.budget });
    return await runFlywheel(flywheel, runId, settings, split, trainer, options);
  } finally {
    store.close();
  }
}

/** The flywheel tables of the database at `db`. */
export function openFlywheel(db = '.ouro/ouro.db', readonly = false): { store: Store; flywheel: FlywheelStore } {
  const { store } = openStore(db, readonly);
  const tables = store instanceof SqliteStore ? store.tables(FLYWHEEL_TABLES) : undefined;
  if (!tables) {
    store.close();
    throw new OuroError('option-invalid', `${store.location}: the flywheel keeps its runs in SQLite; give a SQLite file with --db`, {
      field: 'db',
    });
  }
  return { store, flywheel: tables };
}

async function runFlywheel(
  flywheel: FlywheelStore,
  runId: string,
  settings: FlywheelSettings,
  split: TaskSplit,
  trainer: Trainer,
  options: FlywheelOptions,
): Promise<FlywheelResult> {
  if (options.remote === undefined || settings.replayOf !== undefined) {
    if (options.remote) options.notice?.('a replay runs on this machine: it calls no model, so the fleet is not used');
    return runRounds(flywheel, runId, settings, split, trainer, options, undefined);
  }
  const remote = await options.remote({ runId, llm: LLM, models: modelConfigs(settings) }, (message) => options.notice?.(message));
  flywheel.appendEvent(runId, 'fleet', { url: remote.url });
  try {
    return await runRounds(flywheel, runId, settings, split, trainer, options, remote);
  } finally {
    await remote.close();
  }
}

async function runRounds(
  flywheel: FlywheelStore,
  runId: string,
  settings: FlywheelSettings,
  split: TaskSplit,
  trainer: Trainer,
  options: FlywheelOptions,
  remote: FlywheelRemote | undefined,
): Promise<FlywheelResult> {
  let model = settings.model;
  let probed = false;
  for (let round = 0; round < settings.rounds; round++) {
    if (options.signal?.aborted) return stop(flywheel, runId, 'interrupted', round, model);
    const history = flywheel.rounds(runId);
    let stored = history.find((entry) => entry.round === round);
    if (stored === undefined) {
      const models = await openRunModels({
        configs: modelConfigs({ ...settings, model }),
        llm: LLM,
        budget: settings.budget,
        prior: flywheel.llmCalls(runId),
        record: (exchange) => flywheel.recordLlmCall(runId, exchange),
        ...(settings.replayOf === undefined ? {} : { replay: unserved(flywheel.llmCalls(settings.replayOf), flywheel.llmCalls(runId)) }),
        probe: options.probe !== false && !probed && settings.replayOf === undefined,
        ...(options.env ? { env: options.env } : {}),
      });
      probed = true;
      for (const message of models.notices) options.notice?.(message);
      // On a fleet the policy model's calls run on the workers; the judge, rarely called, stays here.
      const local = models.handles.get(model) as ModelHandle;
      const handle = remote ? remote.model(local, models) : local;
      const judge = settings.judge ? models.handles.get(settings.judge) : undefined;
      try {
        stored = await runRound({
          runId,
          round,
          settings,
          split,
          store: flywheel,
          model: handle,
          verifiers: verifiersFor(settings, judge, remote),
          history: history.filter((entry) => entry.round < round),
          ...(remote ? { verifyConcurrency: remote.verifyConcurrency } : {}),
        });
      } catch (error) {
        // A spent budget ends the run cleanly: every answered call is stored, and a resume with more finishes the round.
        if (!(error instanceof ModelCallError && error.kind === 'budget')) throw error;
        flywheel.appendEvent(runId, 'stopped', { reason: 'budget', round, message: error.message });
        return { runId, rounds: round, stopReason: 'budget', message: error.message, model };
      }
      flywheel.recordRound(runId, stored);
      options.onRound?.(stored);
    }
    if (stored.status === 'flagged' && settings.guard === 'stop') {
      flywheel.appendEvent(runId, 'stopped', { reason: 'collapse', message: stored.message });
      return { runId, rounds: round + 1, stopReason: 'collapse', ...(stored.message ? { message: stored.message } : {}), model };
    }
    model = await train(flywheel, runId, round, stored.exports.sft?.file, model, trainer, options);
  }
  flywheel.appendEvent(runId, 'finished', { rounds: settings.rounds });
  return { runId, rounds: settings.rounds, stopReason: 'rounds', model };
}

/** The round's training job: the stored one carried on, or a new one; returns the model of the next round. */
async function train(
  flywheel: FlywheelStore,
  runId: string,
  round: number,
  exportFile: string | undefined,
  model: string,
  trainer: Trainer,
  options: FlywheelOptions,
): Promise<string> {
  if (trainer.name === 'none' || exportFile === undefined) return model;
  const record = (job: TrainerJob): void => flywheel.recordJob(runId, job as StoredJob);
  let job = flywheel
    .jobs(runId)
    .filter((entry) => entry.round === round)
    .at(-1) as TrainerJob | undefined;
  // No job yet, or the last one failed (this is the re-run a resume after a fix asks for): start one.
  // A job in flight is carried on, never started twice.
  if (job === undefined || job.status === 'failed') {
    job = await trainer.start({ round, exportFile, baseModel: model, ...(options.signal ? { signal: options.signal } : {}) });
    record(job);
  }
  if (!isFinished(job)) job = await trainer.wait(job, { onUpdate: record, ...(options.signal ? { signal: options.signal } : {}) });
  if (job.status === 'failed' || job.model === undefined) {
    flywheel.appendEvent(runId, 'stopped', { reason: 'trainer', round, error: job.error });
    throw new OuroError(
      'trainer-failed',
      `round ${round}: the ${job.trainer} training job ${job.id} failed: ${job.error ?? 'no model came back'}. ` +
        `Fix the trainer, then \`ouro flywheel resume ${runId}\` runs it again`,
      { field: 'trainer' },
    );
  }
  return job.model;
}

function verifiersFor(settings: FlywheelSettings, judge: ModelHandle | undefined, remote: FlywheelRemote | undefined): Verifier[] {
  return [
    answerVerifier({ mode: 'numeric' }),
    answerVerifier({ mode: 'normalised' }),
    // On a fleet, code runs in the workers' sandboxes, isolated as each worker was started (`ouro worker --unsafe` is theirs to choose).
    remote ? remote.verifier : executionVerifier({ ...(settings.unsafe ? { unsafe: true } : {}) }),
    ...(judge ? [judgeVerifier({ model: judge })] : []),
    selfConsistencyVerifier(),
  ];
}

function stop(flywheel: FlywheelStore, runId: string, reason: 'interrupted', round: number, model: string): FlywheelResult {
  flywheel.appendEvent(runId, 'stopped', { reason, round });
  return { runId, rounds: round, stopReason: reason, model };
}
