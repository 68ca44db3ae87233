import { describe, expect, it } from 'vitest';
import type { Archive } from '../core/archive.ts';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';

/** An entry for tests: id `c-<seq>`, feature `x` = seq mod 100, initial when seq is 0. */
export function makeEntry(seq: number, score: number, fields: Partial<ArchiveEntry> = {}): ArchiveEntry {
  return {
    id: `c-${seq}`,
    seq,
    score,
    island: 0,
    generation: seq === 0 ? 0 : 1,
    parentIds: seq === 0 ? [] : ['c-0'],
    features: { x: seq % 100 },
    ...fields,
  };
}

/** How often each id is drawn as the single parent. */
export function parentCounts(archive: Archive, draws: number, seed: number): Map<string, number> {
  const rng = Rng.fromSeed(seed);
  const counts = new Map<string, number>();
  for (let draw = 0; draw < draws; draw++) {
    const [parent] = archive.selectParents(rng, 1);
    counts.set(parent!.id, (counts.get(parent!.id) ?? 0) + 1);
  }
  return counts;
}

type Call = { kind: 'add'; entry: ArchiveEntry } | { kind: 'child'; parentIds: string[] };

/** Drives an archive as the engine does: select, record the child, add it when it scored. */
function simulate(archive: Archive, seed: number, steps: number): { log: string[]; history: Call[] } {
  const rng = Rng.fromSeed(seed);
  const outcomes = Rng.fromSeed(seed + 1);
  const log: string[] = [];
  const history: Call[] = [];
  const initial = makeEntry(0, 0);
  archive.add(initial);
  history.push({ kind: 'add', entry: initial });
  for (let seq = 1; seq <= steps; seq++) {
    const parents = archive.selectParents(rng, 1 + (seq % 2));
    const inspirations = archive.inspirations(rng, 3, new Set(parents.map((parent) => parent.id)));
    log.push([...parents, ...inspirations].map((entry) => `${entry.id}@${entry.island}`).join(' '));
    const parentIds = parents.map((parent) => parent.id);
    archive.recordChild(parentIds);
    history.push({ kind: 'child', parentIds });
    if (outcomes.next() < 0.2) continue;
    const first = parents[0] as ArchiveEntry;
    // Quarter-point scores give ties, and a shared median, often.
    const score = Math.round((first.score + outcomes.gaussian()) * 4) / 4;
    const entry = makeEntry(seq, score, {
      island: first.island,
      generation: first.generation + 1,
      parentIds,
      features: { x: outcomes.int(100) },
    });
    archive.add(entry);
    history.push({ kind: 'add', entry });
  }
  return { log, history };
}

function replay(archive: Archive, history: readonly Call[]): void {
  for (const call of history) {
    if (call.kind === 'add') archive.add(call.entry);
    else archive.recordChild(call.parentIds);
  }
}

function selections(archive: Archive, seed: number, rounds: number): string[] {
  const rng = Rng.fromSeed(seed);
  const lines: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const parents = archive.selectParents(rng, 1 + (round % 3));
    const inspirations = archive.inspirations(rng, 4, new Set([parents[0]?.id ?? '']));
    lines.push([...parents, ...inspirations].map((entry) => `${entry.id}@${entry.island}`).join(' '));
  }
  return lines;
}

function ids(entries: readonly ArchiveEntry[]): string[] {
  return entries.map((entry) => entry.id);
}

/** The archive, with every entry the suite offers it rewritten by `prepare` first. */
function preparing(archive: Archive, prepare: (entry: ArchiveEntry) => ArchiveEntry): Archive {
  return {
    kind: archive.kind,
    add: (entry) => archive.add(prepare(entry)),
    recordChild: (parentIds) => archive.recordChild(parentIds),
    selectParents: (rng, count) => archive.selectParents(rng, count),
    inspirations: (rng, count, exclude) => archive.inspirations(rng, count, exclude),
    best: () => archive.best(),
    size: () => archive.size(),
  };
}

export interface ConformanceOptions {
  /** Rewrites each entry before the suite offers it: gives it the data an archive keeps entries by (per-instance scores). */
  prepareEntry?: (entry: ArchiveEntry) => ArchiveEntry;
}

/**
 * The behaviour every archive shares. The factory's archive must keep at least ten entries
 * whose feature `x` values differ (for MAP-Elites: an axis `x` over [0, 100) with 100 bins;
 * for Pareto: `prepareEntry` scores each entry on an instance named after its `x`).
 */
