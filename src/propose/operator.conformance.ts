import { parse, type ParserPlugin } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { checkFrozen, findRegions } from '../core/genome.ts';
import { canEditFile, type Operator, type ParentView, type ProposalContext, type ProposalResult } from '../core/operator.ts';
import { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { SAMPLE, SAMPLE_TS, SAMPLE_VARIANT, SAMPLE_ZOO } from './samples.ts';

export { SAMPLE, SAMPLE_TS, SAMPLE_VARIANT, SAMPLE_ZOO };

/** A genome no operator can change: its only EVOLVE block holds comments. */
export const INERT: Genome = {
  'inert.js':
    `export const before = 1 + 2;\n// EVOLVE-BLOCK-START\n// nothing to evolve yet\n// EVOLVE-BLOCK-END\n` +
    `export const after = before * 3;\n`,
};

/** Non-JS files with markers, numbers and operators that must never change. */
const TEXT_FILES: Genome = {
  'notes.md': `# Notes\n<!-- EVOLVE-BLOCK-START -->\nx = 1 + 2 * 3; y = a < b;\n<!-- EVOLVE-BLOCK-END -->\n`,
  'config.json': '{ "// EVOLVE-BLOCK-START": 1, "rate": 0.5, "// EVOLVE-BLOCK-END": 2 }\n',
};

export function parentView(genome: Genome, score = 0, id = 'test-0'): ParentView {
  const entry = { id, seq: 0, score, island: 0, generation: 0, parentIds: [], features: {} };
  return { entry, genome, feedback: '' };
}

/** Each parent is its own candidate (`test-0`, `test-1`), as the engine hands them over. */
export function contextFor(parents: readonly Genome[], seed: number): ProposalContext {
  return { parents: parents.map((genome, index) => parentView(genome, 0, `test-${index}`)), inspirations: [], rng: Rng.fromSeed(seed) };
}

/** The parents an operator of this arity reads: the genome, then the variant for crossover. */
export function parentsFor(operator: Operator, genome: Genome, variant: Genome): Genome[] {
  return operator.arity === 2 ? [genome, variant] : [genome];
}

export function parses(file: string, text: string): boolean {
  const plugins: ParserPlugin[] = /\.[cm]?tsx?$/.test(file) ? ['typescript'] : [];
  try {
    parse(text, { sourceType: 'module', plugins, errorRecovery: false });
    return true;
  } catch {
    return false;
  }
}

export interface ConformanceOptions {
  /** Seeds tried per genome. */
  seeds?: number;
  /** Share of seeds that must give a child on the samples. */
  minimumSuccess?: number;
}

/** The checks every embedded operator must pass. */
export function runOperatorConformance(factory: () => Operator, options: ConformanceOptions = {}): void {
  const seeds = options.seeds ?? 150;
  const minimumSuccess = options.minimumSuccess ?? 0.5;
  const operator = factory();
  const samples: Array<[string, Genome, Genome]> = [
    ['the JavaScript sample', { 'pack.js': SAMPLE }, { 'pack.js': SAMPLE_VARIANT }],
    [
      'a TypeScript file with two blocks beside text files',
      { 'spread.ts': SAMPLE_TS, ...TEXT_FILES },
      { 'spread.ts': SAMPLE_TS.replace('radius = 0.5', 'radius = 0.75').replace('value * 1.5 - 0.25', 'value * 2 + 0.1'), ...TEXT_FILES },
    ],
    ['a file using many syntax forms', { 'zoo.js': SAMPLE_ZOO }, { 'zoo.js': SAMPLE_ZOO.replace(/2/g, '7') }],
  ];
  const run = (parents: readonly Genome[], seed: number): Promise<ProposalResult> => operator.propose(contextFor(parents, seed));

  describe(`${operator.name} conformance`, () => {
    it('has a kebab-case name and an arity of 1 or 2', () => {
      expect(operator.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect([1, 2]).toContain(operator.arity);
    });

    for (const [label, genome, variant] of samples) {
      it(`changes only EVOLVE text of ${label}, and every child parses`, async () => {
        const parents = parentsFor(operator, genome, variant);
        const before = JSON.stringify(parents);
        let children = 0;
        for (let seed = 0; seed < seeds; seed++) {
          const result = await run(parents, seed);
          if ('failure' in result) continue;
          children++;
          expect(checkFrozen(genome, result.genome)).toBeUndefined();
          expect(result.description).toMatch(new RegExp(`^${operator.name} \\S`));
          expect(result.description).not.toContain('\n');
          const changed = Object.keys(genome).filter((file) => result.genome[file] !== genome[file]);
          expect(changed).toHaveLength(1);
          const file = changed[0] as string;
          expect(file).toMatch(/\.(js|ts)$/);
          // What it declares it can edit must cover what it does edit: the engine drops operators by it.
          expect(canEditFile(operator, file)).toBe(true);
          expect(parses(file, result.genome[file] as string)).toBe(true);
          expect(findRegions(result.genome[file] as string, file).length).toBe(findRegions(genome[file] as string, file).length);
        }
        expect(JSON.stringify(parents)).toBe(before);
        expect(children).toBeGreaterThanOrEqual(seeds * minimumSuccess);
      });
    }

    it('gives the same child for the same seed and different children across seeds', async () => {
      const [, genome, variant] = samples[0] as [string, Genome, Genome];
      const parents = parentsFor(operator, genome, variant);
      const children = new Set<string>();
      for (let seed = 0; seed < 30; seed++) {
        const first = contextFor(parents, seed);
        const second = contextFor(parents, seed);
        const a = await operator.propose(first);
        const b = await operator.propose(second);
        expect(b).toEqual(a);
        expect(second.rng.state()).toEqual(first.rng.state());
        if (!('failure' in a)) children.add(JSON.stringify(a.genome));
      }
      expect(children.size).toBeGreaterThanOrEqual(3);
    });

    it('fails, without throwing, when no site applies', async () => {
      const result = await run(parentsFor(operator, INERT, INERT), 1);
      expect(result).toEqual({ failure: expect.stringMatching(/\S/) });
    });

    it('fails on an unparseable file and names it', async () => {
      const broken = { 'broken.js': '// EVOLVE-BLOCK-START\nconst = 1 +;\n// EVOLVE-BLOCK-END\n' };
      const result = await run(parentsFor(operator, broken, broken), 1);
      expect(result).toEqual({ failure: expect.stringContaining('broken.js') });
    });

    it('fails on unbalanced EVOLVE markers and names the file', async () => {
      const unclosed = { 'open.js': '// EVOLVE-BLOCK-START\nlet a = 1 + 2;\na = a * 3;\n' };
      const result = await run(parentsFor(operator, unclosed, unclosed), 1);
      expect(result).toEqual({ failure: expect.stringContaining('open.js') });
    });

    it('declares the languages it edits, and that it cannot edit other files', () => {
      expect(operator.languages).toEqual(['JavaScript', 'TypeScript']);
      for (const file of ['pack.js', 'spread.ts', 'view.tsx', 'tool.mjs']) expect(canEditFile(operator, file)).toBe(true);
      for (const file of [...Object.keys(TEXT_FILES), 'main.py', 'kernel.c']) expect(canEditFile(operator, file)).toBe(false);
    });

    it('never touches files that are not JavaScript or TypeScript', async () => {
      for (let seed = 0; seed < 10; seed++) {
        const result = await run(parentsFor(operator, TEXT_FILES, TEXT_FILES), seed);
        expect('failure' in result).toBe(true);
      }
    });
  });
}
