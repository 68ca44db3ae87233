import { describe, expect, it } from 'vitest';
import type { Genome } from '../core/types.ts';
import { TINY_GENOME } from '../testing/tiny-experiment.ts';
import { jaccard, NoveltyFilter, shingleSet, tokenize } from './novelty.ts';
import { SAMPLE } from './samples.ts';

const tiny: Genome = { 'solve.js': TINY_GENOME };

/** A program of about 2,000 tokens inside its EVOLVE block, varied by `seed`. */
function bigGenome(seed: number): Genome {
  const lines: string[] = [];
  for (let index = 0; index < 100; index++) lines.push(`  const v${index} = Math.max(row * ${index + seed * 1000}.5, total - ${index});`);
  return {
    'big.js':
      '// frozen\n// EVOLVE-BLOCK-START\n' +
      'export function f(row, total) {\n' +
      `${lines.join('\n')}\n  return v0;\n}\n// EVOLVE-BLOCK-END\n`,
  };
}

function tokenCount(text: string): number {
  const out: number[] = [];
  tokenize(text, 0, text.length, out);
  return out.length;
}

describe('tokenize', () => {
  it('skips whitespace and comments, and keeps numbers and strings whole', () => {
    expect(tokenCount('const x = 1.5e-3; // note\n/* block */ f("a b", x);')).toBe(12);
    expect(tokenCount('const   x=1.5e-3;')).toBe(tokenCount('const x = 1.5e-3; // other'));
  });
});

describe('NoveltyFilter', () => {
  it('rates identical genomes 1, even with other whitespace, comments and frozen text', () => {
    const filter = new NoveltyFilter();
    filter.remember('run-0', tiny);
    const reformatted = {
      'solve.js': TINY_GENOME.replace('// fixed header', '// another header').replace('const a = 1;', 'const a  =  1; // one'),
    };
    expect(filter.nearest(reformatted)).toEqual({ id: 'run-0', similarity: 1 });
    expect(filter.isNearDuplicate(reformatted)).toBe(true);
  });

  it('rates unrelated genomes low', () => {
    const filter = new NoveltyFilter();
    filter.remember('run-0', tiny);
    const similarity = filter.nearest({ 'pack.js': SAMPLE })?.similarity ?? 1;
    expect(similarity).toBeLessThan(0.1);
    expect(filter.isNearDuplicate({ 'pack.js': SAMPLE })).toBe(false);
  });

  it('rates a one-token change of a large genome high, and of a tiny genome lower', () => {
    const filter = new NoveltyFilter();
    const big = bigGenome(3);
    filter.remember('big', big);
    const changed = { 'big.js': (big['big.js'] as string).replace('const v50 =', 'const w50 =') };
    expect(filter.nearest(changed)?.similarity).toBeGreaterThan(0.98);
    expect(filter.isNearDuplicate(changed)).toBe(true);
    const tinyFilter = new NoveltyFilter();
    tinyFilter.remember('tiny', tiny);
    const tinyChanged = tinyFilter.nearest({ 'solve.js': TINY_GENOME.replace('const a = 1;', 'const a = 3;') })?.similarity ?? 0;
    expect(tinyChanged).toBeGreaterThan(0.6);
    expect(tinyChanged).toBeLessThan(0.95);
  });

  it('compares with the last `window` remembered genomes plus the extra ones', () => {
    const filter = new NoveltyFilter({ window: 2 });
    filter.remember('a', bigGenome(5));
    filter.remember('b', bigGenome(7));
    filter.remember('c', bigGenome(11));
    expect(filter.nearest(bigGenome(5))?.id).not.toBe('a');
    expect(filter.nearest(bigGenome(5), [{ id: 'a', genome: bigGenome(5) }])).toEqual({ id: 'a', similarity: 1 });
    expect(new NoveltyFilter().nearest(tiny)).toBeUndefined();
    expect(new NoveltyFilter({ window: 0 }).nearest(tiny, [{ id: 'p', genome: tiny }])).toEqual({ id: 'p', similarity: 1 });
  });

  it('still compares genomes whose markers are broken, on all of their text', () => {
    const filter = new NoveltyFilter();
    filter.remember('x', { 'x.js': 'let a = 1;\nlet b = 2;\n' });
    expect(filter.nearest({ 'x.js': 'let a = 1;\nlet b = 2;\n' })?.similarity).toBe(1);
  });

  it('compares a 2,000-token genome with a full window quickly', () => {
    const filter = new NoveltyFilter({ window: 64 });
    for (let index = 0; index < 64; index++) filter.remember(`run-${index}`, bigGenome(index + 2));
    const probe = bigGenome(1);
    const start = performance.now();
    const rounds = 50;
    for (let round = 0; round < rounds; round++) filter.nearest({ 'big.js': `${probe['big.js'] as string}// ${round}\n` });
    const perCall = (performance.now() - start) / rounds;
    console.log(
      `novelty: ${shingleSet(probe, 3).length} shingles, nearest over a window of 64 in ${(perCall * 1000).toFixed(0)} us per call`,
    );
  });
});

describe('jaccard', () => {
  it('counts shared members of sorted sets', () => {
    expect(jaccard(Uint32Array.of(1, 2, 3), Uint32Array.of(2, 3, 4))).toBe(0.5);
    expect(jaccard(new Uint32Array(0), new Uint32Array(0))).toBe(1);
    expect(jaccard(Uint32Array.of(1), new Uint32Array(0))).toBe(0);
  });
});
