import { describe, expect, it } from 'vitest';
import { parseBudget } from './budget-flag.ts';

describe('parseBudget', () => {
  it('reads evaluations, durations and a target, comma-separated', () => {
    expect(parseBudget('2000')).toEqual({ evaluations: 2000 });
    expect(parseBudget('90s')).toEqual({ wallTimeMs: 90_000 });
    expect(parseBudget('5000, 10m,target=2.63')).toEqual({ evaluations: 5000, wallTimeMs: 600_000, targetScore: 2.63 });
    expect(parseBudget('1h')).toEqual({ wallTimeMs: 3_600_000 });
  });

  it('reads token and money caps', () => {
    expect(parseBudget('tokens=200000,$2.5')).toEqual({ tokens: 200_000, costUsd: 2.5 });
    expect(parseBudget('cost=5,100')).toEqual({ costUsd: 5, evaluations: 100 });
    expect(() => parseBudget('tokens=lots')).toThrow('tokens needs a whole number');
    expect(() => parseBudget('$-1')).toThrow('positive number of US dollars');
  });

  it('names the part it cannot read', () => {
    expect(() => parseBudget('lots')).toThrow('option --budget: "lots"');
    expect(() => parseBudget('0')).toThrow('at least 1');
    expect(() => parseBudget('target=high')).toThrow('target needs a number');
  });
});
