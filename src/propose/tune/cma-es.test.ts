import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { CmaEs } from './cma-es.ts';
import { symmetricEigen } from './eigen.ts';

type Objective = (x: readonly number[]) => number;

const sphere: Objective = (x) => x.reduce((sum, value) => sum + value * value, 0);

/** A random rotation (Gram-Schmidt on gaussian columns), so the ellipsoid's axes are not the coordinate axes. */
function rotation(n: number, rng: Rng): number[][] {
  const columns: number[][] = [];
  while (columns.length < n) {
    let column = Array.from({ length: n }, () => rng.gaussian());
    for (const done of columns) {
      const dot = column.reduce((sum, value, index) => sum + value * (done[index] as number), 0);
      column = column.map((value, index) => value - dot * (done[index] as number));
    }
    const length = Math.hypot(...column);
    if (length > 1e-6) columns.push(column.map((value) => value / length));
  }
  return columns;
}

/** f(x) = sum 10^(6 (i-1)/(n-1)) (R x)_i²: condition number 1e6, axes rotated. */
function rotatedEllipsoid(n: number, seed: number): Objective {
  const r = rotation(n, Rng.fromSeed(seed));
  return (x) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const y = (r[i] as number[]).reduce((acc, value, j) => acc + value * (x[j] as number), 0);
      sum += 10 ** ((6 * i) / Math.max(1, n - 1)) * y * y;
    }
    return sum;
  };
}

/** Runs ask/tell until f reaches `target` or `limit` evaluations pass; returns evaluations used and the best f. */
function minimise(f: Objective, n: number, seed: number, target: number, limit: number) {
  const es = new CmaEs({ mean: new Array<number>(n).fill(1), sigma: 0.5 });
  const rng = Rng.fromSeed(seed);
  let best = Infinity;
  let evaluations = 0;
  while (evaluations < limit && best > target) {
    const x = es.ask(rng);
    const value = f(x);
    evaluations++;
    best = Math.min(best, value);
    es.tell(x, value);
  }
  return { evaluations, best, es };
}

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A v = lambda v for every pair, vectors orthonormal', () => {
    const rng = Rng.fromSeed(5);
    for (const n of [1, 2, 5, 12]) {
      const m = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.gaussian()));
      const a = m.map((row, i) => row.map((value, j) => value + (m[j]?.[i] as number)));
      const { values, vectors } = symmetricEigen(a);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          const av = (a[i] as number[]).reduce((sum, value, j) => sum + value * (vectors[j]?.[k] as number), 0);
          expect(av).toBeCloseTo((values[k] as number) * (vectors[i]?.[k] as number), 9);
        }
        for (let l = 0; l < n; l++) {
          const dot = vectors.reduce((sum, row) => sum + (row[k] as number) * (row[l] as number), 0);
          expect(dot).toBeCloseTo(k === l ? 1 : 0, 12);
        }
      }
    }
  });
});

