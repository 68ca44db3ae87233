import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { dashboardBackends } from '../../store/queries-testing.ts';
import type { CandidateDetail, Grid, Lineage, RunOverview, RunRow } from '../api-types.ts';
import { apiRoutes } from './routes.ts';
import { commitSample, writeSampleRun } from './sample-run.ts';

// The same answers from every backend the dashboard reads.
for (const backend of await dashboardBackends()) {
  const service = await requireService(backend.name, backend.probe);
  describe.skipIf(service.missing)(service.title(`apiRoutes on ${backend.name}`), () => {
    let sample: ReturnType<typeof writeSampleRun>;
    let queries: DashboardQueries;
    let app: Hono;

    async function get<T>(path: string): Promise<{ status: number; body: T }> {
      const response = await app.request(path);
      return { status: response.status, body: (await response.json()) as T };
    }

    beforeAll(async () => {
      const db = await backend.createDatabase();
      sample = writeSampleRun(backend.openWriter(db));
      queries = backend.openQueries(db);
      app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'sample.db' }));
    });

    afterAll(async () => {
      queries?.close();
      sample?.store.close();
      await backend.dispose();
    });

    it('lists runs with their spend', async () => {
      const { body } = await get<RunRow[]>('/api/runs');
      expect(body).toEqual([
        {
          id: 'r1',
          experiment: 'demo',
          status: 'crashed-or-running',
          bestScore: 5,
          evaluations: 4,
          costUsd: 0.01,
          tokens: 150,
          createdAt: sample.now,
        },
      ]);
    });

    it('gives the overview in commit order, with operators, models, spend, lessons and default axes', async () => {
      const { status, body } = await get<RunOverview>('/api/runs/r1');
      expect(status).toBe(200);
      expect(body.evaluations).toEqual({
        seq: [0, 2, 1, 3],
        score: [1, 3, null, 5],
        status: ['ok', 'ok', 'error', 'ok'],
        island: [0, 0, 1, 1],
        operator: ['initial', 'perturb-number', 'llm-diff', 'crossover'],
        elapsedMs: [100, 200, 500, 600],
      });
      expect(body.bestSoFar).toEqual([1, 3, 3, 5]);
      expect(body.bestCandidate).toBe('r1-3');
      expect(body.bestKnown).toEqual({ score: 10, source: 'a paper' });
      expect(body.targetScore).toBe(9);
      expect(body.operators).toEqual([
        { name: 'swap-operator', children: 3, failed: 3, improved: 0, meanReward: 0, costUsd: 0 },
        { name: 'llm-diff', children: 2, failed: 2, improved: 0, meanReward: 0, costUsd: 0.01 },
        { name: 'crossover', children: 1, failed: 0, improved: 1, meanReward: 0.5, costUsd: 0 },
        { name: 'perturb-number', children: 1, failed: 0, improved: 1, meanReward: 1, costUsd: 0 },
      ]);
      expect(body.models).toEqual([{ name: 'compat:m', calls: 2, failedCalls: 1, tokens: 150, costUsd: 0.01, meanLatencyMs: 200 }]);
      expect(body.spend.costUsd).toEqual([0.01, 0.01]);
      expect(body.spend.tokens).toEqual([150, 150]);
      expect(body.spend.elapsedMs).toHaveLength(2);
      expect(body.spend.elapsedMs[1]).toBeGreaterThanOrEqual(body.spend.elapsedMs[0] as number);
      expect(body.lessons).toEqual([{ evaluations: 4, source: 'stats', lessons: ['crossover helps'] }]);
      expect(body.archive).toEqual({ kind: 'map-elites', islands: 2, features: [{ name: 'length', min: 50, max: 200, bins: 10 }] });
    });

    it('walks every parent of the top candidates, crossovers included, and marks the first-parent path', async () => {
      const { body } = await get<Lineage>('/api/runs/r1/lineage?top=1');
      expect(body.nodes.map((node) => [node.id, node.onBestPath])).toEqual([
        ['r1-0', true],
        ['r1-1', false],
        ['r1-2', true],
        ['r1-3', true],
      ]);
      expect(body.nodes[1]).toMatchObject({ status: 'error', score: null, operator: 'llm-diff', island: 1 });
      expect(body.bestPath).toEqual(['r1-0', 'r1-2', 'r1-3']);
      expect(body.edges).toEqual([
        { source: 'r1-0', target: 'r1-1' },
        { source: 'r1-0', target: 'r1-2' },
        { source: 'r1-2', target: 'r1-3' },
        { source: 'r1-1', target: 'r1-3' },
      ]);
      expect(body.selection).toBe('ancestors of the top 1 of 4 candidates, plus the root');
      const all = await get<Lineage>('/api/runs/r1/lineage');
      expect(all.body.selection).toBe('ancestors of all 3 scored candidates of 4 candidates, plus the root');
    });

    it('bins ok candidates into the default length axis, the root on every island', async () => {
      const { body } = await get<Grid>('/api/runs/r1/grid');
      expect(body.islands).toBe(2);
      expect(body.cells).toEqual([
        { island: 0, x: 3, y: 0, score: 1, candidate: 'r1-0' },
        { island: 0, x: 8, y: 0, score: 3, candidate: 'r1-2' },
        { island: 1, x: 3, y: 0, score: 1, candidate: 'r1-0' },
        { island: 1, x: 9, y: 0, score: 5, candidate: 'r1-3' },
      ]);
    });

    it('details a candidate with its model calls, failed evaluation and children', async () => {
      const { body } = await get<CandidateDetail>('/api/candidates/r1-1');
      expect(body).toMatchObject({
        id: 'r1-1',
        runId: 'r1',
        seq: 1,
        parents: ['r1-0'],
        children: ['r1-3'],
        genome: { 'a.js': 'v1\n' },
        parentGenome: { 'a.js': 'v0\n' },
        origin: { operator: 'llm-diff', description: 'made 1', model: 'compat:m', rationale: 'try v1' },
        evaluation: {
          status: 'error',
          score: null,
          error: 'boom',
          metrics: { m: 1 },
          instances: { first: 1 },
          artifacts: { note: 'hi' },
          feedback: 'feedback 1',
        },
      });
      expect(body.calls).toEqual([
        {
          model: 'compat:m',
          operator: 'llm-diff',
          messages: [
            { role: 'system', content: 'you edit code' },
            { role: 'user', content: 'improve p1' },
          ],
          reply: 'SEARCH/REPLACE',
          inputTokens: 100,
          outputTokens: 50,
          costUsd: 0.01,
          latencyMs: 200,
          error: null,
        },
      ]);
      expect(body.evaluation.privateMetrics).toEqual({});
      const scored = (await get<CandidateDetail>('/api/candidates/r1-2')).body;
      // Private metrics are the dashboard's to show, beside the public ones.
      expect([scored.evaluation.metrics, scored.evaluation.privateMetrics]).toEqual([{ m: 2 }, { 'held-out': 0.5 }]);
      expect((await get<CandidateDetail>('/api/candidates/r1-0')).body.children).toEqual(['r1-1', 'r1-2']);
    });

    it('answers errors as JSON with a message', async () => {
      expect(await get('/api/runs/r9')).toEqual({ status: 404, body: { error: 'no run r9 in sample.db' } });
      expect(await get('/api/candidates/r1-99')).toEqual({ status: 404, body: { error: 'no candidate r1-99 in sample.db' } });
      expect(await get('/api/runs/r1/lineage?top=0')).toEqual({
        status: 400,
        body: { error: 'top must be a whole number from 1 to 100000, not "0"' },
      });
      expect(await get('/api/runs/r1/events?after=x')).toEqual({
        status: 400,
        body: { error: 'after must be a candidate\'s seq, not "x"' },
      });
      expect(await get('/api/runs/r1/nothing')).toEqual({
        status: 404,
        body: { error: "no API endpoint GET /api/runs/r1/nothing: see the README's dashboard section" },
      });
    });

    it('brings a cached overview up to date with what was committed since', async () => {
      await get<RunOverview>('/api/runs/r1');
      expect((await get<Grid>('/api/runs/r1/grid')).body.cells).toHaveLength(4);
      commitSample(sample.store, {
        seq: 4,
        parents: ['r1-3'],
        operator: 'perturb-number',
        score: 7,
        reward: 1,
        logOrder: 50,
        elapsedMs: 700,
        createdAt: Date.now(),
      });
      sample.store.recordFailedProposals('r1', [
        { operator: 'swap-operator', kind: 'failed', count: 2, reason: 'no site', rngState: [1, 2, 3, 4], logOrder: 51 },
      ]);
      const { body } = await get<RunOverview>('/api/runs/r1');
      expect(body.evaluations.seq).toEqual([0, 2, 1, 3, 4]);
      expect(body.bestSoFar).toEqual([1, 3, 3, 5, 7]);
      expect(body.operators.find((operator) => operator.name === 'swap-operator')).toMatchObject({ children: 5, failed: 5 });
      expect(body.operators.find((operator) => operator.name === 'perturb-number')).toMatchObject({ children: 2, improved: 2 });
      expect(body.run.evaluations).toBe(5);
      const grid = await get<Grid>('/api/runs/r1/grid');
      expect(grid.body.cells).toHaveLength(5);
      expect(grid.body.cells).toContainEqual({ island: 0, x: 9, y: 0, score: 7, candidate: 'r1-4' });
    });
  });
}
