import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { makeEntry } from './archive.conformance.ts';
import { drawParents, pickInspirations, type Population } from './sampling.ts';

const entries = Array.from({ length: 1000 }, (_, seq) => makeEntry(seq, 1000 - seq));
const population: Population = { size: entries.length, at: (position) => entries[position]! };
const ids = (list: readonly { id: string }[]): string[] => list.map((entry) => entry.id);

describe('pickInspirations', () => {
  it('takes the top half from the ranking and the rest at random', () => {
    const chosen = ids(pickInspirations(Rng.fromSeed(1), 6, new Set(['c-1']), entries.slice(0, 10), population));
    expect(chosen.slice(0, 3)).toEqual(['c-0', 'c-2', 'c-3']);
    expect(chosen).toHaveLength(6);
    expect(new Set(chosen).size).toBe(6);
    expect(chosen).not.toContain('c-1');
  });

  it('still finds the few entries left when nearly everything is excluded', () => {
    const eligible = ['c-400', 'c-401', 'c-777'];
    const exclude = new Set(ids(entries).filter((id) => !eligible.includes(id)));
    const chosen = ids(pickInspirations(Rng.fromSeed(2), 5, exclude, entries.slice(0, 10), population));
    expect(chosen.sort()).toEqual(eligible);
  });

  it('returns nothing for a count of 0 or an empty population', () => {
    expect(pickInspirations(Rng.fromSeed(3), 0, new Set(), entries, population)).toEqual([]);
    expect(pickInspirations(Rng.fromSeed(3), 4, new Set(), [], { size: 0, at: () => entries[0]! })).toEqual([]);
  });
});

describe('drawParents', () => {
  const unused = (): never => {
    throw new Error('drawOther called while a redraw sufficed');
  };

  it('redraws a repeat a few times before it asks for another entry', () => {
    const sequence = [entries[0]!, entries[0]!, entries[0]!, entries[1]!];
    let next = 0;
    expect(ids(drawParents(2, 2, () => sequence[next++]!, unused))).toEqual(['c-0', 'c-1']);
    const asked: string[][] = [];
    const other = (chosenIds: ReadonlySet<string>) => {
      asked.push([...chosenIds]);
      return entries[2]!;
    };
    expect(ids(drawParents(2, 5, () => entries[0]!, other))).toEqual(['c-0', 'c-2']);
    expect(asked).toEqual([['c-0']]);
  });

  it('never repeats an entry: it returns fewer when the archive has no other', () => {
    expect(ids(drawParents(3, 1, () => entries[0]!, unused))).toEqual(['c-0']);
    expect(
      ids(
        drawParents(
          3,
          4,
          () => entries[0]!,
          () => undefined,
        ),
      ),
    ).toEqual(['c-0']);
    expect(
      ids(
        drawParents(
          3,
          4,
          () => entries[0]!,
          () => entries[0]!,
        ),
      ),
    ).toEqual(['c-0']);
  });
});
