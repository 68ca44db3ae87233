import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselines } from './baselines.ts';
import { readInstancesFile } from './instances-file.ts';
import { type PriorityFunction, bestFit, excess, firstFit, l1Bound, packInstances, packOnline } from './packing.ts';

describe('packOnline', () => {
  // Capacity 10, items 4, 7, 3, 6.
  // First fit: 4 -> A (6 left), 7 -> B (3 left), 3 -> A (3 left), 6 fits nowhere -> C: 3 bins.
  // Best fit:  4 -> A (6 left), 7 -> B (3 left), 3 -> B (0 left), 6 -> A (0 left):     2 bins.
  const items = [4, 7, 3, 6];

  it('packs a hand-made instance with first fit and best fit as counted by hand', () => {
    expect(packOnline(items, 10, firstFit)).toBe(3);
    expect(packOnline(items, 10, bestFit)).toBe(2);
  });

  it('gives ties to the earliest bin', () => {
    // Two bins with 4 left each tie for the 3 (the empty bin offered last ties too); the next call shows which took it.
    const calls: number[][] = [];
    const constant: PriorityFunction = (item, bins) => {
      calls.push([item, ...bins]);
      return new Array<number>(bins.length).fill(1);
    };
    expect(packOnline([6, 6, 3, 1], 10, constant)).toBe(2);
    expect(calls).toEqual([
      [6, 10],
      [6, 10],
      [3, 4, 4, 10],
      [1, 1, 4, 10],
    ]);
  });

  it('offers the open bins that can hold the item, then one empty bin', () => {
    const calls: number[][] = [];
    const spy: PriorityFunction = (item, bins) => {
      calls.push([item, ...bins]);
      return bestFit(item, bins);
    };
    expect(packOnline([6, 6, 3], 10, spy)).toBe(2);
    expect(calls).toEqual([
      [6, 10],
      [6, 10],
      [3, 4, 4, 10],
    ]);
  });

  it('is not fooled by a priority function that writes into the array it is given', () => {
    const scribbler: PriorityFunction = (item, bins) => {
      const scores = bestFit(item, bins);
      bins.fill(1000);
      return scores;
    };
    expect(packOnline(items, 10, scribbler)).toBe(2);
  });

  it.each([
    ['too few values', () => [0, 0, 0], 'priority returned 3 values for 6 bins for item 5 (size 1)'],
    ['a NaN', () => [0, 0, Number.NaN, 0, 0, 0], 'priority[2] is NaN for item 5 (size 1)'],
    ['an Infinity', () => [0, Infinity, 0, 0, 0, 0], 'priority[1] is Infinity'],
    ['a string', () => [0, 0, 0, '1', 0, 0], 'priority[3] is a string'],
    ['nothing', () => undefined, 'priority returned undefined for item 5 (size 1), expected an array of 6 numbers'],
    ['a plain number', () => 3, 'priority returned a number'],
  ])('rejects a priority function that returns %s', (_label, answer, message) => {
    // Five items of 6 open five bins (answering [0] picks the one empty bin offered); the item of
    // size 1 then sees five bins with 4 left and the empty one: six bins.
    const broken = ((_item: number, bins: Float64Array) => (bins.length === 1 ? [0] : answer())) as unknown as PriorityFunction;
    expect(() => packOnline([6, 6, 6, 6, 6, 1], 10, broken)).toThrow(message);
  });

  it('accepts typed arrays and plain arrays as answers', () => {
    const plain: PriorityFunction = (item, bins) => Array.from(bins, (remaining) => item - remaining);
    expect(packOnline(items, 10, plain)).toBe(2);
  });

  it('rejects items that do not fit an empty bin', () => {
    expect(() => packOnline([3, 11], 10, bestFit)).toThrow('item 1 is 11, expected a size in (0, 10]');
  });
});

describe('l1Bound and excess', () => {
  it('rounds the total size up to whole bins', () => {
    expect(l1Bound([4, 7, 3, 6], 10)).toBe(2);
    expect(l1Bound([4, 7, 3, 6, 1], 10)).toBe(3);
  });

  it('is a ratio of means, not a mean of ratios', () => {
    // A: first fit uses 3 bins, L1 = 2. B: four 9s need 4 bins, L1 = ceil(36 / 10) = 4.
    // (mean bins - mean L1) / mean L1 = (3.5 - 3) / 3 = 1/6; the mean of ratios would be 1/4.
    const instances = { a: { capacity: 10, items: [4, 7, 3, 6] }, b: { capacity: 10, items: [9, 9, 9, 9] } };
    expect(excess(instances, firstFit)).toBeCloseTo(1 / 6, 12);
    expect(packInstances(instances, firstFit).perInstance).toEqual({ a: { bins: 3, l1: 2 }, b: { bins: 4, l1: 4 } });
  });

  it('names the instance when its priority function fails', () => {
    const broken: PriorityFunction = () => [];
    expect(() => excess({ small: { capacity: 10, items: [6, 1] } }, broken)).toThrow(
      'instance small: priority returned 0 values for 1 bins',
    );
  });
});

const repositoryRoot = resolve(import.meta.dirname, '../..');
const funSearchFile = resolve(repositoryRoot, '../shared/data/binpacking-weibull-5k.json');
const haveFunSearchFile = existsSync(funSearchFile);

describe("FunSearch's Weibull 5k set", () => {
  it.skipIf(!haveFunSearchFile)(
    haveFunSearchFile
      ? 'reproduces the published baselines: first fit 4.23%, best fit 3.98%'
      : `reproduces the published baselines (skipped: expects FunSearch's file at ${funSearchFile})`,
    () => {
      const instances = readInstancesFile(funSearchFile);
      const result = baselines(instances);
      expect((100 * result.firstFit).toFixed(2)).toBe('4.23');
      expect((100 * result.bestFit).toFixed(2)).toBe('3.98');
      expect(packInstances(instances, bestFit).meanL1).toBeCloseTo(1987.8, 10);
    },
  );
});
