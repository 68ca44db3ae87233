import type { Archive, FeatureAxis } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { FeatureGrid, homeIslands } from '../core/feature-grid.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { compareEntries, Leaderboard } from './ranking.ts';
import { pickInspirations } from './sampling.ts';

export interface MapElitesOptions {
  islands: number;
  features: readonly FeatureAxis[];
  /** Migrate after every this many calls to `add`. */
  migrationInterval: number;
  /** Share of each island's elites copied to the next island at migration. */
  migrationRate: number;
  /** Probability of choosing the island's best elite instead of a random one. */
  exploitation: number;
}

interface Island {
  /** Occupied cells' elites, in the order the cells were first filled. */
  elites: ArchiveEntry[];
  /** Cell number -> position in `elites`. */
  positions: Map<number, number>;
  best: ArchiveEntry | undefined;
}

/**
 * A MAP-Elites grid per island, islands joined in a ring by periodic migration.
 *
 * The archive stores its own copy of an entry for each island that holds it, with `island`
 * set to that island: the initial entry seeds every island and migrants keep their id, so
 * `selectParents` returns the copy of the island it chose and the engine puts the child there.
 *
 * @example
 * const archive = new MapElitesArchive({
 *   islands: 4, features: [{ name: 'length', min: 0, max: 4000, bins: 10 }],
 *   migrationInterval: 50, migrationRate: 0.1, exploitation: 0.7,
 * });
 */
export class MapElitesArchive implements Archive {
  readonly kind = 'map-elites';
  private readonly options: MapElitesOptions;
  private readonly grid: FeatureGrid;
  private readonly islands: Island[];
  /** Islands with at least one elite, in the order they got it; cells never empty again. */
  private readonly nonEmpty: number[] = [];
  /** How many cells, over all islands, hold each id. */
  private readonly holders = new Map<string, number>();
  private readonly leaderboard = new Leaderboard(64);
  private occupied = 0;
  private addCalls = 0;

  constructor(options: MapElitesOptions) {
    const invalid = (field: string): OuroError =>
      new OuroError('config-invalid', `archive.${field}: must be a positive integer`, { field: `archive.${field}` });
    if (!Number.isInteger(options.islands) || options.islands < 1) throw invalid('islands');
    if (!Number.isInteger(options.migrationInterval) || options.migrationInterval < 1) throw invalid('migrationInterval');
    this.grid = new FeatureGrid(options.features);
    this.options = { ...options, features: [...options.features] };
    this.islands = Array.from({ length: options.islands }, () => ({ elites: [], positions: new Map(), best: undefined }));
  }

  /**
   * The initial entry (no parents) seeds every island; any other goes to `entry.island`,
   * taken modulo the number of islands.
   */
  add(entry: ArchiveEntry): boolean {
    this.addCalls++;
    let kept = false;
    if (Number.isFinite(entry.score) && !this.holders.has(entry.id)) {
      for (const island of homeIslands(entry.island, entry.parentIds.length === 0, this.islands.length))
        kept = this.place(island, entry) || kept;
    }
    if (this.addCalls % this.options.migrationInterval === 0) this.migrate();
    this.refillLeaderboard();
    return kept;
  }

  /** Children do not change a MAP-Elites choice. */
  recordChild(): void {}

  /**
   * Picks an island uniformly among non-empty ones, then its best elite with probability
   * `exploitation`, else a uniform elite. Further parents come from islands not yet used
   * when there are any, so crossover mixes islands. Parents are distinct: fewer than `count`
   * come back only when the archive holds fewer distinct elites.
   */
  selectParents(rng: Rng, count: number): ArchiveEntry[] {
    const chosen: ArchiveEntry[] = [];
    if (this.nonEmpty.length === 0) return chosen;
    const usedIslands = new Set<number>();
    const chosenIds = new Set<string>();
    for (let index = 0; index < count; index++) {
      const unused = usedIslands.size === 0 ? this.nonEmpty : this.nonEmpty.filter((island) => !usedIslands.has(island));
      const island = this.islands[rng.pick(unused.length > 0 ? unused : this.nonEmpty)] as Island;
      let entry: ArchiveEntry | undefined =
        rng.next() < this.options.exploitation ? (island.best as ArchiveEntry) : rng.pick(island.elites);
      if (chosenIds.has(entry.id)) entry = this.another(rng, island, chosenIds) ?? this.elsewhere(rng, chosenIds);
      if (entry === undefined) break;
      chosen.push(entry);
      usedIslands.add(entry.island);
      chosenIds.add(entry.id);
    }
    return chosen;
  }

  inspirations(rng: Rng, count: number, exclude: ReadonlySet<string>): ArchiveEntry[] {
    return pickInspirations(rng, count, exclude, this.leaderboard.entries, {
      size: this.occupied,
      at: (position) => this.eliteAt(position),
    });
  }

  best(): ArchiveEntry | undefined {
    let best: ArchiveEntry | undefined;
    for (const island of this.islands) {
      if (island.best !== undefined && (best === undefined || compareEntries(island.best, best) < 0)) best = island.best;
    }
    return best;
  }

  /** Occupied cells over all islands. */
  size(): number {
    return this.occupied;
  }

