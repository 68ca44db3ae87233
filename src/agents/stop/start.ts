/**
 * `ouro agents stop` as an engine call: opens the run's SQLite file and its model (or a recorded
 * run's replies), runs, resumes or replays STOP, and records every complete round and every
 * model exchange as it ends.
 *
 * Every exchange carries, in its `proposal` field, `round-<n>/<session>`: the round that made it
 * and the session of the run (0, then one more for each resume), as the DGM tags its calls. A
 * round cut short by a budget or Ctrl-C is not stored and is done again by the next session;
 * its exchanges still count as spent, but a replay does not serve them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import type { LlmConfig } from '../../core/experiment.ts';
import type { LlmExchange } from '../../core/model.ts';
import { openRunModels, unserved } from '../../llm/index.ts';
import { requireSqliteFile } from '../../store/open.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { callTag, committedCalls, nextSession } from '../dgm/calls.ts';
import { DEFAULT_IMPROVER_LIMITS, DEFAULT_TASK_BUDGET, tasksNamed, type ImproverLimits, type TaskBudget } from './index.ts';
import { DEFAULT_ROUND_BUDGET, DEFAULT_SELF_LIMITS, roundTag, runStop, SEED_IMPROVER_FILE } from './loop.ts';
import type { StopReport, StopRound } from './report.ts';
import type { StopRunRecord, StopRunSettings, StopStore } from './store.ts';
import { STOP_TABLES } from './store-sqlite.ts';

const DEFAULT_LLM: LlmConfig = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 4096, prices: {} };
const DEFAULT_TASKS = ['bin-packing', 'circle-packing', 'tsp', 'sorting-network'];
const DEFAULT_ROUNDS = 3;

export interface StopCommand {
  db: string;
  /** The model the improvers call; with `resume`, the run's own; none with `replay`. */
  model?: string;
  /** Source of the improver of round 0 (default: the shipped seed). New runs only. */
  seedImprover?: string;
  seedFile?: string;
  /** Default 3 for a new run; with `resume` or `replay`, the recorded run's. */
  rounds?: number;
  /** Empty: with `resume` or `replay`, the recorded run's budget. */
  budget: StopRunSettings['budget'];
  /** Continue this STOP run after its last stored round. */
  resume?: string;
  /** A new run with this recorded run's settings, every model reply served from its record (no network). */
  replay?: string;
  /** New runs only: downstream task names, budgets and limits (defaults: the shipped ones). */
  tasks?: readonly string[];
  taskBudget?: TaskBudget;
  roundBudget?: TaskBudget;
  improverLimits?: ImproverLimits;
  selfLimits?: ImproverLimits;
  llm?: Partial<LlmConfig>;
  /** The report goes to `<reportDir>/<run>/report.json`, rewritten after every round. */
  reportDir?: string;
  onRound?: (round: StopRound) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface StopResult {
  runId: string;
  report: StopReport;
  reportFile?: string;
  /** On a replay: recorded replies nobody asked for, and calls whose prompt the record did not hold. */
  replay?: { unserved: number; unrecorded: number };
}

/**
 * Runs, resumes or replays a STOP run stored in a SQLite file.
 *
 * @example
 * const { runId, report } = await startStop({ db: '.ouro/ouro.db', model: 'openai:gpt-4.1-mini', budget: { tokens: 200_000 } });
 * await startStop({ db: '.ouro/ouro.db', resume: runId, rounds: 5, budget: {} });
 */
