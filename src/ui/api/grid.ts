import type { Grid } from '../api-types.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { FeatureGrid, homeIslands, storedMapElites } from '../../core/feature-grid.ts';
import { archiveAxes, type ArchiveAxes } from './archive-axes.ts';

type Cell = Grid['cells'][number];

/**
 * GET /api/runs/:run/grid: the best ok candidate per occupied cell, per island, rebuilt from the
 * store, placed as the archive places them (`FeatureGrid`): the first axis is x; a second is y,
 * and further axes fold into y, so every cell keeps one place. The initial candidate seeds every
 * island, as it does in the archive.
 * Candidates are only ever added, so each run's cells are kept and extended with new commits.
 */
export class GridCache {
  private readonly runs = new Map<string, { axes: ArchiveAxes; grid: FeatureGrid; cursor: number; cells: Map<string, Cell> }>();

  constructor(
    private readonly queries: DashboardQueries,
    private readonly capacity = 4,
  ) {}

  /** Undefined when the run's archive is not MAP-Elites. */
  read(runId: string, config: Record<string, unknown>): Grid | undefined {
    return this.queries.snapshot(() => {
      let entry = this.runs.get(runId);
      this.runs.delete(runId);
      if (!entry) {
        const axes = archiveAxes(this.queries, runId, config);
        if (!axes) return undefined;
        entry = { axes, grid: new FeatureGrid(axes.features), cursor: 0, cells: new Map() };
      }
      const upTo = this.queries.cursors(runId).candidates;
      place(entry.grid, entry.axes.islands, entry.cells, this.queries.scored(runId, entry.cursor, upTo));
      entry.cursor = upTo;
      // Default axes come from the initial candidate; before it is committed they are not known
      // yet, and caching the empty grid would keep its single cell for the rest of the run.
      if (entry.axes.features.length > 0 || storedMapElites(config)?.features !== undefined) this.runs.set(runId, entry);
      for (const oldest of this.runs.keys()) {
        if (this.runs.size <= this.capacity) break;
        this.runs.delete(oldest);
      }
      const cells = [...entry.cells.values()].sort((a, b) => a.island - b.island || a.y - b.y || a.x - b.x);
      return { features: entry.axes.features, islands: entry.axes.islands, cells };
    });
  }
}

function place(
  grid: FeatureGrid,
  islands: number,
  cells: Map<string, Cell>,
  rows: Iterable<{ id: string; island: number; root: boolean; score: number; features: Record<string, number> }>,
): void {
  for (const row of rows) {
    const { x, y } = grid.positionOf(row.features);
    for (const island of homeIslands(row.island, row.root, islands)) {
      const key = `${island}:${x}:${y}`;
      const held = cells.get(key);
      if (!held || row.score > held.score) cells.set(key, { island, x, y, score: row.score, candidate: row.id });
    }
  }
}
