import { describe, expect, it } from 'vitest';
import type { DatasetInstance } from './dataset.ts';
import { drawMinibatch, splitCounts, splitDataset } from './splits.ts';

function instances(count: number): DatasetInstance[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `L${index + 1}`,
    line: index + 1,
    input: `q${index}`,
    target: String(index),
    row: {},
  }));
}

describe('splitCounts', () => {
  it('takes whole numbers as counts, test 0 when left out', () => {
    expect(splitCounts({ train: 4, val: 3, test: 2 }, 10, 'd.jsonl')).toEqual({ train: 4, val: 3, test: 2 });
    expect(splitCounts({ train: 4, val: 3 }, 10, 'd.jsonl')).toEqual({ train: 4, val: 3, test: 0 });
  });

  it('takes fractions of the dataset, rounded down', () => {
    expect(splitCounts({ train: 0.25, val: 0.25, test: 0.5 }, 10, 'd.jsonl')).toEqual({ train: 2, val: 2, test: 5 });
  });

  it('refuses a split larger than the dataset, with both sizes', () => {
    expect(() => splitCounts({ train: 40, val: 3 }, 30, 'd.jsonl')).toThrow('splits.train asks for 40 instances but d.jsonl holds 30');
  });

  it('refuses splits that together exceed the dataset, with every size', () => {
    expect(() => splitCounts({ train: 40, val: 30, test: 30 }, 80, 'd.jsonl')).toThrow(
      'splits ask for 40 train + 30 val + 30 test = 100 instances but d.jsonl holds 80',
    );
    expect(() => splitCounts({ train: 0.5, val: 0.4, test: 0.2 }, 80, 'd.jsonl')).toThrow('add up to more than 1');
  });

  it('refuses mixed counts and fractions, negative sizes and an empty train or val split', () => {
    expect(() => splitCounts({ train: 10, val: 0.5 }, 80, 'd.jsonl')).toThrow('mixes counts and fractions');
    expect(() => splitCounts({ train: -1, val: 2 }, 80, 'd.jsonl')).toThrow('splits.train: expected a count or a fraction, got -1');
    expect(() => splitCounts({ train: 0.01, val: 0.5 }, 20, 'd.jsonl')).toThrow('splits.train is empty (d.jsonl holds 20 instances)');
    expect(() => splitCounts({ train: 3, val: 0 }, 20, 'd.jsonl')).toThrow('splits.val is empty');
  });
});

describe('splitDataset', () => {
  it('cuts disjoint splits of the requested sizes from a seeded shuffle', () => {
    const all = instances(20);
    const splits = splitDataset(all, { train: 5, val: 6, test: 7 }, 3);
    expect([splits.train.length, splits.val.length, splits.test.length]).toEqual([5, 6, 7]);
    const ids = [...splits.train, ...splits.val, ...splits.test].map((instance) => instance.id);
    expect(new Set(ids).size).toBe(18);
    expect(splitDataset(all, { train: 5, val: 6, test: 7 }, 3)).toEqual(splits);
    expect(ids).not.toEqual(all.slice(0, 18).map((instance) => instance.id));
    const other = splitDataset(all, { train: 5, val: 6, test: 7 }, 4);
    expect(other.val.map((instance) => instance.id)).not.toEqual(splits.val.map((instance) => instance.id));
  });
});

describe('drawMinibatch', () => {
  const train = instances(30);

  it('draws the same distinct train instances for the same candidate id and seed', () => {
    const first = drawMinibatch(train, 3, 'run-7', 0);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((instance) => instance.id)).size).toBe(3);
    expect(drawMinibatch(train, 3, 'run-7', 0)).toEqual(first);
    for (const instance of first) expect(train).toContain(instance);
  });

  it('draws differently for other candidates and other seeds', () => {
    const draws = new Set(
      Array.from({ length: 10 }, (_, index) =>
        drawMinibatch(train, 3, `run-${index}`, 0)
          .map((i) => i.id)
          .join(),
      ),
    );
    expect(draws.size).toBeGreaterThan(5);
    const seeds = new Set(
      [0, 1, 2, 3, 4].map((seed) =>
        drawMinibatch(train, 3, 'run-1', seed)
          .map((i) => i.id)
          .join(),
      ),
    );
    expect(seeds.size).toBeGreaterThan(2);
  });

  it('takes the whole split when the minibatch is as large', () => {
    expect(drawMinibatch(train.slice(0, 4), 4, 'x', 0)).toEqual(train.slice(0, 4));
  });
});
