import type { Grid } from '../api-types.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { archiveAxes, binOf, type ArchiveAxes } from './archive-axes.ts';

type Cell = Grid['cells'][number];

/**
 * GET /api/runs/:run/grid: the best ok candidate per occupied cell, per island, rebuilt from the
 * store. The first axis is x; a second is y, and further axes fold into y (row-major), so every
 * cell keeps one place. The initial candidate seeds every island, as it does in the archive.
 * Candidates are only ever added, so each run's cells are kept and extended with new commits.
 */
export class GridCache {
  private readonly runs = new Map<string, { axes: ArchiveAxes; cursor: number; cells: Map<string, Cell> }>();

  constructor(private readonly queries: DashboardQueries, private readonly capacity = 4) {}

  /** Undefined when the run's archive is not MAP-Elites. */
  read(runId: string, config: Record<string, unknown>): Grid | undefined {
    return this.queries.snapshot(() => {
      let entry = this.runs.get(runId);
      this.runs.delete(runId);
      if (!entry) {
        const axes = archiveAxes(this.queries, runId, config);
        if (!axes) return undefined;
        entry = { axes, cursor: 0, cells: new Map() };
      }
      const upTo = this.queries.cursors(runId).candidates;
      place(entry.axes, entry.cells, this.queries.scored(runId, entry.cursor, upTo));
      entry.cursor = upTo;
      this.runs.set(runId, entry);
      for (const oldest of this.runs.keys()) {
        if (this.runs.size <= this.capacity) break;
        this.runs.delete(oldest);
      }
      const cells = [...entry.cells.values()].sort((a, b) => a.island - b.island || a.y - b.y || a.x - b.x);
      return { features: entry.axes.features, islands: entry.axes.islands, cells };
    });
  }
}

function place(axes: ArchiveAxes, cells: Map<string, Cell>, rows: Iterable<{ id: string; island: number; root: boolean; score: number; features: Record<string, number> }>): void {
  const { features, islands } = axes;
  for (const row of rows) {
    let x = 0;
    let y = 0;
    let stride = 1;
    features.forEach((axis, index) => {
      const bin = binOf(axis, row.features[axis.name]);
      if (index === 0) {
        x = bin;
      } else {
        y += bin * stride;
        stride *= axis.bins;
      }
    });
    const homes = row.root ? Array.from({ length: islands }, (_, island) => island) : [((row.island % islands) + islands) % islands];
    for (const island of homes) {
      const key = `${island}:${x}:${y}`;
      const held = cells.get(key);
      if (!held || row.score > held.score) cells.set(key, { island, x, y, score: row.score, candidate: row.id });
    }
  }
}
