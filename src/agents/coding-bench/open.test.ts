import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBenchmark } from './open.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('openBenchmark', () => {
  it('reads our task layout as it is, sets included', () => {
    const benchmark = openBenchmark(join(ROOT, 'benchmarks/coding'));
    expect(benchmark.tasks.length).toBeGreaterThanOrEqual(40);
    expect(benchmark.sets.small).toHaveLength(6);
  });

  it('imports the common exercise layout and gives it staged sets by id', () => {
    const benchmark = openBenchmark(join(ROOT, 'test/fixtures/exercises'));
    expect(benchmark.tasks.map((task) => task.id).sort()).toEqual(['leap-check', 'vowel-tally', 'word-reverse']);
    expect(benchmark.sets).toEqual({
      small: ['leap-check', 'vowel-tally', 'word-reverse'],
      medium: ['leap-check', 'vowel-tally', 'word-reverse'],
      full: ['leap-check', 'vowel-tally', 'word-reverse'],
    });
  });

  it('names a folder that holds neither layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-bench-empty-'));
    expect(() => openBenchmark(dir)).toThrow(/holds neither task folders \(with a task\.json\) nor exercises/);
    expect(() => openBenchmark(join(dir, 'missing'))).toThrow(/does not exist/);
  });
});
