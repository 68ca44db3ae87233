import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import { ParetoArchive } from '../../archive/pareto.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { dashboardBackends } from '../../store/queries-testing.ts';
import type { Store } from '../../store/store.ts';
import type { ParetoFront } from '../api-types.ts';
import { FRONT_COLUMNS, FRONT_ROWS } from './front.ts';
import { apiRoutes } from './routes.ts';
import { commitSample, SAMPLE_FRONT, writeSampleFrontRun } from './sample-run.ts';

function createRun(store: Store, id: string, archive: Record<string, unknown>): void {
  store.createRun({
    id,
    experiment: id,
    experimentDir: id,
    config: { name: id, archive },
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 0,
  });
}

let order = 1000;
function commit(store: Store, runId: string, seq: number, score: number | undefined, instances: Record<string, number>): void {
  const parents = seq === 0 ? [] : [`${runId}-0`];
  const operator = seq === 0 ? 'initial' : 'perturb-number';
  commitSample(store, { runId, seq, parents, operator, score, reward: 0, logOrder: order++, elapsedMs: seq, createdAt: seq, instances });
}

for (const backend of await dashboardBackends()) {
  const service = await requireService(backend.name, backend.probe);
  describe.skipIf(service.missing)(service.title(`GET /api/runs/:run/front on ${backend.name}`), () => {
    let store: Store;
    let queries: DashboardQueries;
    let app: Hono;

    async function front(runId: string): Promise<ParetoFront> {
      const response = await app.request(`/api/runs/${runId}/front`);
      expect(response.status).toBe(200);
      return (await response.json()) as ParetoFront;
    }

    beforeAll(async () => {
      const db = await backend.createDatabase();
      store = backend.openWriter(db);
      writeSampleFrontRun(store, 'front');
      queries = backend.openQueries(db);
      app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'front.db' }));
    });

    afterAll(async () => {
      queries?.close();
      store?.close();
      await backend.dispose();
    });

    it('keeps the specialist and the tied equals, and leaves out the dominated, the failed and the initial candidate', async () => {
      const body = await front('front');
      expect(body.reason).toBeNull();
      expect(body.cut).toBeNull();
      expect(body.archive).toBe('pareto');
      // Most instances led first; equal leads by score, then seq.
      expect(body.candidates).toEqual([
        { id: 'front-4', seq: 4, score: 0.55, operator: 'llm-rewrite', led: 2 },
        { id: 'front-7', seq: 7, score: 0.55, operator: 'perturb-number', led: 2 },
        { id: 'front-1', seq: 1, score: 0.65, operator: 'perturb-number', led: 1 },
        { id: 'front-6', seq: 6, score: 0.5, operator: 'llm-rewrite', led: 1 },
        { id: 'front-2', seq: 2, score: 0.3, operator: 'llm-rewrite', led: 1 },
      ]);
      expect(body.instances).toEqual(['a', 'b', 'c', 'd']);
      expect(body.overallColumn).toBeNull();
      expect(body.scores).toEqual([
        [0.9, 0.5, 0.6, 0.2],
        [0.9, 0.5, 0.6, 0.2],
        [0.8, 0.7, 0.6, 0.5],
        [null, 0.95, null, null],
        [0.1, 0.1, 0.1, 0.9],
      ]);
      expect(body.best).toEqual([0.9, 0.95, 0.6, 0.9]);
      // front-3 ties front-1 on c, but front-1 dominates it; front-5 scored 1 everywhere but failed.
      expect(body.leaders).toEqual([['front-4', 'front-7'], ['front-6'], ['front-4', 'front-7', 'front-1'], ['front-2']]);
      expect(body.leaderCount).toEqual([2, 1, 3, 1]);
      expect(body.totals).toEqual({ evaluations: 7, withInstances: 7, front: 5, instances: 4 });
    });

    it('agrees with the Pareto archive fed the same scores in another order, leads included', async () => {
      const archive = new ParetoArchive();
      for (const { seq, score, instances } of [...SAMPLE_FRONT].reverse()) {
        if (score === undefined) continue;
        archive.add({ id: `front-${seq}`, seq, score, island: 0, generation: 0, parentIds: [], features: {}, instances });
      }
      const body = await front('front');
      expect(body.candidates.map((row) => row.id).sort()).toEqual(
        archive
          .entries()
          .map((entry) => entry.id)
          .sort(),
      );
      for (const row of body.candidates) expect(row.led).toBe(archive.instancesLed(row.id));
      // Leads counted from the matrix match the archive's.
      const fromMatrix = body.candidates.map((row) => body.leaders.filter((ids) => ids.includes(row.id)).length);
      expect(fromMatrix).toEqual(body.candidates.map((row) => row.led));
    });

    it('follows new commits: a candidate that dominates the whole front replaces it', async () => {
      createRun(store, 'grows', { kind: 'pareto' });
      commit(store, 'grows', 0, 0.2, { a: 0.2, b: 0.1 });
      commit(store, 'grows', 1, 0.3, { a: 0.1, b: 0.5 });
      expect((await front('grows')).candidates.map((row) => row.id)).toEqual(['grows-1', 'grows-0']);
      commit(store, 'grows', 2, 0.4, { a: 0.3, b: 0.5 });
      const body = await front('grows');
      expect(body.candidates.map((row) => [row.id, row.led])).toEqual([['grows-2', 2]]);
      expect(body.leaders).toEqual([['grows-2'], ['grows-2']]);
      expect(body.totals).toMatchObject({ evaluations: 3, front: 1 });
    });

    it('adds the overall score as a column with scoreAsInstance, where the best score leads it', async () => {
      writeSampleFrontRun(store, 'overall', { kind: 'pareto', scoreAsInstance: true });
      const body = await front('overall');
      expect(body.instances).toEqual(['a', 'b', 'c', 'd', 'overall score']);
      expect(body.overallColumn).toBe(4);
      expect(body.candidates.map((row) => [row.id, row.led])).toEqual([
        ['overall-1', 2],
        ['overall-4', 2],
        ['overall-7', 2],
        ['overall-6', 1],
        ['overall-2', 1],
      ]);
      expect(body.scores.map((row) => row[4])).toEqual([0.65, 0.55, 0.55, 0.5, 0.3]);
      expect(body.leaders[4]).toEqual(['overall-1']);
    });

    it('treats candidates without instances as the archive does, in any archive, with the overall score as their column', async () => {
      createRun(store, 'mixed', { kind: 'greedy', k: 5 });
      const rows: Array<[number, number, Record<string, number>]> = [
        [0, 0.5, { a: 1 }],
        [1, 0.9, {}],
        [2, 0.1, {}],
        [3, 0.7, { a: 0.5, b: 2 }],
      ];
      const archive = new ParetoArchive();
      for (const [seq, score, instances] of rows) {
        commit(store, 'mixed', seq, score, instances);
        const entry = { id: `mixed-${seq}`, seq, score, island: 0, generation: 0, parentIds: [], features: {} };
        archive.add(Object.keys(instances).length > 0 ? { ...entry, instances } : entry);
      }
      const body = await front('mixed');
      expect(body.archive).toBe('greedy');
      expect(body.totals).toMatchObject({ evaluations: 4, withInstances: 2 });
      expect(body.candidates.map((row) => row.id).sort()).toEqual(
        archive
          .entries()
          .map((entry) => entry.id)
          .sort(),
      );
      for (const row of body.candidates) expect(row.led).toBe(archive.instancesLed(row.id));
      // Whatever the archive keeps of them, a candidate without instances is scored in the overall column only.
      const bare = body.candidates.flatMap((row, index) => (row.seq === 1 || row.seq === 2 ? [index] : []));
      expect(body.overallColumn === null).toBe(bare.length === 0);
      expect(body.instances.slice(0, 2)).toEqual(['a', 'b']);
      for (const index of bare) {
        expect(body.scores[index]).toEqual([null, null, body.candidates[index]?.score]);
      }
    });

    it('answers an empty front and a reason for a run without per-instance scores, and 404 for an unknown run', async () => {
      createRun(store, 'plain', { kind: 'map-elites', islands: 1 });
      expect(await front('plain')).toMatchObject({ candidates: [], instances: [], reason: 'run plain has no evaluation scored ok yet' });
      commit(store, 'plain', 0, 1, {});
      commit(store, 'plain', 1, undefined, { a: 3 });
      const body = await front('plain');
      expect(body.candidates).toEqual([]);
      expect(body.reason).toBe(
        "none of the 1 ok evaluations of run plain gave per-instance scores (`instances` in the evaluator's result), " +
          'so there is no front over instances',
      );
      const missing = await app.request('/api/runs/nope/front');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'no run nope in front.db' });
    });

    it('caps a large front: the rows that lead most, the instances with the fewest leaders, and says so', async () => {
      const members = FRONT_ROWS + 10;
      const instances = FRONT_COLUMNS + 50;
      createRun(store, 'wide', { kind: 'pareto' });
      // Member k alone leads i<k>; all of them tie at 0 on every other instance.
      for (let seq = 0; seq < members; seq++) {
        const scores: Record<string, number> = {};
        for (let instance = 0; instance < instances; instance++) scores[`i${instance}`] = instance === seq ? 1 : 0;
        commit(store, 'wide', seq, seq / 1000, scores);
      }
      const body = await front('wide');
      expect(body.totals).toEqual({ evaluations: members, withInstances: members, front: members, instances });
      expect(body.candidates).toHaveLength(FRONT_ROWS);
      // Equal leads: the best scores first.
      expect(body.candidates[0]?.id).toBe(`wide-${members - 1}`);
      expect(body.instances).toHaveLength(FRONT_COLUMNS);
      expect(body.scores.every((row) => row.length === FRONT_COLUMNS)).toBe(true);
      // Every instance one member leads alone is kept, in natural order (i9 before i10).
      expect(body.instances.slice(0, 12)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'i11']);
      for (let instance = 0; instance < members; instance++) expect(body.instances).toContain(`i${instance}`);
      const column = body.instances.indexOf(`i${members - 1}`);
      expect([body.leaders[column], body.leaderCount[column]]).toEqual([[`wide-${members - 1}`], 1]);
      // Leaders of the first 10 members' instances are among the rows cut.
      expect([body.leaders[0], body.leaderCount[0]]).toEqual([[], 1]);
      expect(body.cut).toBe(
        `showing ${FRONT_ROWS} of ${members} front members (those that lead the most instances) ` +
          `and ${FRONT_COLUMNS} of ${instances} instances (those with the fewest leaders)`,
      );
    });
  });
}
