import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../core/experiment.ts';
import { makeEntry } from './archive.conformance.ts';
import { createArchive, DgmArchive, GreedyArchive, MapElitesArchive } from './index.ts';

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
});
