import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { makeEntry, parentCounts, runArchiveConformance } from './archive.conformance.ts';
import { DgmArchive } from './dgm.ts';

runArchiveConformance('dgm', () => new DgmArchive({ lambda: 10 }));

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

describe('dgm archive', () => {
  it('weighs entries by the exact formula right after a recomputation', () => {
    const archive = new DgmArchive({ lambda: 3 });
    const rng = Rng.fromSeed(1);
    const added: ArchiveEntry[] = [];
    const children = new Map<string, number>();
    let seq = 0;
    // Grow well past 100 entries, so recomputations are ~1% apart, and stop on one.
    while (added.length < 1500 || archive.statistics().size !== archive.size()) {
      const entry = makeEntry(seq++, Math.round(rng.gaussian() * 20) / 4);
      archive.add(entry);
      added.push(entry);
      const parent = rng.pick(added);
      archive.recordChild([parent.id, parent.id]);
      children.set(parent.id, (children.get(parent.id) ?? 0) + 1);
    }
    const scores = added.map((entry) => entry.score);
    const center = median(scores);
    const deviation = median(scores.map((score) => Math.abs(score - center)));
    expect(archive.statistics()).toEqual({ median: center, deviation, scale: deviation, size: added.length });
    for (const entry of added) {
      const sigmoid = 1 / (1 + Math.exp((-3 * (entry.score - center)) / deviation));
      const expected = sigmoid / (1 + (children.get(entry.id) ?? 0));
      expect(archive.childCount(entry.id)).toBe(children.get(entry.id) ?? 0);
      expect(archive.weight(entry.id)).toBeCloseTo(expected, 12);
    }
  });

  it('recomputes its statistics exactly when the archive has grown by 1%', () => {
    const archive = new DgmArchive({ lambda: 10 });
    const rng = Rng.fromSeed(2);
    let recomputations = 0;
    for (let seq = 0; seq < 10_000; seq++) {
      const before = archive.statistics().size;
      archive.add(makeEntry(seq, rng.next()));
      const due = archive.size() - before >= Math.max(1, Math.ceil(before / 100));
      expect(archive.statistics().size).toBe(due ? archive.size() : before);
      if (due) recomputations++;
    }
    // Every add up to 100 entries, then one per 1% of growth: about 100 + ln(100) / ln(1.01).
    expect(recomputations).toBeGreaterThan(500);
    expect(recomputations).toBeLessThan(600);
  });

  it('floors a MAD of 0 so equal scores weigh 0.5 and a better one about 1', () => {
    const archive = new DgmArchive({ lambda: 10 });
    for (let seq = 0; seq < 5; seq++) archive.add(makeEntry(seq, 2));
    archive.add(makeEntry(5, 3));
    expect(archive.statistics()).toEqual({ median: 2, deviation: 0, scale: 1e-9 * (1 + 2), size: 6 });
    expect(archive.weight('c-0')).toBe(0.5);
    expect(archive.weight('c-5')).toBeCloseTo(1, 12);
    archive.add(makeEntry(6, 1));
    expect(archive.weight('c-6')).toBeCloseTo(0, 12);
  });

  it('chooses an entry with many children less often', () => {
    const archive = new DgmArchive({ lambda: 10 });
    for (let seq = 0; seq < 3; seq++) archive.add(makeEntry(seq, 1));
    for (let child = 0; child < 9; child++) archive.recordChild(['c-0']);
    const counts = parentCounts(archive, 21_000, 3);
    // Weights 0.05, 0.5, 0.5: expect about 1000, 10000 and 10000.
    expect(counts.get('c-0')).toBeGreaterThan(800);
    expect(counts.get('c-0')).toBeLessThan(1200);
    expect(counts.get('c-1')).toBeGreaterThan(9500);
    expect(counts.get('c-2')).toBeGreaterThan(9500);
  });

  it('chooses higher scores more often, in proportion to the sigmoid', () => {
    const archive = new DgmArchive({ lambda: 1 });
    for (let seq = 0; seq < 10; seq++) archive.add(makeEntry(seq, seq));
    const draws = 50_000;
    const counts = parentCounts(archive, draws, 4);
    // Median 4.5 and MAD 2.5; paired sigmoids sum to 1, so the weights total 5.
    for (let seq = 0; seq < 10; seq++) {
      const expected = draws / 5 / (1 + Math.exp(-(seq - 4.5) / 2.5));
      expect(counts.get(`c-${seq}`)).toBeGreaterThan(expected * 0.9);
      expect(counts.get(`c-${seq}`)).toBeLessThan(expected * 1.1);
    }
  });

  it('still selects well with 100,000 entries', () => {
    const archive = new DgmArchive({ lambda: 10 });
    const rng = Rng.fromSeed(5);
    let total = 0;
    for (let seq = 0; seq < 100_000; seq++) {
      const [parent] = archive.selectParents(rng, 1);
      if (parent !== undefined) archive.recordChild([parent.id]);
      const score = rng.gaussian();
      archive.add(makeEntry(seq, score));
      total += score;
    }
    expect(archive.size()).toBe(100_000);
    expect(archive.size() - archive.statistics().size).toBeLessThanOrEqual(1000);
    let selected = 0;
    const parents = archive.selectParents(rng, 3000);
    for (const parent of parents) selected += parent.score;
    expect(parents).toHaveLength(3000);
    // lambda 10 over a MAD of about 0.67 leaves almost only above-median parents.
    expect(selected / 3000).toBeGreaterThan(total / 100_000 + 0.5);
  });

  it('draws a second parent in proportion to weight among the others, even when the first holds almost all of it', () => {
    const archive = new DgmArchive({ lambda: 1 });
    for (let seq = 0; seq < 5; seq++) archive.add(makeEntry(seq, seq === 4 ? 100 : 0));
    // Children shrink c-0..c-3 to weights in the ratio 2 : 1 : 4 : 2, far below c-4's.
    const children = [999, 1999, 499, 999];
    children.forEach((count, seq) => {
      for (let child = 0; child < count; child++) archive.recordChild([`c-${seq}`]);
    });
    const small = [0, 1, 2, 3].map((seq) => archive.weight(`c-${seq}`)!);
    expect(archive.weight('c-4')! / small.reduce((sum, weight) => sum + weight)).toBeGreaterThan(300);
    const rng = Rng.fromSeed(12);
    const seconds = new Map<string, number>();
    const draws = 9000;
    for (let draw = 0; draw < draws; draw++) {
      const [first, second] = archive.selectParents(rng, 2);
      expect(second!.id).not.toBe(first!.id);
      if (first!.id === 'c-4') seconds.set(second!.id, (seconds.get(second!.id) ?? 0) + 1);
    }
    const total = [...seconds.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThan(draws * 0.99);
    const weightSum = small.reduce((sum, weight) => sum + weight);
    small.forEach((weight, seq) => {
      expect((seconds.get(`c-${seq}`) ?? 0) / total).toBeCloseTo(weight / weightSum, 1);
    });
  });

  it('refuses a lambda that is not positive', () => {
    expect(() => new DgmArchive({ lambda: 0 })).toThrow(/archive\.lambda: must be a positive number/);
  });
});
