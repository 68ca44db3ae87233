import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { DatasetInstance } from './dataset.ts';
import type { SplitCounts, SplitSizes } from './options.ts';

/** The dataset cut into its three splits. */
export interface DatasetSplits {
  /** Feeds reflection: minibatch traces are drawn from it. */
  train: DatasetInstance[];
  /** Scores candidates; its per-instance scores make the Pareto front. */
  val: DatasetInstance[];
  /** Sealed: scored only when an evaluation's purpose is `test`. */
  test: DatasetInstance[];
}

const NAMES = ['train', 'val', 'test'] as const;

/**
 * Turns split sizes into instance counts for a dataset of `total` rows: whole numbers are counts,
 * and sizes that are all at most 1 with one of them fractional are fractions (rounded down). A
 * split larger than the dataset, or splits that together exceed it, are refused with the sizes.
 *
 * @example
 * splitCounts({ train: 0.2, val: 0.3 }, 100, 'data.jsonl') // { train: 20, val: 30, test: 0 }
 */
export function splitCounts(sizes: SplitSizes, total: number, file: string): SplitCounts {
  if (typeof sizes !== 'object' || sizes === null) {
    throw new OuroError('option-invalid', 'splits: expected { train, val, test? } as counts or fractions', { field: 'splits' });
  }
  const given = { train: sizes.train, val: sizes.val, test: sizes.test ?? 0 };
  for (const name of NAMES) {
    const value = given[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new OuroError('option-invalid', `splits.${name}: expected a count or a fraction, got ${JSON.stringify(value)}`, {
        field: `splits.${name}`,
      });
    }
  }
  const values = NAMES.map((name) => given[name]);
  const fractional = values.some((value) => !Number.isInteger(value));
  if (fractional && values.some((value) => value > 1)) {
    throw new OuroError(
      'option-invalid',
      `splits: ${JSON.stringify(given)} mixes counts and fractions; give all three as counts or all as fractions of the dataset`,
      { field: 'splits' },
    );
  }
  if (fractional && values.reduce((sum, value) => sum + value, 0) > 1 + 1e-9) {
    throw new OuroError('option-invalid', `splits: the fractions ${JSON.stringify(given)} add up to more than 1`, { field: 'splits' });
  }
  const counts: SplitCounts = fractional
    ? { train: Math.floor(given.train * total), val: Math.floor(given.val * total), test: Math.floor(given.test * total) }
    : given;
  for (const name of NAMES) {
    if (counts[name] > total) {
      throw new OuroError('option-invalid', `splits.${name} asks for ${counts[name]} instances but ${file} holds ${total}`, {
        field: `splits.${name}`,
      });
    }
  }
  const sum = counts.train + counts.val + counts.test;
  if (sum > total) {
    throw new OuroError(
      'option-invalid',
      `splits ask for ${counts.train} train + ${counts.val} val + ${counts.test} test = ${sum} instances but ${file} holds ${total}`,
      { field: 'splits' },
    );
  }
  for (const name of ['train', 'val'] as const) {
    if (counts[name] === 0) {
      throw new OuroError('option-invalid', `splits.${name} is empty (${file} holds ${total} instances); it needs at least one`, {
        field: `splits.${name}`,
      });
    }
  }
  return counts;
}

/** Shuffles the instances with `seed` (so a seed always gives the same splits), then cuts train, val and test in that order. */
export function splitDataset(instances: readonly DatasetInstance[], counts: SplitCounts, seed: number): DatasetSplits {
  const shuffled = Rng.fromSeed(seed).shuffle([...instances]);
  const valEnd = counts.train + counts.val;
  return {
    train: shuffled.slice(0, counts.train),
    val: shuffled.slice(counts.train, valEnd),
    test: shuffled.slice(valEnd, valEnd + counts.test),
  };
}

/**
 * The train instances a candidate's minibatch gate scores: `size` distinct ones drawn from a
 * generator seeded by the candidate's place in its run and the task seed, so that a resumed run,
 * and a replay (a new run whose candidates come in the same order), draw the same ones for the
 * same candidate. The place is the number after the last `-` of an engine id (`r1a2b3c4-17`);
 * an id without one is hashed whole. Returned in train order.
 */
export function drawMinibatch(train: readonly DatasetInstance[], size: number, candidateId: string, seed: number): DatasetInstance[] {
  const place = /-(\d+)$/.exec(candidateId)?.[1] ?? candidateId;
  const rng = Rng.fromSeed((hashText(place) ^ Math.imul(seed, 0x9e3779b1)) >>> 0);
  const positions = rng.shuffle(train.map((_, index) => index)).slice(0, Math.min(size, train.length));
  return positions.sort((a, b) => a - b).map((position) => train[position] as DatasetInstance);
}

/** 32-bit FNV-1a over UTF-16 code units: a stable number from an id. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
