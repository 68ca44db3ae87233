import type { ArchiveEntry } from '../core/types.ts';

/**
 * Orders entries best first: higher score, then earlier seq, then id. The id only matters for
 * malformed input with repeated seqs; it makes the order total, so every structure that sorts
 * with it agrees on which entry is better.
 */
export function compareEntries(left: ArchiveEntry, right: ArchiveEntry): number {
  if (left.score !== right.score) return right.score - left.score;
  if (left.seq !== right.seq) return left.seq - right.seq;
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

/**
 * The best few entries, best first, kept by binary insertion. Archives use it for `best()` and
 * for the top half of `inspirations`, so neither has to sort the whole archive.
 *
 * It always holds an exact prefix of the ranking of live entries. Once an offered entry has
 * been left out (the board was full), a board that has since lost a member cannot know what
 * ranks just below its last entry, so it only takes entries that rank above that one.
 */
export class Leaderboard {
  private readonly ranked: ArchiveEntry[] = [];
  private leftOut = false;

  constructor(readonly capacity: number) {}

  get entries(): readonly ArchiveEntry[] {
    return this.ranked;
  }

  get size(): number {
    return this.ranked.length;
  }

  offer(entry: ArchiveEntry): void {
    const position = this.positionOf(entry);
    if (position >= this.capacity || (this.leftOut && position >= this.ranked.length)) {
      this.leftOut = true;
      return;
    }
    if (this.ranked.some((ranked) => ranked.id === entry.id)) return;
    this.insert(position, entry);
  }

  /**
   * Removes `id` for an entry that outranks it and takes its place. When `id` was on the
   * board the newcomer inherits its slot (everything off the board ranks below both).
   */
  replace(id: string, entry: ArchiveEntry): void {
    if (this.remove(id)) this.insert(this.positionOf(entry), entry);
    else this.offer(entry);
  }

  /** Returns whether the entry was on the board. */
  remove(id: string): boolean {
    const position = this.ranked.findIndex((ranked) => ranked.id === id);
    if (position < 0) return false;
    this.ranked.splice(position, 1);
    return true;
  }

  clear(): void {
    this.ranked.length = 0;
    this.leftOut = false;
  }

  private positionOf(entry: ArchiveEntry): number {
    let low = 0;
    let high = this.ranked.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareEntries(this.ranked[middle] as ArchiveEntry, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insert(position: number, entry: ArchiveEntry): void {
    this.ranked.splice(position, 0, entry);
    if (this.ranked.length > this.capacity) {
      this.ranked.pop();
      this.leftOut = true;
    }
  }
}
