import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { makeEntry, runArchiveConformance } from './archive.conformance.ts';
import { GreedyArchive } from './greedy.ts';

runArchiveConformance('greedy', () => new GreedyArchive({ k: 10 }));

describe('greedy archive', () => {
  it('keeps exactly the top k of everything offered', () => {
    const archive = new GreedyArchive({ k: 7 });
    const rng = Rng.fromSeed(1);
    const offered = Array.from({ length: 300 }, (_, seq) => makeEntry(seq, Math.round(rng.gaussian() * 10)));
    for (const entry of offered) archive.add(entry);
    const expected = [...offered]
      .sort((left, right) => right.score - left.score || left.seq - right.seq)
      .slice(0, 7)
      .map((entry) => entry.id);
    expect(archive.size()).toBe(7);
    expect(archive.entries().map((entry) => entry.id)).toEqual(expected);
    expect(archive.best()?.id).toBe(expected[0]);
  });

  it('lets an earlier seq win a tie for the last place', () => {
    const archive = new GreedyArchive({ k: 3 });
    for (let seq = 0; seq < 3; seq++) expect(archive.add(makeEntry(seq, 1))).toBe(true);
    expect(archive.add(makeEntry(3, 1))).toBe(false);
    expect(archive.add(makeEntry(4, 0.5))).toBe(false);
    expect(archive.add(makeEntry(5, 2))).toBe(true);
    expect(archive.entries().map((entry) => entry.id)).toEqual(['c-5', 'c-0', 'c-1']);
  });

  it('draws parents uniformly among the kept', () => {
    const archive = new GreedyArchive({ k: 4 });
    for (let seq = 0; seq < 20; seq++) archive.add(makeEntry(seq, seq));
    const rng = Rng.fromSeed(2);
    const counts = new Map<string, number>();
    for (let draw = 0; draw < 8000; draw++) {
      const [parent] = archive.selectParents(rng, 1);
      counts.set(parent!.id, (counts.get(parent!.id) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['c-16', 'c-17', 'c-18', 'c-19']);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1800);
  });

  it('gives two different parents for crossover, each kept entry about equally often', () => {
    const archive = new GreedyArchive({ k: 5 });
    for (let seq = 0; seq < 5; seq++) archive.add(makeEntry(seq, seq));
    const rng = Rng.fromSeed(3);
    const counts = new Map<string, number>();
    for (let draw = 0; draw < 5000; draw++) {
      const [first, second] = archive.selectParents(rng, 2);
      expect(second!.id).not.toBe(first!.id);
      counts.set(second!.id, (counts.get(second!.id) ?? 0) + 1);
    }
    // Uniform without repeats: each entry is the second parent in a fifth of the draws.
    for (const count of counts.values()) expect(count).toBeGreaterThan(850);
    expect(counts.size).toBe(5);
  });

  it('refuses a k that is not a positive integer', () => {
    expect(() => new GreedyArchive({ k: 0 })).toThrow(/archive\.k: must be a positive integer/);
  });
});