  /** One island's elites, in the order their cells were first filled. */
  elites(island: number): readonly ArchiveEntry[] {
    return this.islands[island]?.elites ?? [];
  }

  /**
   * The best distinct elites over all islands, best first: an exact prefix of the ranking,
   * at least half of min(64, distinct elites) long. For dashboards and tests.
   */
  leaders(): readonly ArchiveEntry[] {
    return this.leaderboard.entries;
  }

  /** The entry's bin on each feature axis (see `FeatureGrid.binsOf`). */
  cellOf(entry: ArchiveEntry): number[] {
    return this.grid.binsOf(entry.features);
  }

  /** Puts the entry in its cell on one island if the cell is empty or holds a lower score. */
  private place(islandIndex: number, entry: ArchiveEntry): boolean {
    const island = this.islands[islandIndex] as Island;
    const cell = this.grid.cellOf(entry.features);
    const copy = onIsland(entry, islandIndex);
    const position = island.positions.get(cell);
    let displaced: ArchiveEntry | undefined;
    if (position === undefined) {
      island.positions.set(cell, island.elites.length);
      island.elites.push(copy);
      this.occupied++;
      if (island.elites.length === 1) this.nonEmpty.push(islandIndex);
    } else {
      displaced = island.elites[position] as ArchiveEntry;
      if (!(entry.score > displaced.score)) return false;
      island.elites[position] = copy;
    }
    const arriving = !this.holders.has(copy.id);
    this.holders.set(copy.id, (this.holders.get(copy.id) ?? 0) + 1);
    const departing = displaced !== undefined && this.release(displaced.id);
    if (arriving && departing) this.leaderboard.replace((displaced as ArchiveEntry).id, copy);
    else if (arriving) this.leaderboard.offer(copy);
    else if (departing) this.leaderboard.remove((displaced as ArchiveEntry).id);
    if (island.best === undefined || compareEntries(copy, island.best) < 0) island.best = copy;
    return true;
  }

  /** Drops one cell's hold on `id`; returns whether that was its last cell. */
  private release(id: string): boolean {
    const holders = (this.holders.get(id) ?? 1) - 1;
    if (holders > 0) {
      this.holders.set(id, holders);
      return false;
    }
    this.holders.delete(id);
    return true;
  }

  /**
   * A uniform elite of the island not yet chosen: crossover needs two different programs, and
   * the initial entry and migrants sit on several islands. Rejection is O(1) on a crowded
   * island; the sweep from a random start settles small ones.
   */
  private another(rng: Rng, island: Island, chosenIds: ReadonlySet<string>): ArchiveEntry | undefined {
    const elites = island.elites;
    for (let retry = 0; retry < 4; retry++) {
      const entry = rng.pick(elites);
      if (!chosenIds.has(entry.id)) return entry;
    }
    const start = rng.int(elites.length);
    for (let offset = 0; offset < elites.length; offset++) {
      const entry = elites[(start + offset) % elites.length] as ArchiveEntry;
      if (!chosenIds.has(entry.id)) return entry;
    }
    return undefined;
  }

  /**
   * A uniform elite of any island not yet chosen, for when the chosen island holds nothing else:
   * early in a run most islands hold only the initial entry. O(occupied cells).
   */
  private elsewhere(rng: Rng, chosenIds: ReadonlySet<string>): ArchiveEntry | undefined {
    const rest = this.islands.flatMap((island) => island.elites.filter((elite) => !chosenIds.has(elite.id)));
    return rest.length === 0 ? undefined : rng.pick(rest);
  }

  /**
   * Copies each island's top ceil(rate x occupied cells) elites to the next island in the
   * ring. All emigrants are chosen before any arrives, so an elite moves one step per
   * migration rather than travelling round the ring at once.
   */
  private migrate(): void {
    const count = this.islands.length;
    if (count < 2) return;
    const emigrants = this.islands.map((island) => {
      const share = Math.ceil(this.options.migrationRate * island.elites.length);
      return share === 0 ? [] : [...island.elites].sort(compareEntries).slice(0, share);
    });
    emigrants.forEach((entries, source) => {
      for (const entry of entries) this.place((source + 1) % count, entry);
    });
  }

  /**
   * A migrant that displaces the last copy of an entry shrinks the leaderboard without
   * bringing a new id; once it has shrunk below half, rebuilding it from every elite
   * restores it (O(cells), and rare).
   */
  private refillLeaderboard(): void {
    const wanted = Math.min(this.leaderboard.capacity, this.holders.size);
    if (this.leaderboard.size * 2 >= wanted) return;
    this.leaderboard.clear();
    for (const island of this.islands) for (const elite of island.elites) this.leaderboard.offer(elite);
  }

  private eliteAt(position: number): ArchiveEntry {
    let remaining = position;
    for (const island of this.islands) {
      if (remaining < island.elites.length) return island.elites[remaining] as ArchiveEntry;
      remaining -= island.elites.length;
    }
    throw new RangeError(`map-elites: elite ${position} out of range`);
  }
}

/** The archive's own record of an entry on an island; it keeps only the entry's fields. */
function onIsland(entry: ArchiveEntry, island: number): ArchiveEntry {
  if (entry.island === island) return entry;
  const { id, seq, score, generation, parentIds, features } = entry;
  return { id, seq, score, island, generation, parentIds, features };
}
