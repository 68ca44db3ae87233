import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { evolve, resume, type RunResult } from '../src/engine/evolve.ts';
import { openStore } from '../src/store/open.ts';
import { dashboardBackends } from '../src/store/queries-testing.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/store.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import type { CandidateDetail, CandidateEvent, Grid, Lineage, RunOverview, RunRow } from '../src/ui/api-types.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { requireService } from './support/services.ts';

const ARCHIVE = "archive: { kind: 'map-elites', islands: 2, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] }";

async function getFrom<T>(server: UiServer, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, server.url));
  return { status: response.status, body: (await response.json()) as T };
}

/** Reads Server-Sent Events until `enough` says so; each event is its name, id and data. */
async function readEvents(response: Response, enough: (events: Array<{ event: string; id: string; data: string }>) => boolean) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; id: string; data: string }> = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? '';
      if (field('event')) events.push({ event: field('event'), id: field('id'), data: field('data') });
    }
  }
  await reader.cancel();
  return events;
}

// The same run, written by the engine, read back through the dashboard from each backend.
for (const backend of await dashboardBackends()) {
  const service = await requireService(backend.name, backend.probe);
  describe.skipIf(service.missing)(service.title(`the dashboard API on a real run in ${backend.name}`), () => {
    let folder: string;
    let db: string;
    let run: RunResult;
    let dgmRun: RunResult;
    let server: UiServer;
    let store: Store;
    const get = <T>(path: string) => getFrom<T>(server, path);

    beforeAll(async () => {
      folder = mkdtempSync(join(tmpdir(), 'ouro-ui-api-'));
      db = await backend.createDatabase();
      const experiment = writeTinyExperiment({ config: ARCHIVE, parent: folder });
      run = await evolve(experiment, { db, seed: 3, concurrency: 2, budget: { evaluations: 60 } });
      dgmRun = await evolve(writeTinyExperiment({ parent: mkdtempSync(join(tmpdir(), 'ouro-ui-api-')) }), {
        db,
        seed: 4,
        budget: { evaluations: 5 },
      });
      server = await startUiServer({ db, port: 0, webRoot: join(folder, 'no-web-build') });
      store = openStore(db, true).store;
    });

    afterAll(async () => {
      store?.close();
      await server?.close();
      await backend.dispose();
    });

    it('lists the runs with what the store says', async () => {
      const { status, body } = await get<RunRow[]>('/api/runs');
      expect(status).toBe(200);
      const row = body.find((entry) => entry.id === run.runId);
      expect(row).toMatchObject({
        experiment: 'tiny',
        status: 'finished',
        evaluations: 60,
        bestScore: run.bestScore,
        costUsd: 0,
        tokens: 0,
      });
      expect(body.map((entry) => entry.id)).toEqual(store.listRuns().map((entry) => entry.id));
    });

    it('gives a run overview in columns: every evaluation, the best so far, operators and archive axes', async () => {
      const { status, body } = await get<RunOverview>(`/api/runs/${run.runId}`);
      expect(status).toBe(200);
      const { evaluations, bestSoFar } = body;
      expect(evaluations.seq).toHaveLength(60);
      expect([...evaluations.seq].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, index) => index));
      for (const column of [
        evaluations.score,
        evaluations.status,
        evaluations.island,
        evaluations.operator,
        evaluations.elapsedMs,
        bestSoFar,
      ])
        expect(column).toHaveLength(60);
      evaluations.status.forEach((status, index) => expect(evaluations.score[index] === null).toBe(status !== 'ok'));
      const scores = bestSoFar.map((score) => score ?? -Infinity);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      expect(bestSoFar.at(-1)).toBe(run.bestScore);
      expect(evaluations.elapsedMs).toEqual([...evaluations.elapsedMs].sort((a, b) => a - b));
      expect(new Set(evaluations.island)).toEqual(new Set([0, 1]));
      expect(body.bestCandidate).toBe(run.bestCandidate);
      expect(body.run.evaluations).toBe(60);
      expect(body.archive).toEqual({ kind: 'map-elites', islands: 2, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] });
      expect(body.operators.length).toBeGreaterThan(0);
      expect(body.operators.map((operator) => operator.name)).not.toContain('initial');
      expect(body.operators.reduce((sum, operator) => sum + operator.children, 0)).toBeGreaterThanOrEqual(59);
      for (const operator of body.operators) expect(operator.failed + operator.improved).toBeLessThanOrEqual(operator.children);
      expect(body.models).toEqual([]);
      expect(body.spend).toEqual({ elapsedMs: [], costUsd: [], tokens: [], taskCostUsd: [], taskTokens: [] });
      expect(body.bestKnown).toBeNull();
    });

    it('draws the lineage of the top candidates with the root and the path to the best', async () => {
      const { status, body } = await get<Lineage>(`/api/runs/${run.runId}/lineage?top=5`);
      expect(status).toBe(200);
      const ids = new Set(body.nodes.map((node) => node.id));
      const root = `${run.runId}-0`;
      expect(ids.has(root)).toBe(true);
      expect(ids.has(run.bestCandidate as string)).toBe(true);
      expect(body.bestPath[0]).toBe(root);
      expect(body.bestPath.at(-1)).toBe(run.bestCandidate);
      expect(
        body.nodes
          .filter((node) => node.onBestPath)
          .map((node) => node.id)
          .sort(),
      ).toEqual([...body.bestPath].sort());
      for (const edge of body.edges) expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
      for (const node of body.nodes) {
        const parents = store.getCandidate(node.id)?.candidate.parentIds ?? [];
        for (const parent of parents) expect(body.edges).toContainEqual({ source: parent, target: node.id });
      }
      expect(body.totalCandidates).toBe(60);
      expect(body.selection).toBe('ancestors of the top 5 of 60 candidates, plus the root');
    });

    it('details a candidate with its parent genome, diff, family and evaluation', async () => {
      const best = store.getCandidate(run.bestCandidate as string);
      const { status, body } = await get<CandidateDetail>(`/api/candidates/${run.bestCandidate}`);
      expect(status).toBe(200);
      expect(body.parents).toEqual(best?.candidate.parentIds);
      expect(body.genome).toEqual(best?.candidate.genome);
      expect(body.parentGenome).toEqual(store.getGenome(body.parents[0] as string));
      expect(body.diff).toMatch(/^---/m);
      expect(body.evaluation).toMatchObject({
        status: 'ok',
        score: run.bestScore,
        metrics: best?.evaluation.metrics,
        features: best?.evaluation.features,
      });
      const root = await get<CandidateDetail>(`/api/candidates/${run.runId}-0`);
      expect(root.body).toMatchObject({ parents: [], parentGenome: null, diff: '', origin: { operator: 'initial', model: null } });
      expect([...root.body.children].sort()).toEqual(store.childrenOf(`${run.runId}-0`).sort());
    });

    it('rebuilds the MAP-Elites grid: at most islands x bins cells, each holding its best ok candidate', async () => {
      const { status, body } = await get<Grid>(`/api/runs/${run.runId}/grid`);
      expect(status).toBe(200);
      expect(body.islands).toBe(2);
      expect(body.cells.length).toBeGreaterThan(0);
      expect(body.cells.length).toBeLessThanOrEqual(2 * 5);
      const best = new Map<string, number>();
      for (const row of store.replay(run.runId)) {
        if (row.kind !== 'candidate' || row.evaluation.status !== 'ok') continue;
        const x = Math.min(4, Math.max(0, Math.floor(row.evaluation.features.spread ?? 0)));
        const islands = row.candidate.parentIds.length === 0 ? [0, 1] : [row.candidate.island % 2];
        for (const island of islands)
          best.set(`${island}:${x}`, Math.max(best.get(`${island}:${x}`) ?? -Infinity, row.evaluation.score as number));
      }
      expect(body.cells).toHaveLength(best.size);
      for (const cell of body.cells) {
        expect(cell.y).toBe(0);
        expect(cell.score).toBe(best.get(`${cell.island}:${cell.x}`));
        expect(store.getCandidate(cell.candidate)?.evaluation.score).toBe(cell.score);
      }
    });

    it('answers unknown runs, candidates, endpoints and bad parameters with a message', async () => {
      for (const path of ['/api/runs/rnope', '/api/runs/rnope/lineage', '/api/runs/rnope/grid', '/api/runs/rnope/events']) {
        expect(await get(path)).toEqual({ status: 404, body: { error: `no run rnope in ${db}` } });
      }
      expect(await get('/api/candidates/rnope-3')).toEqual({ status: 404, body: { error: `no candidate rnope-3 in ${db}` } });
      expect(await get(`/api/runs/${dgmRun.runId}/grid`)).toEqual({
        status: 404,
        body: { error: `run ${dgmRun.runId} has no MAP-Elites grid: its archive is dgm` },
      });
      expect((await get<RunOverview>(`/api/runs/${dgmRun.runId}`)).body.archive).toBeNull();
      expect(await get(`/api/runs/${run.runId}/lineage?top=lots`)).toEqual({
        status: 400,
        body: { error: 'top must be a whole number from 1 to 100000, not "lots"' },
      });
      expect((await get<{ error: string }>('/api/nothing')).status).toBe(404);
    });

    it('answers 503 with the build command while the front end is not built', async () => {
      const response = await fetch(server.url);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:ui');
    });

    it('streams candidates committed by a running engine as `candidate` events', async () => {
      const response = await fetch(new URL(`/api/runs/${run.runId}/events`, server.url));
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const more = resume(run.runId, { db, budget: { evaluations: 66 } });
      const events = await readEvents(response, (seen) => seen.length >= 6);
      await more;
      const candidates = events.map((event) => JSON.parse(event.data) as CandidateEvent);
      expect(events.every((event) => event.event === 'candidate')).toBe(true);
      expect(candidates).toHaveLength(6);
      for (const candidate of candidates) {
        expect(candidate.seq).toBeGreaterThanOrEqual(60);
        expect(candidate.id).toBe(`${run.runId}-${candidate.seq}`);
        expect(candidate.parents.length).toBeGreaterThan(0);
        expect(candidate.score === null).toBe(candidate.status !== 'ok');
      }
      // A client that reconnects after the first of them gets the rest again, in commit order.
      const again = await fetch(new URL(`/api/runs/${run.runId}/events?after=${candidates[0]?.seq}`, server.url));
      const replayed = await readEvents(again, (seen) => seen.length >= 5);
      expect(replayed.map((event) => event.id)).toEqual(candidates.slice(1).map((candidate) => String(candidate.seq)));
    });
  });
}

