import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { medianAndDeviation } from './median.ts';

function bySorting(values: number[]): { median: number; deviation: number } {
  const median = (list: number[]): number => {
    const sorted = [...list].sort((left, right) => left - right);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  const center = median(values);
  return { median: center + 0, deviation: median(values.map((value) => Math.abs(value - center))) };
}

describe('medianAndDeviation', () => {
  it('handles tiny inputs', () => {
    const of = (values: number[]) => medianAndDeviation(Float64Array.from(values));
    expect(of([])).toEqual({ median: 0, deviation: 0 });
    expect(of([3])).toEqual({ median: 3, deviation: 0 });
    expect(of([4, 1])).toEqual({ median: 2.5, deviation: 1.5 });
    expect(of([1, 2, 3, 4, 100])).toEqual({ median: 3, deviation: 1 });
  });

  it('agrees with sorting on random, tied, sorted and reversed inputs', () => {
    const rng = Rng.fromSeed(1);
    const inputs: number[][] = [];
    for (const length of [2, 3, 10, 101, 1000, 4096]) {
      const random = Array.from({ length }, () => rng.gaussian());
      inputs.push(
        random,
        random.map((value) => Math.round(value)),
        [...random].sort((a, b) => a - b),
      );
      inputs.push(
        [...random].sort((a, b) => b - a),
        Array.from({ length }, () => 7),
      );
    }
    for (const values of inputs) expect(medianAndDeviation(Float64Array.from(values))).toEqual(bySorting(values));
  });

  it('leaves its input unchanged', () => {
    const values = Float64Array.from([5, 1, 4, 2, 3]);
    medianAndDeviation(values);
    expect([...values]).toEqual([5, 1, 4, 2, 3]);
  });
});
