import { Hono, type Context } from 'hono';
import type { DashboardQueries } from '../../store/queries.ts';
import { candidateDetail } from './candidate.ts';
import { dgmRoutes } from './dgm.ts';
import { candidateEvents } from './events.ts';
import { flywheelRoutes } from './flywheel.ts';
import { FrontCache } from './front.ts';
import { GridCache } from './grid.ts';
import { runLineage } from './lineage.ts';
import { runOverview } from './overview.ts';
import { RunDataCache } from './run-data-cache.ts';
import { tasksRoutes } from './tasks.ts';

export interface ApiOptions {
  /** The database as the user named it, for error messages. */
  dbLabel: string;
  pollMs?: number;
  heartbeatMs?: number;
  /** Aborted when the server closes, to end live event streams. */
  closing?: AbortSignal;
}

const MAX_TOP = 100_000;

/**
 * The JSON API, to be mounted under `/api`. Every handler reads the store through `queries`;
 * errors answer `{ error }` with a message that names the run, candidate or parameter.
 *
 * @example
 * const app = new Hono().route('/api', apiRoutes(openDashboardQueries('.ouro/ouro.db'), { dbLabel: '.ouro/ouro.db' }));
 * const runs = await (await app.request('/api/runs')).json();
 */
export function apiRoutes(queries: DashboardQueries, options: ApiOptions): Hono {
  const api = new Hono();
  const closing = options.closing ?? new AbortController().signal;
  const cache = new RunDataCache(queries);
  const grids = new GridCache(queries);
  const fronts = new FrontCache(queries);
  const fail = (c: Context, status: 400 | 404, error: string) => c.json({ error }, status);
  const noRun = (c: Context, runId: string) => fail(c, 404, `no run ${runId} in ${options.dbLabel}`);

  api.get('/runs', (c) => c.json(queries.runs()));

  api.get('/runs/:run', (c) => {
    const runId = c.req.param('run');
    const overview = runOverview(queries, cache, runId);
    return overview ? c.json(overview) : noRun(c, runId);
  });

  api.get('/runs/:run/lineage', (c) => {
    const runId = c.req.param('run');
    const text = c.req.query('top') ?? '20';
    const top = Number(text);
    if (!/^\d+$/.test(text) || top < 1 || top > MAX_TOP)
      return fail(c, 400, `top must be a whole number from 1 to ${MAX_TOP}, not "${text}"`);
    if (!queries.run(runId)) return noRun(c, runId);
    return c.json(runLineage(queries, runId, top));
  });

  api.get('/runs/:run/grid', (c) => {
    const runId = c.req.param('run');
    const stored = queries.runConfig(runId);
    if (!stored) return noRun(c, runId);
    const grid = grids.read(runId, stored.config);
    if (grid) return c.json(grid);
    const kind = (stored.config.archive as { kind?: string } | undefined)?.kind ?? 'unknown';
    return fail(c, 404, `run ${runId} has no MAP-Elites grid: its archive is ${kind}`);
  });

  api.get('/runs/:run/front', (c) => {
    const runId = c.req.param('run');
    const stored = queries.runConfig(runId);
    return stored ? c.json(fronts.read(runId, stored.config)) : noRun(c, runId);
  });

  api.get('/candidates/:id', (c) => {
    const id = c.req.param('id');
    const detail = candidateDetail(queries, id);
    return detail ? c.json(detail) : fail(c, 404, `no candidate ${id} in ${options.dbLabel}`);
  });

  api.get('/runs/:run/events', (c) => {
    const runId = c.req.param('run');
    if (!queries.run(runId)) return noRun(c, runId);
    // Start after the candidate the client saw last (?after=<seq> or Last-Event-ID), else from now.
    const after = c.req.query('after') ?? c.req.header('last-event-id');
    if (after !== undefined && !/^\d+$/.test(after)) return fail(c, 400, `after must be a candidate's seq, not "${after}"`);
    const cursor = (after === undefined ? undefined : queries.cursorOf(runId, Number(after))) ?? queries.cursors(runId).candidates;
    return candidateEvents(c, queries, runId, cursor, {
      pollMs: options.pollMs ?? 300,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      closing,
    });
  });

  api.route('/dgm', dgmRoutes(queries, options.dbLabel));
  api.route('/flywheel', flywheelRoutes(queries, options.dbLabel));
  api.route('/tasks', tasksRoutes(queries, options.dbLabel));

  api.all('*', (c) => fail(c, 404, `no API endpoint ${c.req.method} ${c.req.path}: see the README's dashboard section`));
  api.onError((error, c) => c.json({ error: error.message }, 500));
  return api;
}
