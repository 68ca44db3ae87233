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
 * Calls `draw` `count` times. A repeated entry is redrawn a few times while other entries
 * exist, so crossover usually gets two different parents without the cost of sampling
 * without replacement.
 */
export function drawParents(count: number, distinct: number, draw: () => ArchiveEntry): ArchiveEntry[] {
  const chosen: ArchiveEntry[] = [];
  const chosenIds = new Set<string>();
  for (let index = 0; index < count; index++) {
    let entry = draw();
    for (let retry = 0; retry < 4 && chosenIds.has(entry.id) && chosenIds.size < distinct; retry++) {
      entry = draw();
    }
    chosen.push(entry);
    chosenIds.add(entry.id);
  }
  return chosen;
}
