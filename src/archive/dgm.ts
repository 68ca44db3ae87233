import type { Archive } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { FenwickTree } from './fenwick-tree.ts';
import { medianAndDeviation } from './median.ts';
import { Leaderboard } from './ranking.ts';
import { drawParents, pickInspirations } from './sampling.ts';

export interface DgmOptions {
  /** Sharpness of the sigmoid over (score - median) / MAD. */
  lambda: number;
}

/** The score statistics the current weights were computed from. */
export interface DgmStatistics {
  median: number;
  /** Median absolute deviation of the scores, exactly as measured (may be 0). */
  deviation: number;
  /** The divisor actually used: the deviation, or a tiny floor when the deviation is 0. */
  scale: number;
  /** Archive size when the statistics were computed. */
  size: number;
}

/**
 * The Darwin Goedel Machine / ShinkaEvolve archive: open-ended, it keeps every entry and draws
 * a parent with weight sigmoid(lambda * (score - median) / MAD) / (1 + children).
 *
 * Approximation, chosen so that selection stays O(log n) at 100,000 entries: the median and
 * MAD are recomputed exactly (and every weight with them) only when the archive has grown by
 * at least 1% since the last recomputation. Below 100 entries that is every add, where it is
 * cheap and where each choice of a small, LLM-driven run matters most; above, it is every
 * n/100 adds, so the O(n) recomputation costs O(1) amortised per add (about a hundred entry
 * visits) on top of the O(log n) tree update. Between recomputations a new entry is weighed
 * against the last statistics. The child factor is always exact: `recordChild` updates one
 * weight in the Fenwick tree. Recomputation happens in `add` only, never in a selection, so
 * the weights depend on the add/recordChild history alone and a run replayed from the store
 * selects as the original did.
 *
 * @example
 * const archive = new DgmArchive({ lambda: 10 });
 * archive.add(entry);
 * const [parent] = archive.selectParents(rng, 1);
 * archive.recordChild([parent.id]);
 */
export class DgmArchive implements Archive {
  readonly kind = 'dgm';
  private readonly lambda: number;
  private readonly entries: ArchiveEntry[] = [];
  private readonly positions = new Map<string, number>();
  // Per-entry numbers live in typed arrays, because a recomputation sweeps all of them.
  private scores = new Float64Array(64);
  private children = new Float64Array(64);
  /** The sigmoid factor of each entry's weight, as of the last statistics. */
  private fitness = new Float64Array(64);
  private readonly weights = new FenwickTree();
  private readonly leaderboard = new Leaderboard(64);
  private current: DgmStatistics = { median: 0, deviation: 0, scale: 1, size: 0 };

  constructor(options: DgmOptions) {
    if (!(options.lambda > 0) || !Number.isFinite(options.lambda)) {
      throw new OuroError('config-invalid', `archive.lambda: must be a positive number, got ${options.lambda}`, {
        field: 'archive.lambda',
      });
    }
    this.lambda = options.lambda;
  }

  add(entry: ArchiveEntry): boolean {
    if (!Number.isFinite(entry.score) || this.positions.has(entry.id)) return false;
    const position = this.entries.length;
    if (position === this.scores.length) this.grow();
    this.positions.set(entry.id, position);
    this.entries.push(entry);
    this.leaderboard.offer(entry);
    this.scores[position] = entry.score;
    const fitness = this.sigmoid(entry.score);
    this.fitness[position] = fitness;
    this.weights.append(fitness);
    const grown = this.entries.length - this.current.size;
    if (grown >= Math.max(1, Math.ceil(this.current.size / 100))) this.recompute();
    return true;
  }

  /** Counts one child per call for each distinct parent; unknown ids are ignored. */
  recordChild(parentIds: readonly string[]): void {
    for (const id of new Set(parentIds)) {
      const position = this.positions.get(id);
      if (position === undefined) continue;
      const children = (this.children[position] as number) + 1;
      this.children[position] = children;
      this.weights.set(position, (this.fitness[position] as number) / (1 + children));
    }
  }

