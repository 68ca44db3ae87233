// The geometry of a MAP-Elites grid, in one place: the archive places candidates with it, and the
// plot and the dashboard draw the same cells from the store with it.
import type { FeatureAxis } from './archive.ts';
import { OuroError } from './errors.ts';
import type { Genome } from './types.ts';

/** The schema's defaults, for a stored config that lacks them (the engine always stores both). */
const DEFAULT_ISLANDS = 4;
const DEFAULT_BINS = 10;

/** Where a cell is drawn: column `x` is the first axis's bin; row `y` folds every further axis. */
export interface CellPosition {
  x: number;
  y: number;
}

/**
 * The bin of a feature value: clamp(floor((value - min) / (max - min) * bins), 0, bins - 1).
 * A missing, NaN or non-numeric value counts as the axis minimum, so that a candidate whose
 * evaluator omits a feature is still placed (in the first bin) rather than lost.
 *
 * @example
 * binOf({ name: 'spread', min: 0, max: 5, bins: 5 }, 3.5); // 3
 * binOf({ name: 'spread', min: 0, max: 5, bins: 5 }, 50); // 4
 */
export function binOf(axis: FeatureAxis, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return 0;
  const bin = Math.floor(((value - axis.min) / (axis.max - axis.min)) * axis.bins);
  return Math.min(Math.max(bin, 0), axis.bins - 1);
}

/**
 * The cells of a MAP-Elites grid. A cell is numbered with the first axis varying fastest:
 * bin0 + bins0 * (bin1 + bins1 * (bin2 + ...)). Drawn flat, column `x` is bin0 and row `y` is
 * the rest of that number, so a second axis runs up the rows and each further axis stacks bands
 * of them: every cell of the archive keeps a place of its own, and none is hidden behind another.
 *
 * @example
 * const grid = new FeatureGrid([
 *   { name: 'x', min: 0, max: 10, bins: 5 },
 *   { name: 'y', min: 0, max: 1, bins: 2 },
 *   { name: 'z', min: 0, max: 3, bins: 3 },
 * ]);
 * grid.binsOf({ x: 4, y: 0.7, z: 2.5 }); // [2, 1, 2]
 * grid.positionOf({ x: 4, y: 0.7, z: 2.5 }); // { x: 2, y: 5 }: row 1 of band 2, bands being 2 rows high
 */
export class FeatureGrid {
  readonly axes: readonly FeatureAxis[];
  /** Cells per island: the product of every axis's bins, 1 without axes. */
  readonly cells: number;
  /** Bins of the first axis (1 without axes). */
  readonly columns: number;
  /** Cells per column: the product of the bins of every axis after the first. */
  readonly rows: number;

  /**
   * Throws `config-invalid` naming the axis (`archive.features.<index>`) when one is malformed, or
   * the grid when it has more cells than a number can count exactly.
   */
  constructor(axes: readonly FeatureAxis[]) {
    const field = 'archive.features';
    let cells = 1;
    axes.forEach((axis, index) => {
      const invalid = (message: string): OuroError =>
        new OuroError('config-invalid', `${field}.${index}: axis ${axis.name}: ${message}`, { field: `${field}.${index}` });
      if (!(axis.max > axis.min)) throw invalid('max must be greater than min');
      if (!Number.isInteger(axis.bins) || axis.bins < 1) throw invalid('bins must be a positive integer');
      cells *= axis.bins;
    });
    if (cells > Number.MAX_SAFE_INTEGER) {
      throw new OuroError('config-invalid', `${field}: the grid has too many cells to number`, { field });
    }
    this.axes = axes.map(({ name, min, max, bins }) => ({ name, min, max, bins }));
    this.cells = cells;
    this.columns = axes[0]?.bins ?? 1;
    this.rows = cells / this.columns;
  }

  /** The bin of each axis for these features (see {@link binOf}). */
  binsOf(features: Readonly<Record<string, unknown>>): number[] {
    return this.axes.map((axis) => binOf(axis, features[axis.name]));
  }

