import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { FenwickTree } from './fenwick-tree.ts';

/** The index a linear scan over cumulative weights would pick for `target`. */
function scan(weights: number[], target: number): number {
  let sum = 0;
  for (let index = 0; index < weights.length; index++) {
    sum += weights[index]!;
    if (target < sum) return index;
  }
  return weights.length - 1;
}

describe('FenwickTree', () => {
  it('matches a linear scan through appends, updates and a rebuild', () => {
    const rng = Rng.fromSeed(1);
    const tree = new FenwickTree();
    const weights: number[] = [];
    for (let step = 0; step < 3000; step++) {
      if (weights.length > 0 && rng.next() < 0.3) {
        const index = rng.int(weights.length);
        weights[index] = rng.int(4);
        tree.set(index, weights[index]!);
      } else {
        weights.push(rng.int(4));
        tree.append(weights.at(-1)!);
      }
      if (step === 2000) tree.rebuild(Float64Array.from(weights));
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      expect(tree.total()).toBe(total);
      if (total > 0) {
        const target = rng.int(total) + 0.5;
        expect(tree.find(target)).toBe(scan(weights, target));
      }
    }
    expect(tree.size).toBe(weights.length);
  });

  it('never finds an entry of weight 0', () => {
    const tree = new FenwickTree();
    for (const weight of [0, 0, 1, 0, 0, 2, 0]) tree.append(weight);
    expect(tree.find(0)).toBe(2);
    expect(tree.find(0.999)).toBe(2);
    expect(tree.find(1)).toBe(5);
    expect(tree.find(2.999)).toBe(5);
  });

  it('refuses indices out of range', () => {
    const tree = new FenwickTree();
    tree.append(1);
    expect(() => tree.set(1, 2)).toThrow(RangeError);
    expect(() => new FenwickTree().find(0)).toThrow(RangeError);
  });
});
