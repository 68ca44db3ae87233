import { describe, expect, it } from 'vitest';
import { passAtK } from './pass-at-k.ts';

/** The share of k-subsets of n replies (the first c correct) that hold a correct reply, by listing every subset. */
function bruteForce(n: number, c: number, k: number): number {
  let subsets = 0;
  let hits = 0;
  const visit = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      subsets++;
      if (chosen.some((reply) => reply < c)) hits++;
      return;
    }
    for (let reply = start; reply < n; reply++) visit(reply + 1, [...chosen, reply]);
  };
  visit(0, []);
  return hits / subsets;
}

describe('passAtK', () => {
  it('matches enumeration of every k-subset on all small cases', () => {
    for (let n = 1; n <= 9; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) expect(passAtK(n, c, k)).toBeCloseTo(bruteForce(n, c, k), 12);
      }
    }
  });

  it('is c / n at k = 1 and 0 or 1 at k = n', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 10)).toBe(1);
    expect(passAtK(10, 0, 10)).toBe(0);
    expect(passAtK(4, 1, 2)).toBeCloseTo(0.5, 12);
  });

  it('stays finite for large n, where the binomials would overflow', () => {
    const value = passAtK(2000, 3, 100);
    expect(value).toBeGreaterThan(0.14);
    expect(value).toBeLessThan(0.15);
  });

  it('refuses impossible arguments, naming the one at fault', () => {
    expect(() => passAtK(0, 0, 1)).toThrow(/n must/);
    expect(() => passAtK(5, 6, 1)).toThrow(/c must/);
    expect(() => passAtK(5, 1, 6)).toThrow(/k must/);
    expect(() => passAtK(5, 1, 0)).toThrow(/k must/);
  });
});
