import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { makeEntry, parentCounts, runArchiveConformance } from './archive.conformance.ts';
import { GreedyArchive } from './greedy.ts';
import { ParetoArchive } from './pareto.ts';

/** An entry scored on the given instances, its overall score their mean. */
function scored(seq: number, instances: Record<string, number>): ArchiveEntry {
  const values = Object.values(instances);
  return makeEntry(seq, values.reduce((sum, value) => sum + value, 0) / values.length, { instances });
}

function ids(entries: readonly ArchiveEntry[]): string[] {
  return entries.map((entry) => entry.id);
}

// Each entry is scored on one instance named after its feature x, so entries with different x
// all lead an instance and stay, as the suite needs; entries sharing an x compete on it.
runArchiveConformance('pareto', () => new ParetoArchive(), {
  prepareEntry: (entry) => ({ ...entry, instances: { [`x${entry.features.x}`]: entry.score } }),
});

describe('pareto archive', () => {
  it('keeps a specialist with a low mean as a parent, where a greedy archive drops it', () => {
    const generalists = [
      scored(1, { a: 0.9, b: 0.5 }),
      scored(2, { a: 0.85, b: 0.55 }),
      scored(3, { a: 0.8, b: 0.6 }),
      scored(4, { a: 0.75, b: 0.55 }),
    ];
    const specialist = scored(5, { a: 0.1, b: 0.95 });
    expect(specialist.score).toBeLessThan(Math.min(...generalists.map((entry) => entry.score)));
    const pareto = new ParetoArchive();
    const greedy = new GreedyArchive({ k: 3 });
    for (const entry of [...generalists, specialist]) {
      pareto.add(entry);
      greedy.add(entry);
    }

    expect(parentCounts(greedy, 2000, 1).has('c-5')).toBe(false);
    // c-1 leads a and the specialist leads b; the other generalists lead nothing.
    expect(ids(pareto.entries())).toEqual(['c-1', 'c-5']);
    const specialistDraws = parentCounts(pareto, 2000, 1).get('c-5') ?? 0;
    expect(specialistDraws / 2000).toBeGreaterThan(0.45);
    expect(specialistDraws / 2000).toBeLessThan(0.55);
    expect(ids(pareto.selectParents(Rng.fromSeed(2), 2)).sort()).toEqual(['c-1', 'c-5']);
    expect(ids(pareto.inspirations(Rng.fromSeed(3), 3, new Set(['c-1'])))).toEqual(['c-5']);
  });

  it('never selects a dominated entry, and selects in proportion to the instances led', () => {
    const archive = new ParetoArchive();
    // c-1 leads a alone until c-3 arrives: equal on a and d, better on b and c, so c-1 goes.
    expect(archive.add(scored(1, { a: 1, b: 0.5, c: 0.5, d: 0 }))).toBe(true);
    expect(archive.add(scored(2, { a: 0, b: 0, c: 0, d: 1 }))).toBe(true);
    expect(archive.add(scored(3, { a: 1, b: 1, c: 1, d: 0 }))).toBe(true);
    // Dominated on arrival (by c-3), and leading nothing: neither is kept.
    expect(archive.add(scored(4, { a: 1, b: 0.9, c: 1, d: 0 }))).toBe(false);
    expect(archive.add(scored(5, { a: 0.5, b: 0.5, c: 0.5, d: 0.5 }))).toBe(false);
    expect(archive.size()).toBe(2);
    expect([1, 2, 3, 4, 5].map((seq) => archive.instancesLed(`c-${seq}`))).toEqual([0, 1, 3, 0, 0]);

    const counts = parentCounts(archive, 8000, 4);
    expect([...counts.keys()].sort()).toEqual(['c-2', 'c-3']);
    // Binomial standard deviation about 0.005: three instances of four is 0.75 within 0.025.
    expect(Math.abs((counts.get('c-3') ?? 0) / 8000 - 0.75)).toBeLessThan(0.025);
  });

  it('keeps the non-dominated leaders, whatever order the entries arrive in', () => {
    const rng = Rng.fromSeed(5);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    // Three levels per instance give many ties, and entries that skip an instance.
    const entries = Array.from({ length: 40 }, (_, seq) => {
      const instances: Record<string, number> = {};
      for (const name of names) if (rng.next() < 0.85) instances[name] = rng.int(3) / 2;
      return makeEntry(seq, rng.next(), { instances });
    }).filter((entry) => Object.keys(entry.instances ?? {}).length > 0);
    const { front: expected, prunedLeaders } = bruteForceFront(entries);
    // The case exercises both rules: several entries stay, and some that lead an instance go.
    expect(expected.length).toBeGreaterThan(3);
    expect(prunedLeaders).toBeGreaterThan(0);
    for (let order = 0; order < 5; order++) {
      const archive = new ParetoArchive();
      for (const entry of rng.shuffle([...entries])) archive.add(entry);
      expect(ids(archive.entries()).sort()).toEqual(expected);
    }
  });

  it('counts an instance an entry was not scored on as its worst score there', () => {
    const archive = new ParetoArchive();
    archive.add(makeEntry(1, 1, { instances: { a: 1 } }));
    expect(archive.add(makeEntry(2, 0.5, { instances: { a: 1, b: 0 } }))).toBe(true);
    expect(ids(archive.entries())).toEqual(['c-2']);
  });

  it('keeps entries equal on every instance, each weighted by what it leads', () => {
    const archive = new ParetoArchive();
    archive.add(scored(1, { a: 1, b: 0 }));
    archive.add(scored(2, { a: 1, b: 0 }));
    archive.add(scored(3, { a: 0, b: 1 }));
    expect(archive.size()).toBe(3);
    // Each leads one instance: c-1 and c-2 share a, and c-3 took b from both.
    expect(['c-1', 'c-2', 'c-3'].map((id) => archive.instancesLed(id))).toEqual([1, 1, 1]);
    const counts = parentCounts(archive, 6000, 6);
    for (const id of ['c-1', 'c-2', 'c-3']) expect(Math.abs((counts.get(id) ?? 0) / 6000 - 1 / 3)).toBeLessThan(0.025);
  });

  it('scores entries without instances on their overall score alone, until one with instances arrives', () => {
    const archive = new ParetoArchive();
    expect(archive.add(makeEntry(1, 5))).toBe(true);
    expect(archive.add(makeEntry(2, 3))).toBe(false);
    expect(archive.add(makeEntry(3, 6))).toBe(true);
    // Non-finite instance scores are ignored: this one has none left, and 2 trails 6.
    expect(archive.add(makeEntry(4, 2, { instances: { a: Number.NaN } }))).toBe(false);
    expect(ids(archive.entries())).toEqual(['c-3']);
    // The first entry with instances: the bare ones lead nothing it is scored on, so they go.
    expect(archive.add(makeEntry(5, 1, { instances: { a: 1 } }))).toBe(true);
    expect(ids(archive.entries())).toEqual(['c-5']);
    // And no bare entry is kept after it, however high its score: a candidate a cascade stage
    // stopped (promptTask's minibatch gate) was never scored on the instances.
    expect(archive.add(makeEntry(6, 9))).toBe(false);
    expect(ids(archive.entries())).toEqual(['c-5']);
    expect(archive.instancesLed('c-5')).toBe(1);
  });

  it('keeps the same entries whatever order bare entries and entries with instances arrive in', () => {
    const entries = [
      makeEntry(1, 5),
      makeEntry(2, 0.5, { instances: { a: 1, b: 0 } }),
      makeEntry(3, 7),
      makeEntry(4, 0.5, { instances: { a: 0, b: 1 } }),
    ];
    const rng = Rng.fromSeed(4);
    for (let trial = 0; trial < 20; trial++) {
      const archive = new ParetoArchive();
      for (const entry of rng.shuffle([...entries])) archive.add(entry);
      expect(ids(archive.entries()).sort()).toEqual(['c-2', 'c-4']);
    }
  });

  it('with scoreAsInstance, a gated entry (a negative score, no instances) is dominated by any entry scoring 0 or more', () => {
    const archive = new ParetoArchive({ scoreAsInstance: true });
    expect(archive.add(makeEntry(1, 0.25, { instances: { a: 0, b: 0.5 } }))).toBe(true);
    expect(archive.add(makeEntry(2, -0.5))).toBe(false);
    expect(ids(archive.entries())).toEqual(['c-1']);
  });

  it('with scoreAsInstance keeps the best score even when its instances are dominated', () => {
    const high = makeEntry(1, 0.9, { instances: { a: 0.5 } });
    const better = makeEntry(2, 0.6, { instances: { a: 0.8 } });
    const plain = new ParetoArchive();
    const withScore = new ParetoArchive({ scoreAsInstance: true });
    for (const archive of [plain, withScore]) for (const entry of [high, better]) archive.add(entry);
    expect(ids(plain.entries())).toEqual(['c-2']);
    expect(ids(withScore.entries())).toEqual(['c-1', 'c-2']);
    expect(withScore.best()?.id).toBe('c-1');
  });

  it('refuses a scoreAsInstance that is not a boolean, naming the field', () => {
    expect(() => new ParetoArchive({ scoreAsInstance: 'yes' as never })).toThrow(/archive\.scoreAsInstance: must be true or false/);
  });
});

/**
 * By the definitions: the ids of the entries that lead an instance and that no entry dominates,
 * and how many entries lead an instance but are dominated.
 */
function bruteForceFront(entries: readonly ArchiveEntry[]): { front: string[]; prunedLeaders: number } {
  const scoreOn = (entry: ArchiveEntry, name: string): number => entry.instances?.[name] ?? Number.NEGATIVE_INFINITY;
  const names = [...new Set(entries.flatMap((entry) => Object.keys(entry.instances ?? {})))];
  const best = new Map(names.map((name) => [name, Math.max(...entries.map((entry) => scoreOn(entry, name)))]));
  const leads = (entry: ArchiveEntry): boolean => Object.entries(entry.instances ?? {}).some(([name, score]) => score === best.get(name));
  const dominates = (better: ArchiveEntry, worse: ArchiveEntry): boolean =>
    names.every((name) => scoreOn(better, name) >= scoreOn(worse, name)) &&
    names.some((name) => scoreOn(better, name) > scoreOn(worse, name));
  const leaders = entries.filter(leads);
  const front = leaders.filter((entry) => !entries.some((other) => dominates(other, entry)));
  return { front: ids(front).sort(), prunedLeaders: leaders.length - front.length };
}
