// The archive, `ouro plot` and the dashboard each place a run's candidates in MAP-Elites cells.
// On real runs, they must put the same candidate in the same cell of the same island.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchive, type MapElitesArchive } from '../src/archive/index.ts';
import type { FeatureAxis } from '../src/core/archive.ts';
import type { ArchiveConfig } from '../src/core/experiment.ts';
import { evolve } from '../src/engine/evolve.ts';
import { entryOf } from '../src/engine/state.ts';
import { runGrid, type RunGrid } from '../src/plot/grid-cells.ts';
import { gridPlot } from '../src/plot/grid.ts';
import { plotContext } from '../src/plot/run-data.ts';
import { SqliteDashboardQueries } from '../src/store/queries-sqlite.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import type { RunRecord } from '../src/store/store.ts';
import { TINY_EVALUATOR, TINY_GENOME, writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import type { Grid } from '../src/ui/api-types.ts';
import { apiRoutes } from '../src/ui/api/routes.ts';

/** The tiny evaluator, also reporting its three numbers as features (and, when asked, its own `length`). */
function evaluator(features: string): string {
  return TINY_EVALUATOR.replace('features: { spread: Math.abs(a - c) }', `features: ${features}`);
}

// Narrow bins around the initial (1, 0.5, 2.5): small numeric steps cross them, so the elites of
// an island differ on the third axis alone, where a projection onto two axes would lose them.
const THREE_AXES: FeatureAxis[] = [
  { name: 'a', min: 0, max: 4, bins: 4 },
  { name: 'b', min: 0, max: 1, bins: 3 },
  { name: 'c', min: 2, max: 3, bins: 3 },
];

/** The engine's documented default: genome length, 10 bins from half to twice the initial genome's characters. */
const LENGTH_AXIS: FeatureAxis = { name: 'length', min: Math.floor(TINY_GENOME.length / 2), max: TINY_GENOME.length * 2, bins: 10 };

const CASES = [
  {
    name: 'three configured axes',
    archive: { kind: 'map-elites', islands: 3, features: THREE_AXES },
    features: '{ a, b, c }',
    axes: THREE_AXES,
  },
  {
    // The evaluator's own `length` overrides the built-in one, but the engine's default axis is
    // derived from the initial genome's characters, not from that feature.
    name: 'the default length axis, with an evaluator that reports its own length',
    archive: { kind: 'map-elites', islands: 2 },
    features: "{ length: genome['solve.js'].length * 1.5 + 10 * a }",
    axes: [LENGTH_AXIS],
  },
  {
    name: 'no axes at all (features: [])',
    archive: { kind: 'map-elites', islands: 2, features: [] },
    features: '{ a }',
    axes: [],
  },
];

/** Where the archive's bins are drawn: x is the first axis's bin; the others fold into y, the second fastest. */
function position(bins: readonly number[], axes: readonly FeatureAxis[]): string {
  let y = 0;
  let stride = 1;
  for (let index = 1; index < axes.length; index++) {
    y += (bins[index] as number) * stride;
    stride *= (axes[index] as FeatureAxis).bins;
  }
  return `${bins[0] ?? 0}:${y}`;
}

/** Per island, "x:y" -> id of the candidate held there. */
type Layout = Array<Record<string, string>>;

for (const testCase of CASES) {
  describe(`MAP-Elites cells agree between the archive, the plot and the dashboard: ${testCase.name}`, () => {
    const islands = testCase.archive.islands;
    let db: string;
    let runId: string;
    let store: SqliteStore;
    let queries: SqliteDashboardQueries;
    let run: RunRecord;
    let archive: MapElitesArchive;
    let fromArchive: Layout;

    beforeAll(async () => {
      db = join(mkdtempSync(join(tmpdir(), 'ouro-grid-agreement-')), 'ouro.db');
      // No migration within the budget: migrants are the archive's own copies, which neither figure replays.
      const config = `archive: ${JSON.stringify({ ...testCase.archive, migrationInterval: 1000 })},`;
      const dir = writeTinyExperiment({ config, evaluator: evaluator(testCase.features) });
      runId = (await evolve(dir, { db, seed: 7, budget: { evaluations: 60 } })).runId;
      store = new SqliteStore(db, { readonly: true });
      queries = new SqliteDashboardQueries(db);
      run = store.getRun(runId) as RunRecord;
      // The archive as `ouro resume` rebuilds it: the stored config, the engine's default axes,
      // and every ok candidate added in commit order.
      const defaults = { features: [LENGTH_AXIS], genome: { 'solve.js': TINY_GENOME } };
      archive = createArchive((run.config as { archive: ArchiveConfig }).archive, defaults) as MapElitesArchive;
      for (const row of store.replay(runId)) {
        if (row.kind === 'candidate' && row.evaluation.status === 'ok') archive.add(entryOf(row.candidate, row.evaluation));
      }
      fromArchive = Array.from({ length: islands }, (_, island) =>
        Object.fromEntries(archive.elites(island).map((elite) => [position(archive.cellOf(elite), testCase.axes), elite.id])),
      );
    }, 180_000);

    afterAll(() => {
      queries?.close();
      store?.close();
    });

    it('ran long enough to fill several cells, the initial candidate seeding every island', () => {
      const filled = fromArchive.reduce((sum, cells) => sum + Object.keys(cells).length, 0);
      if (testCase.axes.length === 0) {
        expect(filled).toBe(islands);
      } else {
        expect(filled).toBeGreaterThan(islands + 2);
      }
      expect(archive.elites(0).length).toBeGreaterThan(0);
      for (let island = 0; island < islands; island++) expect(archive.elites(island).length).toBeGreaterThan(0);
      if (testCase.axes.length === 3) {
        // Two elites of one island share their first two bins: only the third axis tells them apart.
        const shared = fromArchive.some((_, island) => {
          const pairs = archive.elites(island).map((elite) => archive.cellOf(elite).slice(0, 2).join(':'));
          return new Set(pairs).size < pairs.length;
        });
        expect(shared).toBe(true);
      }
    });

    it("the plot puts every candidate in the archive's cell", () => {
      const built = runGrid(plotContext(store, run)) as RunGrid;
      expect(built.grid.axes).toEqual(testCase.axes);
      expect(built.islands).toBe(islands);
      const fromPlot: Layout = built.cells.map((grid) => {
        const cells: Record<string, string> = {};
        grid.ids.forEach((id, index) => {
          if (id !== undefined) cells[`${index % built.grid.columns}:${Math.floor(index / built.grid.columns)}`] = id;
        });
        return cells;
      });
      expect(fromPlot).toEqual(fromArchive);
    });

    it("the dashboard API puts every candidate in the archive's cell", async () => {
      const app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'agreement.db' }));
      const response = await app.request(`/api/runs/${runId}/grid`);
      expect(response.status).toBe(200);
      const grid = (await response.json()) as Grid;
      expect(grid.features).toEqual(testCase.axes);
      expect(grid.islands).toBe(islands);
      const fromApi: Layout = Array.from({ length: islands }, () => ({}));
      for (const cell of grid.cells) (fromApi[cell.island] as Record<string, string>)[`${cell.x}:${cell.y}`] = cell.candidate;
      expect(fromApi).toEqual(fromArchive);
    });

    it("the figure draws each island's elites, one cell each (and says why it has no grid to draw without axes)", () => {
      const output = gridPlot.render(plotContext(store, run));
      if (testCase.axes.length === 0) {
        expect(output).toEqual({ skipped: expect.stringContaining('no feature axes') });
        return;
      }
      if ('skipped' in output) throw new Error(`grid skipped: ${output.skipped}`);
      const drawn = [...output.svg.matchAll(/class="cell" data-id="([^"]+)"/g)].map((match) => match[1]);
      expect(drawn.sort()).toEqual(fromArchive.flatMap((cells) => Object.values(cells)).sort());
    });
  });
}
