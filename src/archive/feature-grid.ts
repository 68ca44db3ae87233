import type { FeatureAxis } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { ArchiveEntry } from '../core/types.ts';

/** The cells of a MAP-Elites grid: which bin of each feature axis an entry falls in. */
export class FeatureGrid {
  private readonly axes: readonly FeatureAxis[];

  /** Throws `config-invalid` naming the axis (`archive.features.<index>`) when one is malformed. */
  constructor(axes: readonly FeatureAxis[]) {
    let cells = 1;
    axes.forEach((axis, index) => {
      const invalid = (message: string): OuroError =>
        new OuroError('config-invalid', `archive.features.${index}: axis ${axis.name}: ${message}`, {
          field: `archive.features.${index}`,
        });
      if (!(axis.max > axis.min)) throw invalid('max must be greater than min');
      if (!Number.isInteger(axis.bins) || axis.bins < 1) throw invalid('bins must be a positive integer');
      cells *= axis.bins;
    });
    if (cells > Number.MAX_SAFE_INTEGER) {
      throw new OuroError('config-invalid', 'archive.features: the grid has too many cells to number', { field: 'archive.features' });
    }
    this.axes = [...axes];
  }

  /**
   * The entry's bin on each axis: clamp(floor((value - min) / (max - min) * bins), 0, bins - 1).
   * A missing or NaN feature counts as the axis minimum, so an evaluator that omits a
   * feature still gets its candidate placed (in the first bin) rather than losing it.
   */
  binsOf(entry: ArchiveEntry): number[] {
    return this.axes.map((axis) => binOf(axis, entry));
  }

  /** One number per cell, for use as a map key. */
  cellOf(entry: ArchiveEntry): number {
    let cell = 0;
    let stride = 1;
    for (const axis of this.axes) {
      cell += binOf(axis, entry) * stride;
      stride *= axis.bins;
    }
    return cell;
  }
}

function binOf(axis: FeatureAxis, entry: ArchiveEntry): number {
  const value = entry.features[axis.name];
  if (value === undefined || Number.isNaN(value)) return 0;
  const bin = Math.floor(((value - axis.min) / (axis.max - axis.min)) * axis.bins);
  return Math.min(Math.max(bin, 0), axis.bins - 1);
}