describe('the dashboard server', () => {
  let folder: string;
  let db: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'ouro-ui-server-'));
    db = join(folder, 'ouro.db');
    new SqliteStore(db).close();
  });

  it('serves the built front end: index.html at / and hashed assets for good', async () => {
    const web = join(folder, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(web, 'assets', 'main-abc123.js'), 'console.log(1);');
    const other = await startUiServer({ db, webRoot: web });
    try {
      expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(other.url);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('id="app"');
      const script = await fetch(new URL('/assets/main-abc123.js', other.url));
      expect(script.headers.get('content-type')).toContain('javascript');
      expect(script.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(new URL('/assets/%2e%2e/%2e%2e/ouro.db', other.url))).status).toBe(404);
      expect((await fetch(new URL('/assets/missing.js', other.url))).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('refuses a missing database or a file that is not an Ouroboros database, naming it', async () => {
    const missing = join(folder, 'missing.db');
    await expect(startUiServer({ db: missing })).rejects.toMatchObject({ code: 'store-open', message: expect.stringContaining(missing) });
    const text = join(folder, 'notes.db');
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(100));
    await expect(startUiServer({ db: text })).rejects.toMatchObject({ code: 'store-corrupt', message: expect.stringContaining(text) });
    const foreign = join(folder, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE songs (title TEXT)');
    const error = await startUiServer({ db: foreign }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'store-corrupt', message: expect.stringContaining(`${foreign} is not an Ouroboros database`) });
  });

  it('warns that it has no authentication when bound beyond loopback', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const open = await startUiServer({ db, host: '0.0.0.0' });
      await open.close();
      expect(write.mock.calls.map((call) => String(call[0])).join('')).toMatch(/listening on 0\.0\.0\.0.*no authentication/);
      write.mockClear();
      const local = await startUiServer({ db, host: 'localhost' });
      await local.close();
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});
