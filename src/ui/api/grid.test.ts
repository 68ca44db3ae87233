import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDashboardQueries } from '../../store/queries-sqlite.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { GridCache } from './grid.ts';
import { commitSample } from './sample-run.ts';

describe('GridCache', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'ouro-grid-cache-')), 'ouro.db');
  const store = new SqliteStore(db);
  const config = { name: 'demo', archive: { kind: 'map-elites', islands: 2 } };
  store.createRun({
    id: 'r1',
    experiment: 'demo',
    experimentDir: 'demo',
    config,
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 0,
  });
  const queries = new SqliteDashboardQueries(db);

  afterAll(() => {
    queries.close();
    store.close();
  });

  it("does not keep a run's default axes before its initial candidate has given them", () => {
    const grids = new GridCache(queries);
    // Asked while the run is starting: no initial genome yet, so no axes and no cells.
    expect(grids.read('r1', config)).toEqual({ features: [], islands: 2, cells: [] });
    commitSample(store, { seq: 0, parents: [], operator: 'initial', score: 1, reward: 0, logOrder: 0, elapsedMs: 10, createdAt: 1 });
    commitSample(store, {
      seq: 1,
      parents: ['r1-0'],
      operator: 'perturb-number',
      score: 2,
      reward: 1,
      logOrder: 1,
      elapsedMs: 20,
      createdAt: 2,
    });
    // The initial genome is 100 characters: length from 50 to 200; lengths 100 and 140 fall in bins 3 and 6.
    expect(grids.read('r1', config)).toEqual({
      features: [{ name: 'length', min: 50, max: 200, bins: 10 }],
      islands: 2,
      cells: [
        { island: 0, x: 3, y: 0, score: 1, candidate: 'r1-0' },
        { island: 1, x: 3, y: 0, score: 1, candidate: 'r1-0' },
        { island: 1, x: 6, y: 0, score: 2, candidate: 'r1-1' },
      ],
    });
  });
});