  selectParents(rng: Rng, count: number): ArchiveEntry[] {
    const size = this.entries.length;
    if (size === 0) return [];
    const total = this.weights.total();
    // Guards against every weight underflowing to 0, which entries at the median prevent.
    const draw =
      total > 0 && Number.isFinite(total)
        ? () => this.entries[this.weights.find(rng.next() * total)] as ArchiveEntry
        : () => this.entries[rng.int(size)] as ArchiveEntry;
    return drawParents(count, size, draw, (chosenIds) => this.drawOther(rng, chosenIds));
  }

  inspirations(rng: Rng, count: number, exclude: ReadonlySet<string>): ArchiveEntry[] {
    const entries = this.entries;
    return pickInspirations(rng, count, exclude, this.leaderboard.entries, {
      size: entries.length,
      at: (position) => entries[position] as ArchiveEntry,
    });
  }

  best(): ArchiveEntry | undefined {
    return this.leaderboard.entries[0];
  }

  size(): number {
    return this.entries.length;
  }

  /** The entry's current, unnormalised selection weight; undefined for an unknown id. */
  weight(id: string): number | undefined {
    const position = this.positions.get(id);
    return position === undefined ? undefined : this.weights.weight(position);
  }

  /** The number of recorded children that name the entry as a parent. */
  childCount(id: string): number {
    const position = this.positions.get(id);
    return position === undefined ? 0 : (this.children[position] as number);
  }

  statistics(): DgmStatistics {
    return { ...this.current };
  }

  /**
   * An entry outside `chosenIds`, in proportion to its weight; uniform among them when they all
   * weigh 0, as a draw over the whole archive is. O(n), for the rare draw whose redraws all hit
   * an entry that holds most of the weight.
   */
  private drawOther(rng: Rng, chosenIds: ReadonlySet<string>): ArchiveEntry | undefined {
    const rest: number[] = [];
    let total = 0;
    for (let position = 0; position < this.entries.length; position++) {
      if (chosenIds.has((this.entries[position] as ArchiveEntry).id)) continue;
      rest.push(position);
      total += this.weights.weight(position);
    }
    if (rest.length === 0) return undefined;
    if (total > 0 && Number.isFinite(total)) {
      let target = rng.next() * total;
      // Rounding may leave the target just above 0 at the end: the last entry with weight takes it.
      let drawn = -1;
      for (const position of rest) {
        const weight = this.weights.weight(position);
        if (weight <= 0) continue;
        drawn = position;
        target -= weight;
        if (target < 0) break;
      }
      return this.entries[drawn] as ArchiveEntry;
    }
    return this.entries[rng.pick(rest)] as ArchiveEntry;
  }

  private sigmoid(score: number): number {
    return 1 / (1 + Math.exp((-this.lambda * (score - this.current.median)) / this.current.scale));
  }

  private recompute(): void {
    const size = this.entries.length;
    const { median, deviation } = medianAndDeviation(this.scores.subarray(0, size));
    // With a MAD of 0 (all scores equal, or most of them) any floor keeps the division finite;
    // one this small makes a strictly better entry weigh about 1 and an equal one exactly 0.5.
    const scale = deviation > 0 ? deviation : 1e-9 * (1 + Math.abs(median));
    this.current = { median, deviation, scale, size };
    const weights = new Float64Array(size);
    for (let position = 0; position < size; position++) {
      const fitness = this.sigmoid(this.scores[position] as number);
      this.fitness[position] = fitness;
      weights[position] = fitness / (1 + (this.children[position] as number));
    }
    this.weights.rebuild(weights);
  }

  private grow(): void {
    const widen = (values: Float64Array): Float64Array<ArrayBuffer> => {
      const wider = new Float64Array(values.length * 2);
      wider.set(values);
      return wider;
    };
    this.scores = widen(this.scores);
    this.children = widen(this.children);
    this.fitness = widen(this.fitness);
  }
}
