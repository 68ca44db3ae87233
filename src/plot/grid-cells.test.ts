import { describe, expect, it } from 'vitest';
import { bestPerCell, binOf, gridAxes } from './grid-cells.ts';
import type { PlotCandidate } from './plot.ts';

const axis = { name: 'spread', min: 0, max: 5, bins: 5 };

function candidate(seq: number, island: number, score: number | undefined, features: Record<string, number>): PlotCandidate {
  return { id: `r-${seq}`, seq, parentIds: seq === 0 ? [] : ['r-0'], generation: 0, island, status: score === undefined ? 'error' : 'ok', ...(score === undefined ? {} : { score }), features };
}

describe('binOf', () => {
  it('bins between min and max and clamps outside values, as the archive does', () => {
    expect([-1, 0, 0.99, 1, 4.99, 5, 50].map((value) => binOf(axis, value))).toEqual([0, 0, 0, 1, 4, 4, 4]);
    expect(binOf(axis, undefined)).toBe(0);
    expect(binOf(axis, Number.NaN)).toBe(0);
  });
});

describe('bestPerCell', () => {
  it('keeps the best ok score of each cell on each island', () => {
    const grids = bestPerCell([
      candidate(0, 0, 1, { spread: 0.5 }),
      candidate(1, 0, 3, { spread: 0.7 }),
      candidate(2, 0, 2, { spread: 0.9 }),
      candidate(3, 1, 5, { spread: 4.2 }),
      candidate(4, 1, undefined, { spread: 2 }),
    ], [axis], 2);
    expect([...(grids[0]?.scores ?? [])]).toEqual([3, NaN, NaN, NaN, NaN]);
    expect(grids[0]?.ids[0]).toBe('r-1');
    expect([...(grids[1]?.scores ?? [])]).toEqual([NaN, NaN, NaN, NaN, 5]);
    expect(grids.map((grid) => grid.filled)).toEqual([1, 1]);
  });

  it('puts the second axis on rows', () => {
    const rows = { name: 'length', min: 0, max: 100, bins: 2 };
    const [grid] = bestPerCell([candidate(0, 0, 1, { spread: 3.5, length: 80 })], [axis, rows], 1);
    expect(grid?.scores.length).toBe(10);
    expect(grid?.scores[1 * 5 + 3]).toBe(1);
  });
});

describe('gridAxes', () => {
  it('uses the configured axes, or the engine default over the initial genome length', () => {
    expect(gridAxes([axis], [])).toEqual([axis]);
    expect(gridAxes(undefined, [candidate(0, 0, 1, { length: 201 })])).toEqual([{ name: 'length', min: 100, max: 402, bins: 10 }]);
    expect(gridAxes(undefined, [])).toEqual([]);
  });
});
