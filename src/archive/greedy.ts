import type { Archive } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { compareEntries, Leaderboard } from './ranking.ts';
import { drawParents, pickInspirations } from './sampling.ts';

export interface GreedyOptions {
  /** How many of the best entries to keep and choose parents from. */
  k: number;
}

/**
 * Keeps the top `k` entries (ties: earlier seq wins) and draws parents uniformly among them.
 *
 * @example
 * const archive = new GreedyArchive({ k: 10 });
 * archive.add(entry);
 * const [parent] = archive.selectParents(rng, 1);
 */
export class GreedyArchive implements Archive {
  readonly kind = 'greedy';
  private readonly k: number;
  /** A binary min-heap: the worst kept entry sits at the root, ready to be evicted. */
  private readonly heap: ArchiveEntry[] = [];
  private readonly keptIds = new Set<string>();
  private readonly leaderboard: Leaderboard;

  constructor(options: GreedyOptions) {
    if (!Number.isInteger(options.k) || options.k < 1) {
      throw new OuroError('config-invalid', `archive.k: must be a positive integer, got ${options.k}`, { field: 'archive.k' });
    }
    this.k = options.k;
    // The top min(k, 64) of everything offered are all among the kept top k, so the board
    // never names an evicted entry.
    this.leaderboard = new Leaderboard(Math.min(this.k, 64));
  }

  add(entry: ArchiveEntry): boolean {
    if (!Number.isFinite(entry.score) || this.keptIds.has(entry.id)) return false;
    if (this.heap.length < this.k) {
      this.heap.push(entry);
      this.siftUp(this.heap.length - 1);
      this.leaderboard.offer(entry);
    } else {
      const worst = this.heap[0] as ArchiveEntry;
      if (compareEntries(entry, worst) >= 0) return false;
      this.keptIds.delete(worst.id);
      this.heap[0] = entry;
      this.siftDown(0);
      this.leaderboard.replace(worst.id, entry);
    }
    this.keptIds.add(entry.id);
    return true;
  }

  /** Children do not change a greedy choice. */
  recordChild(): void {}

  selectParents(rng: Rng, count: number): ArchiveEntry[] {
    const heap = this.heap;
    if (heap.length === 0) return [];
    return drawParents(
      count,
      heap.length,
      () => heap[rng.int(heap.length)] as ArchiveEntry,
      (chosenIds) => {
        const rest = heap.filter((entry) => !chosenIds.has(entry.id));
        return rest.length === 0 ? undefined : rng.pick(rest);
      },
    );
  }

  inspirations(rng: Rng, count: number, exclude: ReadonlySet<string>): ArchiveEntry[] {
    const heap = this.heap;
    return pickInspirations(rng, count, exclude, this.leaderboard.entries, {
      size: heap.length,
      at: (position) => heap[position] as ArchiveEntry,
    });
  }

  best(): ArchiveEntry | undefined {
    return this.leaderboard.entries[0];
  }

  size(): number {
    return this.heap.length;
  }

  /** The kept entries, best first. */
  entries(): ArchiveEntry[] {
    return [...this.heap].sort(compareEntries);
  }

  /** Min-heap order: the worse entry (larger comparison) belongs nearer the root. */
  private worse(left: number, right: number): boolean {
    return compareEntries(this.heap[left] as ArchiveEntry, this.heap[right] as ArchiveEntry) > 0;
  }

  private swap(left: number, right: number): void {
    const entry = this.heap[left] as ArchiveEntry;
    this.heap[left] = this.heap[right] as ArchiveEntry;
    this.heap[right] = entry;
  }

  private siftUp(position: number): void {
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.worse(position, parent)) return;
      this.swap(position, parent);
      position = parent;
    }
  }

  private siftDown(position: number): void {
    for (;;) {
      let worst = position;
      const left = 2 * position + 1;
      const right = left + 1;
      if (left < this.heap.length && this.worse(left, worst)) worst = left;
      if (right < this.heap.length && this.worse(right, worst)) worst = right;
      if (worst === position) return;
      this.swap(position, worst);
      position = worst;
    }
  }
}