export async function startStop(command: StopCommand): Promise<StopResult> {
  requireSqliteFile(command.db, 'STOP runs');
  if (command.replay !== undefined && command.resume !== undefined) {
    throw new OuroError(
      'option-invalid',
      '--replay starts a new run and cannot be combined with --resume; resume a replay by its own run id',
      { field: 'replay' },
    );
  }
  if (command.replay !== undefined && command.model !== undefined) {
    throw new OuroError(
      'option-invalid',
      `--replay answers every model call from run ${command.replay}'s recorded replies; leave out --model`,
      { field: 'model' },
    );
  }
  // Before the database is opened, so that a command that cannot run creates no file.
  if (command.model === undefined && command.resume === undefined && command.replay === undefined) throw modelMissing();
  const store = new SqliteStore(command.db);
  try {
    const stops = store.tables(STOP_TABLES);
    if (!stops) throw new OuroError('store-version', `${store.location} has no STOP tables`, { file: store.location });
    const resumed = command.resume === undefined ? undefined : requireRun(stops, command.resume, store.location);
    const replayed = command.replay === undefined ? undefined : requireRun(stops, command.replay, store.location);
    const settings = settingsOf(command, resumed ?? replayed);
    const runId = resumed?.id ?? `s${randomBytes(4).toString('hex')}`;
    const prior = resumed ? stops.stopLlmCalls(runId) : [];
    const done = resumed ? stops.stopRounds(runId) : [];
    const session = nextSession(prior);
    const replayOf = replayed?.id ?? resumed?.settings.replayOf;
    const models = await openRunModels({
      configs: [{ id: settings.model }],
      llm: { ...DEFAULT_LLM, ...command.llm },
      prior,
      budget: {
        ...(settings.budget.tokens === undefined ? {} : { tokens: settings.budget.tokens }),
        ...(settings.budget.costUsd === undefined ? {} : { costUsd: settings.budget.costUsd }),
      },
      record: (exchange: LlmExchange) =>
        stops.recordStopLlmCall(runId, { ...exchange, proposal: callTag(exchange.proposal ?? 'run', session) }),
      // A resumed replay has been served the replies of its stored rounds already.
      ...(replayOf === undefined
        ? {}
        : {
            replay: unserved(
              recordedReplies(stops, replayOf),
              committedCalls(
                prior,
                done.map((round) => roundTag(round.round)),
              ),
            ),
          }),
      ...(command.env ? { env: command.env } : {}),
    });

    if (resumed) stops.appendStopEvent(runId, 'resumed', { rounds: settings.rounds, budget: settings.budget, session });
    else stops.createStopRun({ id: runId, settings: replayed ? { ...settings, replayOf: replayed.id } : settings, createdAt: Date.now() });
    const reportFile = command.reportDir === undefined ? undefined : join(command.reportDir, runId, 'report.json');
    let report: StopReport;
    try {
      report = await runStop({
        models,
        seedImprover: settings.seedImprover,
        rounds: settings.rounds,
        tasks: tasksNamed(settings.tasks),
        taskBudget: settings.taskBudget,
        roundBudget: settings.roundBudget,
        improverLimits: settings.improverLimits,
        selfLimits: settings.selfLimits,
        ...(settings.budget.wallTimeMs === undefined ? {} : { budget: { wallTimeMs: settings.budget.wallTimeMs } }),
        done,
        ...(resumed ? { startedAt: new Date(resumed.createdAt).toISOString() } : {}),
        ...(reportFile === undefined ? {} : { reportFile }),
        ...(command.signal ? { signal: command.signal } : {}),
        onRound: (round) => {
          // A round cut short is done again on resume, so only complete rounds are stored.
          if (round.interrupted === undefined) stops.recordStopRound(runId, round);
          command.onRound?.(round);
        },
      });
    } catch (error) {
      stops.appendStopEvent(runId, 'stopped', { error: (error as Error).message });
      throw error;
    }
    stops.appendStopEvent(runId, report.stopReason === 'interrupted' ? 'stopped' : 'finished', {
      stopReason: report.stopReason,
      stopMessage: report.stopMessage,
    });
    return {
      runId,
      report,
      ...(reportFile === undefined ? {} : { reportFile }),
      ...(replayOf === undefined ? {} : { replay: { unserved: models.unserved().length, unrecorded: models.unrecorded() } }),
    };
  } finally {
    store.close();
  }
}

/** A new run's settings from the command, or a recorded run's with the command's rounds and budget. */
function settingsOf(command: StopCommand, base: StopRunRecord | undefined): StopRunSettings {
  const budget = Object.keys(command.budget).length > 0 ? command.budget : undefined;
  if (base) {
    if (command.resume !== undefined && command.model !== undefined && command.model !== base.settings.model) {
      throw new OuroError(
        'option-invalid',
        `STOP run ${base.id} calls ${base.settings.model}; a resumed run keeps its model, so leave out --model`,
        { field: 'model' },
      );
    }
    const { replayOf: _replayOf, ...recorded } = base.settings;
    return {
      ...(command.resume === undefined ? recorded : base.settings),
      ...(command.rounds === undefined ? {} : { rounds: command.rounds }),
      ...(budget === undefined ? {} : { budget }),
    };
  }
  if (command.model === undefined) throw modelMissing();
  const tasks = [...(command.tasks ?? DEFAULT_TASKS)];
  tasksNamed(tasks);
  return {
    model: command.model,
    seedImprover: command.seedImprover ?? readFileSync(SEED_IMPROVER_FILE, 'utf8'),
    ...(command.seedFile === undefined ? {} : { seedFile: command.seedFile }),
    rounds: command.rounds ?? DEFAULT_ROUNDS,
    budget: budget ?? {},
    tasks,
    taskBudget: command.taskBudget ?? DEFAULT_TASK_BUDGET,
    roundBudget: command.roundBudget ?? DEFAULT_ROUND_BUDGET,
    improverLimits: command.improverLimits ?? DEFAULT_IMPROVER_LIMITS,
    selfLimits: command.selfLimits ?? DEFAULT_SELF_LIMITS,
  };
}

function modelMissing(): OuroError {
  return new OuroError(
    'model-missing',
    'STOP needs a model: its improvers ask a model for better programs. Pass --model <id>, such as --model openai:gpt-4.1-mini ' +
      'or --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder (`ouro models check` tests one).',
    { field: 'model' },
  );
}

function requireRun(stops: StopStore, id: string, location: string): StopRunRecord {
  const run = stops.getStopRun(id);
  if (!run) throw new OuroError('run-unknown', `no STOP run ${id} in ${location}`, { field: 'run' });
  return run;
}

/** The exchanges that made a recorded run's stored rounds, in recorded order (those of rounds cut short left out). */
function recordedReplies(stops: StopStore, runId: string): LlmExchange[] {
  return committedCalls(
    stops.stopLlmCalls(runId),
    stops.stopRounds(runId).map((round) => roundTag(round.round)),
  );
}
