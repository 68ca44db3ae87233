import { describe, expect, it } from 'vitest';
import { bestPerCell } from './grid-cells.ts';
import type { PlotCandidate } from './plot.ts';

const axis = { name: 'spread', min: 0, max: 5, bins: 5 };

function candidate(seq: number, island: number, score: number | undefined, features: Record<string, number>): PlotCandidate {
  return {
    id: `r-${seq}`,
    seq,
    parentIds: seq === 0 ? [] : ['r-0'],
    generation: 0,
    island,
    status: score === undefined ? 'error' : 'ok',
    ...(score === undefined ? {} : { score }),
    features,
  };
}

describe('bestPerCell', () => {
  it('keeps the best ok score of each cell on each island, the initial candidate on every island', () => {
    const grids = bestPerCell(
      [
        candidate(0, 0, 1, { spread: 0.5 }),
        candidate(1, 0, 3, { spread: 0.7 }),
        candidate(2, 0, 2, { spread: 0.9 }),
        candidate(3, 1, 5, { spread: 4.2 }),
        candidate(4, 1, undefined, { spread: 2 }),
      ],
      [axis],
      2,
    );
    expect([...(grids[0]?.scores ?? [])]).toEqual([3, NaN, NaN, NaN, NaN]);
    expect(grids[0]?.ids[0]).toBe('r-1');
    expect([...(grids[1]?.scores ?? [])]).toEqual([1, NaN, NaN, NaN, 5]);
    expect(grids[1]?.ids[0]).toBe('r-0');
    expect(grids.map((grid) => grid.filled)).toEqual([1, 2]);
  });

  it('puts the second axis on rows', () => {
    const rows = { name: 'length', min: 0, max: 100, bins: 2 };
    const [grid] = bestPerCell([candidate(0, 0, 1, { spread: 3.5, length: 80 })], [axis, rows], 1);
    expect(grid?.scores.length).toBe(10);
    expect(grid?.scores[1 * 5 + 3]).toBe(1);
  });

  it('folds a third axis into rows instead of keeping only the best over it', () => {
    const rows = { name: 'length', min: 0, max: 100, bins: 2 };
    const depth = { name: 'depth', min: 0, max: 3, bins: 3 };
    const grids = bestPerCell(
      [candidate(0, 0, 1, { spread: 3.5, length: 80, depth: 0.5 }), candidate(1, 0, 4, { spread: 3.5, length: 80, depth: 2.5 })],
      [axis, rows, depth],
      1,
    );
    const [grid] = grids;
    expect(grid?.scores.length).toBe(5 * 2 * 3);
    // Same spread and length bins, different depth bins: two cells, rows 1 and 1 + 2 * 2.
    expect(grid?.scores[1 * 5 + 3]).toBe(1);
    expect(grid?.scores[(1 + 2 * 2) * 5 + 3]).toBe(4);
    expect(grid?.filled).toBe(2);
  });

  it('wraps an island number past the configured islands, as the archive does', () => {
    const [first, second] = bestPerCell([candidate(0, 0, 1, { spread: 0.5 }), candidate(1, 3, 2, { spread: 2.5 })], [axis], 2);
    expect(first?.filled).toBe(1);
    expect(second?.ids[2]).toBe('r-1');
  });
});