describe('CmaEs', () => {
  // Budgets are about 2.5 times what these seeds used when the test was written (sphere: about 300, 900 and
  // 1,700 evaluations in 2, 5 and 10 dimensions; ellipsoid: about 860, 2,300 and 6,500).
  for (const [n, limit] of [
    [2, 1000],
    [5, 2000],
    [10, 4000],
  ] as const) {
    it(`minimises the ${n}-dimensional sphere to 1e-10 within ${limit} evaluations`, () => {
      for (const seed of [1, 2, 3]) {
        const { best, evaluations } = minimise(sphere, n, seed, 1e-10, limit);
        expect(best, `seed ${seed} after ${evaluations}`).toBeLessThanOrEqual(1e-10);
      }
    });
  }

  for (const [n, limit] of [
    [2, 2000],
    [5, 6000],
    [10, 16000],
  ] as const) {
    it(`minimises a rotated ${n}-dimensional ellipsoid (condition 1e6) to 1e-10 within ${limit} evaluations`, () => {
      for (const seed of [1, 2]) {
        const { best, evaluations } = minimise(rotatedEllipsoid(n, 100 + seed), n, seed, 1e-10, limit);
        expect(best, `seed ${seed} after ${evaluations}`).toBeLessThanOrEqual(1e-10);
      }
    });
  }

  it('is deterministic for a seed, and another seed takes another path', () => {
    const run = (seed: number) => minimise(sphere, 4, seed, 0, 300).es.status();
    expect(run(7)).toEqual(run(7));
    expect(run(8).mean).not.toEqual(run(7).mean);
  });

  it('depends only on the tells: the same points told again rebuild the same state', () => {
    const live = new CmaEs({ mean: [0.5, -2, 3], sigma: 0.3, scales: [1, 2, 0.5] });
    const rng = Rng.fromSeed(3);
    const told: Array<[number[], number]> = [];
    for (let i = 0; i < 40; i++) {
      const x = live.ask(rng);
      // Asks in between that are never told change nothing.
      live.ask(rng);
      const value = sphere(x);
      told.push([x, value]);
      live.tell(x, value);
    }
    const rebuilt = new CmaEs({ mean: [0.5, -2, 3], sigma: 0.3, scales: [1, 2, 0.5] });
    for (const [x, value] of told) rebuilt.tell(x, value);
    expect(rebuilt.status()).toEqual(live.status());
    expect(rebuilt.ask(Rng.fromSeed(9))).toEqual(live.ask(Rng.fromSeed(9)));
  });

  it('ends a generation every lambda tells and counts the tells within it', () => {
    const es = new CmaEs({ mean: [1, 2], sigma: 1 });
    expect(es.lambda).toBe(6);
    expect(es.mu).toBe(3);
    const rng = Rng.fromSeed(1);
    for (let i = 0; i < 5; i++) es.tell(es.ask(rng), i);
    expect(es.status()).toMatchObject({ generation: 0, told: 5, mean: [1, 2], sigma: 1 });
    es.tell(es.ask(rng), 5);
    expect(es.status()).toMatchObject({ generation: 1, told: 0 });
    expect(es.status().mean).not.toEqual([1, 2]);
  });

  it('tells failed evaluations (NaN) as the worst: they never move the mean', () => {
    const es = new CmaEs({ mean: [0, 0], sigma: 1 });
    const rng = Rng.fromSeed(4);
    const points = Array.from({ length: es.lambda }, () => es.ask(rng));
    // Only the first three (mu) are scored; the others fail.
    points.forEach((x, index) => es.tell(x, index < es.mu ? index : Number.NaN));
    const reference = new CmaEs({ mean: [0, 0], sigma: 1 });
    points.forEach((x, index) => reference.tell(x, index < es.mu ? index : 1e300));
    expect(es.status()).toEqual(reference.status());
  });

  it('clips a far-off told point, so one stale point cannot throw the search away', () => {
    const es = new CmaEs({ mean: [0, 0], sigma: 1 });
    const rng = Rng.fromSeed(2);
    es.tell([1e6, 1e6], -1);
    for (let i = 1; i < es.lambda; i++) es.tell(es.ask(rng), i);
    const { mean, sigma } = es.status();
    expect(Math.hypot(...mean)).toBeLessThan(3);
    expect(sigma).toBeLessThan(3);
  });

  it('reports convergence once the steps fall below what the mean can resolve', () => {
    const { es } = minimise((x) => sphere(x.map((value) => value - 0.3)), 2, 1, -1, 4000);
    expect(es.converged()).toBe(true);
    expect(es.status().mean[0]).toBeCloseTo(0.3, 10);
    expect(new CmaEs({ mean: [1], sigma: 1 }).converged()).toBe(false);
  });

  it('refuses bad settings and bad points with a message naming them', () => {
    expect(() => new CmaEs({ mean: [], sigma: 1 })).toThrow(/at least one coordinate/);
    expect(() => new CmaEs({ mean: [1], sigma: 0 })).toThrow(/sigma 0/);
    expect(() => new CmaEs({ mean: [1, 2], sigma: 1, scales: [1] })).toThrow(/scales/);
    expect(() => new CmaEs({ mean: [Number.NaN], sigma: 1 })).toThrow(/not finite/);
    const es = new CmaEs({ mean: [1, 2], sigma: 1 });
    expect(() => es.tell([1], 0)).toThrow(/1 coordinates, expected 2/);
    expect(() => es.tell([1, Number.POSITIVE_INFINITY], 0)).toThrow(/not finite/);
  });
});
