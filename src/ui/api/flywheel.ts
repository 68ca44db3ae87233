import { Hono, type Context } from 'hono';
import { FLYWHEEL_TABLES } from '../../flywheel/store-sqlite.ts';
import { readOnlyTables } from './readonly-tables.ts';
import type { FlywheelRunRecord, FlywheelStore, StoredJob, StoredRound } from '../../flywheel/store.ts';
import type { RunStatus } from '../../store/store.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import type { FlywheelFigures, FlywheelRoundRow, FlywheelRunDetail, FlywheelRunRow } from '../api-types.ts';

/**
 * The flywheel part of the API, mounted under `/api/flywheel`: the runs, and one run with its
 * settings, rounds, figures, exports and training jobs. Reads only, through the flywheel's own
 * store over the dashboard's read-only connection; a database without flywheel tables (or a
 * PostgreSQL one) answers an empty list.
 *
 * @example
 * const api = new Hono().route('/flywheel', flywheelRoutes(queries, '.ouro/ouro.db'));
 */
export function flywheelRoutes(queries: DashboardQueries, dbLabel: string): Hono {
  const routes = new Hono();
  const tables = readOnlyTables(queries, FLYWHEEL_TABLES, 'flywheel runs');
  const noRun = (c: Context, runId: string) => c.json({ error: `no flywheel run ${runId} in ${dbLabel}` }, 404);

  routes.get('/', (c) => c.json((tables()?.listRuns() ?? []).map(runRow)));

  routes.get('/:run', (c) => {
    const runId = c.req.param('run');
    const store = tables();
    const detail = store && queries.snapshot(() => runDetail(store, runId));
    return detail ? c.json(detail) : noRun(c, runId);
  });

  return routes;
}

function runRow(run: { id: string; status: RunStatus; rounds: number; createdAt: number }): FlywheelRunRow {
  return { id: run.id, status: run.status, rounds: run.rounds, createdAt: run.createdAt };
}

function runDetail(store: FlywheelStore, runId: string): FlywheelRunDetail | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  const stored = store.rounds(runId);
  const lastJob = new Map<number, StoredJob>();
  for (const job of store.jobs(runId)) lastJob.set(job.round, job);
  const settings = settingsOf(run.settings);
  const rounds = stored.map((round) => roundRow(round, lastJob.get(round.round)));
  return {
    run: runRow({ id: run.id, status: run.status, rounds: rounds.length, createdAt: run.createdAt }),
    settings,
    rounds,
    progress: progressOf(run, rounds),
  };
}

function roundRow(round: StoredRound, job: StoredJob | undefined): FlywheelRoundRow {
  return {
    round: round.round,
    model: round.model,
    status: round.status,
    message: round.message ?? null,
    figures: figuresOf(round.figures),
    exports: Object.entries(round.exports).map(([kind, written]) => ({
      kind,
      file: written.file,
      rows: written.rows,
      sha256: written.sha256,
    })),
    job: job
      ? { id: job.id, trainer: job.trainer, status: job.status, model: job.model ?? null, error: job.error ?? null, at: job.at }
      : null,
    createdAt: round.createdAt,
  };
}

/** The stored figures are JSON shaped by the loop of the day: each is read for what it is, null when absent. */
function figuresOf(figures: Record<string, unknown>): FlywheelFigures {
  const number = (name: string): number | null => {
    const value = figures[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const text = (name: string): string | null => (typeof figures[name] === 'string' ? (figures[name] as string) : null);
  const byOrigin: Record<string, number> = {};
  const origins = figures.keptByOrigin;
  if (origins && typeof origins === 'object') {
    for (const [origin, count] of Object.entries(origins)) if (typeof count === 'number') byOrigin[origin] = count;
  }
  return {
    tasks: number('tasks'),
    samples: number('samples'),
    checked: number('checked'),
    k: number('k'),
    passAt1: number('passAt1'),
    passAtK: number('passAtK'),
    heldOutAccuracy: number('heldOutAccuracy'),
    heldOutTasks: number('heldOutTasks'),
    answerDiversity: number('answerDiversity'),
    distinctCorrect: number('distinctCorrectAnswers'),
    selectedAccuracy: number('selectedAccuracy'),
    accuracyNote: text('accuracyNote'),
    balance: number('balance'),
    kept: number('kept'),
    keptByOrigin: byOrigin,
    pairs: number('pairs'),
    human: number('human'),
    tokens: number('tokens'),
    costUsd: number('costUsd'),
    temperature: number('temperature'),
    adaptation: text('adaptation'),
  };
}

function settingsOf(settings: Record<string, unknown>): FlywheelRunDetail['settings'] {
  const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    source: sourceLabel(settings.source),
    model: text(settings.model) ?? 'unknown',
    judge: text(settings.judge),
    method: text(settings.method) ?? 'unknown',
    pairs: Array.isArray(settings.pairs) ? settings.pairs.filter((kind): kind is string => typeof kind === 'string') : [],
    rounds: number(settings.rounds),
    k: number(settings.k),
    temperature: number(settings.temperature),
    adapt: settings.adapt === true,
    heldOut: number(settings.heldOut),
    tasksPerRound: number(settings.tasksPerRound),
    guard: {
      mode: text(settings.guard) ?? 'flag',
      maxHeldOutDrop: number(settings.maxHeldOutDrop),
      minDiversity: number(settings.minDiversity),
    },
    trainer: hidePassword(text(settings.trainer) ?? 'none'),
    replayOf: text(settings.replayOf),
  };
}

/** The source as the `--source` flag spells it: `gsm8k:<file>`, `jsonl:<file>`, `python:<file>` or `coding-bench[:<dir>]`. */
function sourceLabel(source: unknown): string {
  if (!source || typeof source !== 'object') return 'unknown';
  const spec = source as { kind?: unknown; file?: unknown; dir?: unknown; only?: unknown };
  const kind = typeof spec.kind === 'string' ? spec.kind : 'unknown';
  const where = typeof spec.file === 'string' ? spec.file : typeof spec.dir === 'string' ? spec.dir : '';
  const only = Array.isArray(spec.only) && spec.only.length ? ` (only ${spec.only.join(', ')})` : '';
  return `${kind}${where ? `:${where}` : ''}${only}`;
}

/** `openai:https://user:secret@host/v1` shows as `openai:https://user:***@host/v1`. */
function hidePassword(trainer: string): string {
  return trainer.replace(/(\/\/[^/:@\s]*):[^/@\s]*@/g, '$1:***@');
}

/**
 * What a run that may be live is at: the round whose job is in flight, else the round after the
 * last stored one. That round may lie past the rounds the run was started with, since `resume
 * --rounds` raises them without changing the stored settings. A job that failed leaves nothing in
 * progress (the next `resume` starts it again).
 */
function progressOf(run: FlywheelRunRecord<Record<string, unknown>>, rounds: readonly FlywheelRoundRow[]): FlywheelRunDetail['progress'] {
  if (run.status !== 'crashed-or-running') return null;
  const last = rounds.at(-1);
  if (last?.job && (last.job.status === 'pending' || last.job.status === 'running')) {
    return { round: last.round, phase: 'training', job: last.job.status };
  }
  if (last?.job?.status === 'failed') return null;
  return { round: last ? last.round + 1 : 0, phase: 'sampling', job: null };
}
