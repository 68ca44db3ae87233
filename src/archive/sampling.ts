import type { ArchiveEntry } from '../core/types.ts';
import type { Rng } from '../core/rng.ts';

/** Random access to an archive's kept entries; an id may appear at several positions. */
export interface Population {
  readonly size: number;
  at(position: number): ArchiveEntry;
}

/**
 * Up to `count` distinct entries outside `exclude`: the top ceil(count/2) from `ranked`
 * (best first), the rest uniform over `population`. Rejection sampling keeps a draw O(1) on
 * large archives; when it keeps missing (a small or mostly excluded archive) a sweep from a
 * random start guarantees that every eligible entry can still be returned.
 */
export function pickInspirations(
  rng: Rng,
  count: number,
  exclude: ReadonlySet<string>,
  ranked: readonly ArchiveEntry[],
  population: Population,
): ArchiveEntry[] {
  const chosen: ArchiveEntry[] = [];
  const chosenIds = new Set<string>();
  const take = (entry: ArchiveEntry): void => {
    if (exclude.has(entry.id) || chosenIds.has(entry.id)) return;
    chosen.push(entry);
    chosenIds.add(entry.id);
  };
  if (count <= 0 || population.size === 0) return chosen;

  const topCount = Math.ceil(count / 2);
  for (const entry of ranked) {
    if (chosen.length >= topCount) break;
    take(entry);
  }
  const attempts = 4 * count + 16;
  for (let attempt = 0; attempt < attempts && chosen.length < count; attempt++) {
    take(population.at(rng.int(population.size)));
  }
  if (chosen.length < count) {
    const start = rng.int(population.size);
    for (let offset = 0; offset < population.size && chosen.length < count; offset++) {
      take(population.at((start + offset) % population.size));
    }
  }
  return chosen;
}

/**
 * Up to `count` parents with distinct ids, fewer only when the archive keeps fewer than `count`
 * distinct entries (`distinct`): two-parent operators need two different programs, and the store
 * records each parent of a child once. Each parent comes from `draw`, redrawn a few times when it
 * repeats one already chosen; that keeps a draw O(1) on large archives. When the redraws keep
 * hitting chosen entries (one entry holds most of the weight, or the archive is tiny) `drawOther`
 * chooses among the entries not chosen yet, which it may do in O(n).
 */
export function drawParents(
  count: number,
  distinct: number,
  draw: () => ArchiveEntry,
  drawOther: (chosenIds: ReadonlySet<string>) => ArchiveEntry | undefined,
): ArchiveEntry[] {
  const chosen: ArchiveEntry[] = [];
  const chosenIds = new Set<string>();
  while (chosen.length < Math.min(count, distinct)) {
    let entry: ArchiveEntry | undefined = draw();
    for (let retry = 0; retry < 4 && chosenIds.has(entry.id); retry++) entry = draw();
    if (chosenIds.has(entry.id)) entry = drawOther(chosenIds);
    if (entry === undefined || chosenIds.has(entry.id)) break;
    chosen.push(entry);
    chosenIds.add(entry.id);
  }
  return chosen;
}
