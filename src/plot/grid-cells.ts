import type { FeatureAxis } from '../core/archive.ts';
import type { PlotCandidate } from './plot.ts';

/** Best score per cell of one island's grid: `scores[row * columns + column]`, NaN where empty. */
export interface IslandGrid {
  island: number;
  scores: Float64Array;
  /** Candidate id of each cell's best. */
  ids: Array<string | undefined>;
  filled: number;
}

/**
 * The bin of a feature value, as the archive places it: clamped to the axis, and a missing or
 * NaN feature in the first bin.
 */
export function binOf(axis: FeatureAxis, value: number | undefined): number {
  if (value === undefined || Number.isNaN(value)) return 0;
  const bin = Math.floor(((value - axis.min) / (axis.max - axis.min)) * axis.bins);
  return Math.min(Math.max(bin, 0), axis.bins - 1);
}

/**
 * Bins every ok candidate over the first two axes (columns, rows) and keeps the best score per
 * cell, one grid per island. Axes beyond the second are left out: their cells project onto the
 * first two, where the best of them shows.
 */
export function bestPerCell(candidates: readonly PlotCandidate[], axes: readonly FeatureAxis[], islands: number): IslandGrid[] {
  const [columnAxis, rowAxis] = axes;
  const columns = columnAxis?.bins ?? 1;
  const rows = rowAxis?.bins ?? 1;
  const grids: IslandGrid[] = Array.from({ length: islands }, (_, island) => ({
    island, scores: new Float64Array(columns * rows).fill(Number.NaN), ids: new Array<string | undefined>(columns * rows), filled: 0,
  }));
  for (const candidate of candidates) {
    if (candidate.score === undefined) continue;
    const grid = grids[candidate.island] ?? grids[0];
    if (!grid) continue;
    const column = columnAxis ? binOf(columnAxis, candidate.features[columnAxis.name]) : 0;
    const row = rowAxis ? binOf(rowAxis, candidate.features[rowAxis.name]) : 0;
    const cell = row * columns + column;
    const current = grid.scores[cell] as number;
    if (Number.isNaN(current)) grid.filled++;
    if (Number.isNaN(current) || candidate.score > current) {
      grid.scores[cell] = candidate.score;
      grid.ids[cell] = candidate.id;
    }
  }
  return grids;
}

/**
 * The axes the engine used: the config's, or its default of one axis over genome length from half
 * to twice the initial genome's (which the initial candidate's `length` feature records).
 */
export function gridAxes(configured: readonly FeatureAxis[] | undefined, candidates: readonly PlotCandidate[]): FeatureAxis[] {
  if (configured && configured.length > 0) return [...configured];
  const length = candidates.find((candidate) => candidate.parentIds.length === 0)?.features.length;
  if (length === undefined || !(length > 0)) return [];
  return [{ name: 'length', min: Math.floor(length / 2), max: length * 2, bins: 10 }];
}
