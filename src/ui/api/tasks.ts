import { Hono, type Context } from 'hono';
import { TASKS_TABLES } from '../../tasks/store-sqlite.ts';
import type { CurriculumStep, StoredAttempt, StoredProposal, TasksRunSummary, TasksStore } from '../../tasks/store.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import type { TasksKeptRow, TasksRunDetail, TasksRunRow } from '../api-types.ts';
import { readOnlyTables } from './readonly-tables.ts';

/** How many of the latest rejections a run's page lists. */
export const RECENT_REJECTIONS = 100;

const BINS = 10;

/**
 * The task-generation part of the API, mounted under `/api/tasks`: the runs, and one run with its
 * outcomes by reject reason, the kept tasks' pass rates against the learnability band, the
 * curriculum's weights over its steps, the kept tasks, the latest rejections and the self-play
 * episodes by game. Reads only, through the tasks store over the dashboard's read-only connection;
 * a database without task tables (or a PostgreSQL one) answers an empty list.
 *
 * @example
 * const api = new Hono().route('/tasks', tasksRoutes(queries, '.ouro/ouro.db'));
 */
export function tasksRoutes(queries: DashboardQueries, dbLabel: string): Hono {
  const routes = new Hono();
  const tables = readOnlyTables(queries, TASKS_TABLES, 'task runs');
  const noRun = (c: Context, runId: string) => c.json({ error: `no task run ${runId} in ${dbLabel}` }, 404);

  routes.get('/', (c) => c.json((tables()?.runs() ?? []).map(runRow)));

  routes.get('/:run', (c) => {
    const runId = c.req.param('run');
    const store = tables();
    const detail = store && queries.snapshot(() => runDetail(store, runId));
    return detail ? c.json(detail) : noRun(c, runId);
  });

  return routes;
}

function runRow(run: TasksRunSummary): TasksRunRow {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    proposals: run.proposals,
    kept: run.kept,
    rejected: run.proposals - run.kept,
    createdAt: run.createdAt,
  };
}

function runDetail(store: TasksStore, runId: string): TasksRunDetail | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  const proposals = store.tasks(runId);
  const kept = keptRows(
    proposals.filter((proposal) => proposal.kept),
    store.attempts(runId),
  );
  const rejected = proposals.filter((proposal) => !proposal.kept);
  const episodes = new Map<string, number>();
  for (const episode of store.episodes(runId)) episodes.set(episode.game, (episodes.get(episode.game) ?? 0) + 1);
  return {
    run: runRow({
      id: run.id,
      kind: run.kind,
      status: run.status,
      proposals: proposals.length,
      kept: kept.length,
      createdAt: run.createdAt,
    }),
    rejectedByReason: Object.entries(store.rejectionCounts(runId)).map(([reason, count]) => ({ reason, count })),
    passRates: passRateHistogram(kept, boundsOf(run.settings)),
    curriculum: curriculumSeries(store.curriculum(runId)),
    kept,
    rejections: rejected
      .slice(-RECENT_REJECTIONS)
      .reverse()
      .map((proposal) => ({
        seq: proposal.seq,
        category: proposal.category,
        reason: proposal.reason ?? 'unknown',
        detail: proposal.detail,
        createdAt: proposal.createdAt,
      })),
    episodes: [...episodes].map(([game, count]) => ({ game, count })).sort((a, b) => b.count - a.count || a.game.localeCompare(b.game)),
  };
}

/** Each kept task with its attempts summed over every model the solver ran. */
function keptRows(kept: readonly StoredProposal[], attempts: readonly StoredAttempt[]): TasksKeptRow[] {
  const tally = new Map<string, { attempts: number; passed: number }>();
  for (const attempt of attempts) {
    const counts = tally.get(attempt.taskId) ?? { attempts: 0, passed: 0 };
    counts.attempts++;
    if (attempt.passed) counts.passed++;
    tally.set(attempt.taskId, counts);
  }
  return kept.map((proposal) => {
    const id = proposal.task?.id ?? '';
    const counts = tally.get(id) ?? { attempts: 0, passed: 0 };
    return {
      seq: proposal.seq,
      id,
      title: proposal.task?.title ?? '',
      category: proposal.category,
      attempts: counts.attempts,
      passed: counts.passed,
      passRate: counts.attempts ? counts.passed / counts.attempts : null,
    };
  });
}

/**
 * Ten bins over [0, 1]. The bin is found from passed and attempts in whole numbers, so 3 of 10 lands
 * in [0.3, 0.4) rather than wherever 0.3 * 10 rounds to; a pass rate of 1 goes in the last bin.
 */
function passRateHistogram(kept: readonly TasksKeptRow[], band: TasksRunDetail['passRates']['band']): TasksRunDetail['passRates'] {
  const counts = new Array<number>(BINS).fill(0);
  let tasks = 0;
  for (const row of kept) {
    if (!row.attempts) continue;
    tasks++;
    const bin = Math.min(BINS - 1, Math.floor((row.passed * BINS) / row.attempts));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const bins = counts.map((count, index) => ({ from: index / BINS, to: (index + 1) / BINS, tasks: count }));
  return { bins, tasks, band };
}

/** The learnability band of the run's settings: `bounds` with numbers low < high in [0, 1], else null. */
function boundsOf(settings: Record<string, unknown>): TasksRunDetail['passRates']['band'] {
  const bounds = settings.bounds as { low?: unknown; high?: unknown } | null | undefined;
  if (!bounds || typeof bounds !== 'object') return null;
  const { low, high } = bounds;
  if (typeof low !== 'number' || typeof high !== 'number') return null;
  return low >= 0 && high <= 1 && low < high ? { low, high } : null;
}

/** The steps as columns, one weight series per category key ever weighed, in key order. */
function curriculumSeries(steps: readonly CurriculumStep[]): TasksRunDetail['curriculum'] {
  const categories = [...new Set(steps.flatMap((step) => Object.keys(step.weights)))].sort();
  const weightOf = (step: CurriculumStep, category: string): number | null => {
    const weight = step.weights[category];
    return typeof weight === 'number' && Number.isFinite(weight) ? weight : null;
  };
  return {
    steps: steps.map((step) => step.step),
    picked: steps.map((step) => step.category),
    rewards: steps.map((step) => step.reward ?? null),
    categories: categories.map((category) => ({ category, weights: steps.map((step) => weightOf(step, category)) })),
  };
}
