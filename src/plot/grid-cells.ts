import type { FeatureAxis } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import { FeatureGrid, gridAxes, homeIslands, storedMapElites } from '../core/feature-grid.ts';
import type { PlotCandidate, PlotContext } from './plot.ts';

/** Best score per cell of one island's grid, indexed by cell number (`scores[y * columns + x]`), NaN where empty. */
export interface IslandGrid {
  island: number;
  scores: Float64Array;
  /** Candidate id of each cell's best. */
  ids: Array<string | undefined>;
  filled: number;
}

/**
 * The best ok score per cell, one grid per island, placed as the archive places candidates: the
 * cell of every axis (axes after the second fold into rows, see `FeatureGrid`), and the initial
 * candidate on every island. A cell keeps its first best on a tie, as the archive does. Migrants
 * are not replayed: each candidate shows on its own island.
 */
export function bestPerCell(
  candidates: readonly PlotCandidate[],
  axes: readonly FeatureAxis[] | FeatureGrid,
  islands: number,
): IslandGrid[] {
  const grid = axes instanceof FeatureGrid ? axes : new FeatureGrid(axes);
  const grids: IslandGrid[] = Array.from({ length: islands }, (_, island) => ({
    island,
    scores: new Float64Array(grid.cells).fill(Number.NaN),
    ids: new Array<string | undefined>(grid.cells),
    filled: 0,
  }));
  for (const candidate of candidates) {
    if (candidate.score === undefined) continue;
    const cell = grid.cellOf(candidate.features);
    for (const island of homeIslands(candidate.island, candidate.parentIds.length === 0, islands)) {
      const target = grids[island] as IslandGrid;
      const current = target.scores[cell] as number;
      if (Number.isNaN(current)) target.filled++;
      if (Number.isNaN(current) || candidate.score > current) {
        target.scores[cell] = candidate.score;
        target.ids[cell] = candidate.id;
      }
    }
  }
  return grids;
}

/** A run's MAP-Elites grid as its archive laid it out, with the best ok candidate per cell and island. */
export interface RunGrid {
  grid: FeatureGrid;
  islands: number;
  cells: IslandGrid[];
}

/**
 * Rebuilds a run's grid from the store: its configured axes, or the engine's default over the
 * initial genome's length; undefined when the run's archive is not MAP-Elites.
 *
 * @example
 * const built = runGrid(plotContext(store, run));
 * if (built && !('skipped' in built)) console.log(built.cells[0]?.filled);
 */
export function runGrid(context: PlotContext): RunGrid | { skipped: string } | undefined {
  const stored = storedMapElites(context.run.config);
  if (!stored) return undefined;
  const initial = stored.features ? undefined : context.store.getGenome(`${context.run.id}-0`);
  if (!stored.features && !initial) return { skipped: 'the run records no feature axes and no initial genome whose length to bin by' };
  let grid: FeatureGrid;
  try {
    grid = new FeatureGrid(gridAxes(stored.features, initial));
  } catch (error) {
    if (error instanceof OuroError) return { skipped: `the run's stored config has a malformed grid: ${error.message}` };
    throw error;
  }
  return { grid, islands: stored.islands, cells: bestPerCell(context.candidates(), grid, stored.islands) };
}