  /** The cell's number, from 0 to `cells - 1`: a map key, and an index into a flat array of cells. */
  cellOf(features: Readonly<Record<string, unknown>>): number {
    let cell = 0;
    let stride = 1;
    for (const axis of this.axes) {
      cell += binOf(axis, features[axis.name]) * stride;
      stride *= axis.bins;
    }
    return cell;
  }

  /** Where the cell of these features is drawn; `y * columns + x` is its number. */
  positionOf(features: Readonly<Record<string, unknown>>): CellPosition {
    const cell = this.cellOf(features);
    return { x: cell % this.columns, y: Math.floor(cell / this.columns) };
  }

  /** The bins of each axis behind a row `y`, from the second axis on (the inverse of the fold). */
  rowBins(y: number): number[] {
    const bins: number[] = [];
    let rest = y;
    for (const axis of this.axes.slice(1)) {
      bins.push(rest % axis.bins);
      rest = Math.floor(rest / axis.bins);
    }
    return bins;
  }
}

/**
 * The engine's axes for a MAP-Elites config without any: genome length, in 10 bins from half to
 * twice the initial genome's total characters.
 *
 * @example
 * defaultFeatureAxes({ 'pack.js': 'x'.repeat(201) }); // [{ name: 'length', min: 100, max: 402, bins: 10 }]
 */
export function defaultFeatureAxes(initialGenome: Genome): FeatureAxis[] {
  let length = 0;
  for (const text of Object.values(initialGenome)) length += text.length;
  return [{ name: 'length', min: Math.floor(length / 2), max: length * 2, bins: DEFAULT_BINS }];
}

/**
 * The axes a run's archive used: the configured ones, even none (`features: []` makes a single
 * cell per island), or the default over the initial genome when the config names none. Without
 * the initial genome (a run that recorded nothing yet) there is nothing to bin by: no axes.
 *
 * @example
 * gridAxes(undefined, { 'pack.js': 'x'.repeat(201) }); // [{ name: 'length', min: 100, max: 402, bins: 10 }]
 */
export function gridAxes(configured: readonly FeatureAxis[] | undefined, initialGenome: Genome | undefined): FeatureAxis[] {
  if (configured) return [...configured];
  return initialGenome ? defaultFeatureAxes(initialGenome) : [];
}

/**
 * The islands whose grids an entry competes for: the initial entry (`root`, the one without
 * parents) seeds every island; any other goes to its own, taken modulo the number of islands.
 *
 * @example
 * homeIslands(5, false, 4); // [1]
 * homeIslands(0, true, 3); // [0, 1, 2]
 */
export function homeIslands(island: number, root: boolean, islands: number): number[] {
  if (root) return Array.from({ length: islands }, (_, index) => index);
  return [((Math.trunc(island) % islands) + islands) % islands];
}

/** The MAP-Elites settings that place candidates, as a run's stored config records them. */
export interface StoredMapElites {
  islands: number;
  /** Undefined when the config named no axes, so the run used the default over genome length. */
  features: FeatureAxis[] | undefined;
}

/**
 * Reads the MAP-Elites part of a run's stored config (JSON written by whichever version ran it);
 * undefined when the run's archive is another kind. Axes are not checked here: a
 * {@link FeatureGrid} built from them refuses a malformed one, naming it.
 *
 * @example
 * storedMapElites({ archive: { kind: 'map-elites', islands: 2 } }); // { islands: 2, features: undefined }
 */
export function storedMapElites(config: unknown): StoredMapElites | undefined {
  const archive = asRecord(asRecord(config).archive);
  if (archive.kind !== 'map-elites') return undefined;
  const islands = Number.isInteger(archive.islands) && (archive.islands as number) > 0 ? (archive.islands as number) : DEFAULT_ISLANDS;
  if (!Array.isArray(archive.features)) return { islands, features: undefined };
  const features = archive.features.map((value) => {
    const axis = asRecord(value);
    return {
      name: String(axis.name),
      min: Number(axis.min),
      max: Number(axis.max),
      bins: axis.bins === undefined ? DEFAULT_BINS : Number(axis.bins),
    };
  });
  return { islands, features };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
