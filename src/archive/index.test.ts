import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../core/experiment.ts';
import { makeEntry } from './archive.conformance.ts';
import { createArchive, DgmArchive, GreedyArchive, MapElitesArchive, ParetoArchive } from './index.ts';

/** The archive config as the schema fills it in, defaults included. */
function parsed(archive: unknown) {
  return experimentSchema.parse({ name: 'test', genome: ['a.js'], archive }).archive;
}

describe('createArchive', () => {
  const defaults = { features: [{ name: 'length', min: 0, max: 1000, bins: 10 }] };

  it('builds the kind the config names, with the schema defaults', () => {
    expect(createArchive(parsed(undefined), defaults)).toBeInstanceOf(DgmArchive);
    const greedy = createArchive(parsed({ kind: 'greedy' }), defaults);
    expect(greedy).toBeInstanceOf(GreedyArchive);
    for (let seq = 0; seq < 15; seq++) greedy.add(makeEntry(seq, seq));
    expect(greedy.size()).toBe(10);
  });

  it('gives MAP-Elites the default axes when the config has none', () => {
    const archive = createArchive(parsed({ kind: 'map-elites' }), defaults) as MapElitesArchive;
    expect(archive).toBeInstanceOf(MapElitesArchive);
    expect(archive.cellOf(makeEntry(1, 0, { features: { length: 250 } }))).toEqual([2]);
    archive.add(makeEntry(0, 0));
    expect(archive.size()).toBe(4);
  });

  it('prefers the axes the config gives', () => {
    const features = [{ name: 'lines', min: 0, max: 10, bins: 5 }];
    const archive = createArchive(parsed({ kind: 'map-elites', features, islands: 2 }), defaults) as MapElitesArchive;
    expect(archive.cellOf(makeEntry(1, 0, { features: { length: 250, lines: 9 } }))).toEqual([4]);
    archive.add(makeEntry(0, 0));
    expect(archive.size()).toBe(2);
  });

  it('builds a Pareto archive, with scoreAsInstance off unless the config turns it on', () => {
    expect(parsed({ kind: 'pareto' })).toEqual({ kind: 'pareto', scoreAsInstance: false });
    const plain = createArchive(parsed({ kind: 'pareto' }), defaults);
    expect(plain).toBeInstanceOf(ParetoArchive);
    const withScore = createArchive(parsed({ kind: 'pareto', scoreAsInstance: true }), defaults);
    // Better on its one instance, worse overall: only the option keeps the higher score as well.
    for (const archive of [plain, withScore]) {
      archive.add(makeEntry(1, 0.9, { instances: { a: 0.5 } }));
      archive.add(makeEntry(2, 0.6, { instances: { a: 0.8 } }));
    }
    expect([plain.size(), withScore.size()]).toEqual([1, 2]);
  });

  it('calls an archive function with the initial genome, and returns what it builds', () => {
    const genome = { 'a.js': 'const a = 1;' };
    const seen: unknown[] = [];
    const archive = createArchive(
      parsed((context: unknown) => {
        seen.push(context);
        return new GreedyArchive({ k: 2 });
      }),
      { ...defaults, genome },
    );
    expect(seen).toEqual([{ genome }]);
    for (let seq = 0; seq < 5; seq++) archive.add(makeEntry(seq, seq));
    expect(archive.best()?.id).toBe('c-4');
    expect(archive.size()).toBe(2);
  });

  it('refuses what an archive function returns when it is not an archive, naming what it lacks', () => {
    expect(() => createArchive(() => ({ kind: 'half', add: () => true }) as never, defaults)).toThrow(
      'archive: the archive function returned an object, not an Archive: it lacks recordChild, selectParents, inspirations, best, size',
    );
    expect(() => createArchive(() => undefined as never, defaults)).toThrow(
      'archive: the archive function returned undefined, not an Archive',
    );
  });
});
