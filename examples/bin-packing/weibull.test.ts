import { describe, expect, it } from 'vitest';
import { weibullInstances } from './weibull.ts';

describe('weibullInstances', () => {
  it('gives equal instances for equal seeds and different ones for different seeds', () => {
    expect(weibullInstances({ seed: 7, items: 200 })).toEqual(weibullInstances({ seed: 7, items: 200 }));
    expect(weibullInstances({ seed: 7, items: 200 })).not.toEqual(weibullInstances({ seed: 8, items: 200 }));
  });

  it("draws FunSearch's set by default: 5 instances of 5,000 integer items in [1, 100], capacity 100", () => {
    const instances = weibullInstances({ seed: 1 });
    expect(Object.keys(instances)).toEqual(['weibull_0', 'weibull_1', 'weibull_2', 'weibull_3', 'weibull_4']);
    let total = 0;
    let count = 0;
    const outside: number[] = [];
    for (const { capacity, items } of Object.values(instances)) {
      expect(capacity).toBe(100);
      expect(items).toHaveLength(5_000);
      for (const item of Array.from(items)) {
        if (!(Number.isInteger(item) && item >= 1 && item <= 100)) outside.push(item);
        total += item;
        count++;
      }
    }
    expect(outside).toEqual([]);
    // Weibull(45, 3) has mean 45 * Gamma(4/3) = 40.18; truncating to integers takes about 0.5
    // off. The standard error over 25,000 draws is about 0.09.
    expect(total / count).toBeGreaterThan(40.18 - 0.5 - 0.4);
    expect(total / count).toBeLessThan(40.18 - 0.5 + 0.4);
  });
});
