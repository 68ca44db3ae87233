import { describe, expect, it } from 'vitest';
import { selectLineage } from './lineage-select.ts';
import type { PlotCandidate } from './plot.ts';

function candidate(seq: number, score: number | undefined, ...parents: number[]): PlotCandidate {
  return {
    id: `r-${seq}`,
    seq,
    parentIds: parents.map((parent) => `r-${parent}`),
    generation: 0,
    island: 0,
    status: score === undefined ? 'error' : 'ok',
    ...(score === undefined ? {} : { score }),
    features: {},
  };
}

describe('selectLineage', () => {
  // 0 -> 1 -> 2 -> 3 -> 4 (best), and 0 -> 5 (second), 2 -> 6 (failed)
  const run = [
    candidate(0, 0),
    candidate(1, 1, 0),
    candidate(2, 2, 1),
    candidate(3, 3, 2),
    candidate(4, 9, 3),
    candidate(5, 8, 0),
    candidate(6, undefined, 2),
  ];

  it('takes the top candidates and every ancestor, with the first-parent path to the best', () => {
    const lineage = selectLineage(run, 2, 100);
    expect(lineage?.best.id).toBe('r-4');
    expect(lineage?.top.map((node) => node.id)).toEqual(['r-4', 'r-5']);
    expect(lineage?.nodes.map((node) => node.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...(lineage?.path ?? [])].sort()).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
    expect(lineage?.edges.filter((edge) => edge.onPath)).toHaveLength(4);
    expect(lineage?.edges.every((edge) => edge.hidden === 0)).toBe(true);
  });

  it('folds single-child chains into counted edges when the tree is big', () => {
    const lineage = selectLineage(run, 2, 3);
    expect(lineage?.nodes.map((node) => node.seq)).toEqual([0, 4, 5]);
    expect(lineage?.edges).toEqual(
      expect.arrayContaining([
        { from: 'r-0', to: 'r-4', hidden: 3, onPath: true },
        { from: 'r-0', to: 'r-5', hidden: 0, onPath: false },
      ]),
    );
    expect(lineage?.total).toBe(6);
  });

  it('keeps branch points when folding', () => {
    const branched = [...run, candidate(7, 7, 2)];
    const lineage = selectLineage(branched, 3, 3);
    expect(lineage?.nodes.map((node) => node.seq)).toEqual([0, 2, 4, 5, 7]);
    expect(lineage?.edges.find((edge) => edge.to === 'r-2')).toEqual({ from: 'r-0', to: 'r-2', hidden: 1, onPath: true });
  });

  it('breaks score ties by candidate id, as `ouro best` does, and needs an ok candidate', () => {
    const tied = [candidate(0, 1), candidate(10, 5, 0), candidate(9, 5, 0)];
    expect(selectLineage(tied, 1, 100)?.best.id).toBe('r-10');
    expect(selectLineage([candidate(0, undefined)], 5, 100)).toBeUndefined();
  });
});