export function runArchiveConformance(name: string, create: () => Archive, options: ConformanceOptions = {}): void {
  const prepare = options.prepareEntry;
  const factory = prepare === undefined ? create : () => preparing(create(), prepare);
  describe(`${name} archive: conformance`, () => {
    it('is empty before any add', () => {
      const archive = factory();
      const rng = Rng.fromSeed(1);
      expect(archive.size()).toBe(0);
      expect(archive.best()).toBeUndefined();
      expect(archive.selectParents(rng, 2)).toEqual([]);
      expect(archive.inspirations(rng, 3, new Set())).toEqual([]);
      expect(() => archive.recordChild(['unknown'])).not.toThrow();
    });

    it('returns the requested number of distinct parents, all from the archive, fewer only when it has fewer', () => {
      const archive = factory();
      for (let seq = 0; seq < 3; seq++) archive.add(makeEntry(seq, seq));
      const rng = Rng.fromSeed(2);
      for (const count of [1, 2, 3, 5]) {
        const parents = ids(archive.selectParents(rng, count));
        expect(parents).toHaveLength(Math.min(count, 3));
        expect(new Set(parents).size).toBe(parents.length);
        for (const id of parents) expect(['c-0', 'c-1', 'c-2']).toContain(id);
      }
      expect(archive.selectParents(rng, 0)).toEqual([]);
    });

    it('never gives the same parent twice while it holds one entry or two', () => {
      const single = factory();
      single.add(makeEntry(0, 1));
      // Scores far apart give one entry almost all of the weight where weights depend on scores.
      const pair = factory();
      pair.add(makeEntry(0, 0));
      pair.add(makeEntry(1, 1000));
      for (let seed = 0; seed < 200; seed++) {
        const rng = Rng.fromSeed(seed);
        expect(ids(single.selectParents(rng, 2))).toEqual(['c-0']);
        expect(ids(pair.selectParents(rng, 2)).sort()).toEqual(['c-0', 'c-1']);
        expect(ids(pair.selectParents(rng, 3)).sort()).toEqual(['c-0', 'c-1']);
      }
    });

    it('rejects non-finite scores and repeated ids', () => {
      const archive = factory();
      expect(archive.add(makeEntry(0, 1))).toBe(true);
      const size = archive.size();
      expect(archive.add(makeEntry(1, Number.NaN))).toBe(false);
      expect(archive.add(makeEntry(2, Number.POSITIVE_INFINITY))).toBe(false);
      expect(archive.add(makeEntry(0, 5))).toBe(false);
      expect(archive.size()).toBe(size);
      expect(archive.best()?.score).toBe(1);
    });

    it('finds the best score, earliest seq on ties', () => {
      const archive = factory();
      archive.add(makeEntry(0, 1));
      archive.add(makeEntry(1, 5));
      archive.add(makeEntry(2, 5));
      expect(archive.best()?.id).toBe('c-1');
      archive.add(makeEntry(3, 6));
      expect(archive.best()?.id).toBe('c-3');

      const simulated = factory();
      const { history } = simulate(simulated, 3, 600);
      const added = history.flatMap((call) => (call.kind === 'add' ? [call.entry] : []));
      const top = Math.max(...added.map((entry) => entry.score));
      const earliest = added.find((entry) => entry.score === top);
      expect(simulated.best()?.id).toBe(earliest?.id);
    });

    it('selects identically given identical calls and seeds', () => {
      const first = simulate(factory(), 4, 500).log;
      expect(simulate(factory(), 4, 500).log).toEqual(first);
      expect(simulate(factory(), 5, 500).log).not.toEqual(first);
    });

    it('selects after a replay of adds and children exactly as the original run', () => {
      const original = factory();
      const { history } = simulate(original, 6, 1200);
      const rebuilt = factory();
      replay(rebuilt, history);
      expect(rebuilt.size()).toBe(original.size());
      expect(rebuilt.best()).toEqual(original.best());
      expect(selections(rebuilt, 7, 60)).toEqual(selections(original, 7, 60));
    });

    it('takes all its randomness from the rng it is given', () => {
      const archive = factory();
      simulate(archive, 8, 200);
      expect(selections(archive, 9, 20)).toEqual(selections(archive, 9, 20));
    });

    it('gives distinct inspirations outside exclude, the best among them', () => {
      const archive = factory();
      simulate(archive, 10, 400);
      const rng = Rng.fromSeed(11);
      const best = archive.best() as ArchiveEntry;
      expect(ids(archive.inspirations(rng, 4, new Set()))).toContain(best.id);
      for (let round = 0; round < 50; round++) {
        const exclude = new Set(ids(archive.selectParents(rng, 2)));
        if (round % 2 === 0) exclude.add(best.id);
        const chosen = ids(archive.inspirations(rng, 1 + (round % 6), exclude));
        expect(chosen.length).toBeLessThanOrEqual(1 + (round % 6));
        expect(new Set(chosen).size).toBe(chosen.length);
        for (const id of chosen) expect(exclude.has(id)).toBe(false);
      }
    });

    it('gives every eligible entry when asked for more than it has', () => {
      const archive = factory();
      for (let seq = 0; seq < 6; seq++) archive.add(makeEntry(seq, seq % 3));
      const chosen = ids(archive.inspirations(Rng.fromSeed(12), 10, new Set(['c-4'])));
      expect(chosen.sort()).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-5']);
    });
  });
}
