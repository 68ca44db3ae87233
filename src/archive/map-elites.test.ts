import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { makeEntry, runArchiveConformance } from './archive.conformance.ts';
import { MapElitesArchive, type MapElitesOptions } from './map-elites.ts';

function options(overrides: Partial<MapElitesOptions> = {}): MapElitesOptions {
  return {
    islands: 4,
    features: [{ name: 'x', min: 0, max: 100, bins: 100 }],
    migrationInterval: 50,
    migrationRate: 0.1,
    exploitation: 0.7,
    ...overrides,
  };
}

/** A non-initial entry on `island` whose feature x puts it in bin x of the default axis. */
function child(seq: number, score: number, island: number, x: number): ArchiveEntry {
  return makeEntry(seq, score, { island, features: { x } });
}

function ids(entries: readonly ArchiveEntry[]): string[] {
  return entries.map((entry) => entry.id);
}

runArchiveConformance('map-elites', () => new MapElitesArchive(options()));

describe('map-elites archive', () => {
  it('bins each axis, clamps out-of-range values and reads a missing feature as the minimum', () => {
    const archive = new MapElitesArchive(
      options({
        features: [
          { name: 'x', min: 0, max: 10, bins: 5 },
          { name: 'y', min: -1, max: 1, bins: 2 },
        ],
      }),
    );
    const cell = (features: Record<string, number>): number[] => archive.cellOf(makeEntry(1, 0, { features }));
    expect(cell({ x: 0, y: -1 })).toEqual([0, 0]);
    expect(cell({ x: 1.99, y: 0 })).toEqual([0, 1]);
    expect(cell({ x: 2, y: 0.99 })).toEqual([1, 1]);
    expect(cell({ x: 10, y: 1 })).toEqual([4, 1]);
    expect(cell({ x: -5, y: 9 })).toEqual([0, 1]);
    expect(cell({ y: Number.NaN })).toEqual([0, 0]);

    // Same x bin, different y bins: two cells; a third entry shares the first one's cell.
    expect(archive.add(child(1, 1, 0, 3))).toBe(true);
    expect(archive.add(makeEntry(2, 1, { features: { x: 3, y: 0.5 } }))).toBe(true);
    expect(archive.add(makeEntry(3, 0, { features: { x: 2.5 } }))).toBe(false);
    expect(archive.size()).toBe(2);
  });

  it('keeps the best entry per cell, the incumbent on a tie', () => {
    const archive = new MapElitesArchive(options());
    expect(archive.add(child(1, 1, 0, 10))).toBe(true);
    expect(archive.add(child(2, 0.5, 0, 10.5))).toBe(false);
    expect(archive.add(child(3, 1, 0, 10.9))).toBe(false);
    expect(ids(archive.elites(0))).toEqual(['c-1']);
    expect(archive.add(child(4, 2, 0, 10.2))).toBe(true);
    expect(ids(archive.elites(0))).toEqual(['c-4']);
    expect(archive.size()).toBe(1);
    expect(archive.best()?.id).toBe('c-4');
  });

  it('seeds every island with the initial entry, each copy naming its island', () => {
    const archive = new MapElitesArchive(options());
    expect(archive.add(makeEntry(0, 1))).toBe(true);
    expect(archive.size()).toBe(4);
    for (let island = 0; island < 4; island++) {
      expect(archive.elites(island).map((entry) => [entry.id, entry.island])).toEqual([['c-0', island]]);
    }
    const rng = Rng.fromSeed(1);
    const islands = new Set<number>();
    for (let draw = 0; draw < 100; draw++) islands.add(archive.selectParents(rng, 1)[0]!.island);
    expect([...islands].sort()).toEqual([0, 1, 2, 3]);
  });

  it('puts other entries on their island, modulo the island count', () => {
    const archive = new MapElitesArchive(options());
    archive.add(child(1, 1, 2, 5));
    archive.add(child(2, 1, 5, 5));
    expect(ids(archive.elites(2))).toEqual(['c-1']);
    expect(archive.elites(1).map((entry) => [entry.id, entry.island])).toEqual([['c-2', 1]]);
    expect(archive.elites(0)).toEqual([]);
  });

  it('migrates at exactly every interval, the top share of each island to the next in the ring', () => {
    const archive = new MapElitesArchive(options({ islands: 3, migrationInterval: 5, migrationRate: 0.5 }));
    for (let seq = 1; seq <= 4; seq++) archive.add(child(seq, seq, 0, seq));
    expect(archive.elites(1)).toEqual([]);
    archive.add(child(5, 10, 2, 50));
    // Island 0: ceil(0.5 * 4) = 2 best to island 1. Island 2: ceil(0.5 * 1) = 1 to island 0.
    // Island 1 was empty when the emigrants were chosen, so nothing reaches island 2.
    expect(archive.elites(1).map((entry) => [entry.id, entry.island])).toEqual([
      ['c-4', 1],
      ['c-3', 1],
    ]);
    expect(
      archive
        .elites(0)
        .map((entry) => [entry.id, entry.island])
        .at(-1),
    ).toEqual(['c-5', 0]);
    expect(ids(archive.elites(2))).toEqual(['c-5']);
    expect(archive.size()).toBe(4 + 1 + 2 + 1);

    for (let seq = 6; seq <= 9; seq++) archive.add(child(seq, 0, 0, seq + 10));
    expect(ids(archive.elites(2))).toEqual(['c-5']);
    archive.add(child(10, 0, 0, 30));
    // Island 1's two elites: ceil(0.5 * 2) = 1, its best, reaches island 2.
    expect(archive.elites(2).map((entry) => [entry.id, entry.island])).toEqual([
      ['c-5', 2],
      ['c-4', 2],
    ]);
  });

  it('does not migrate with a rate of 0 or a single island', () => {
    for (const overrides of [{ migrationRate: 0 }, { islands: 1 }]) {
      const archive = new MapElitesArchive(options({ ...overrides, migrationInterval: 2 }));
      for (let seq = 1; seq <= 10; seq++) archive.add(child(seq, seq, 0, seq));
      expect(archive.size()).toBe(10);
    }
  });

  it('picks the island best with probability exploitation, else a uniform elite', () => {
    const archive = new MapElitesArchive(options({ islands: 1, exploitation: 0.7 }));
    for (let seq = 1; seq <= 5; seq++) archive.add(child(seq, seq, 0, seq));
    const rng = Rng.fromSeed(2);
    let best = 0;
    for (let draw = 0; draw < 10_000; draw++) if (archive.selectParents(rng, 1)[0]!.id === 'c-5') best++;
    // 0.7 + 0.3 / 5 = 0.76
    expect(best).toBeGreaterThan(7400);
    expect(best).toBeLessThan(7800);
  });

  it('returns the copy of the island it chose, and crossover parents from two islands', () => {
    const archive = new MapElitesArchive(options({ islands: 3, migrationInterval: 4, migrationRate: 1, exploitation: 1 }));
    archive.add(makeEntry(0, 0));
    archive.add(child(1, 5, 0, 1));
    archive.add(child(2, 3, 1, 2));
    archive.add(child(3, 1, 2, 3));
    expect(archive.elites(1).find((entry) => entry.id === 'c-1')?.island).toBe(1);
    const islandBest = (island: number): number => Math.max(...archive.elites(island).map((entry) => entry.score));
    const rng = Rng.fromSeed(3);
    for (let draw = 0; draw < 200; draw++) {
      const [first, second] = archive.selectParents(rng, 2);
      expect(first!.island).not.toBe(second!.island);
      expect(second!.id).not.toBe(first!.id);
      for (const parent of [first!, second!]) expect(archive.elites(parent.island)).toContain(parent);
      // With exploitation 1 each parent is its island's best, unless that would repeat the
      // first parent: c-1 is the best of islands 0 and 1 after migration.
      expect(first!.score).toBe(islandBest(first!.island));
      if (islandBest(second!.island) !== first!.score) expect(second!.score).toBe(islandBest(second!.island));
    }
  });

  it('tracks the true top elites, however migration reshuffles them', () => {
    const archive = new MapElitesArchive(options({ islands: 4, migrationInterval: 3, migrationRate: 0.5 }));
    const rng = Rng.fromSeed(4);
    archive.add(makeEntry(0, 0));
    for (let seq = 1; seq <= 4000; seq++) {
      const [parent] = archive.selectParents(rng, 1);
      // Scores that regress to 0 keep displacing elites without new records at the top.
      archive.add(child(seq, Math.round((parent!.score / 2 + rng.gaussian()) * 4) / 4, parent!.island, rng.int(100)));
      if (seq % 50 !== 0) continue;
      const distinct = new Map<string, ArchiveEntry>();
      for (let island = 0; island < 4; island++) for (const elite of archive.elites(island)) distinct.set(elite.id, elite);
      const ranking = [...distinct.values()].sort((left, right) => right.score - left.score || left.seq - right.seq);
      const leaders = archive.leaders();
      expect(leaders.length * 2).toBeGreaterThanOrEqual(Math.min(64, ranking.length));
      expect(ids(leaders)).toEqual(ids(ranking.slice(0, leaders.length)));
      // The first ceil(count / 2) inspirations are the leaders.
      expect(ids(archive.inspirations(rng, 8, new Set())).slice(0, 4)).toEqual(ids(ranking.slice(0, 4)));
    }
  });

  it('refuses a malformed axis or island count, naming the field', () => {
    const build = (): MapElitesArchive => new MapElitesArchive(options({ features: [{ name: 'x', min: 1, max: 1, bins: 10 }] }));
    expect(build).toThrow(OuroError);
    expect(build).toThrow(/archive\.features\.0: axis x: max must be greater than min/);
    expect(() => new MapElitesArchive(options({ islands: 0 }))).toThrow(/archive\.islands: must be a positive integer/);
  });
});
