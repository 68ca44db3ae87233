import { parse, type ParserPlugin } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { checkFrozen, findRegions } from '../core/genome.ts';
import { canEditFile, type Operator, type ParentView, type ProposalContext, type ProposalResult } from '../core/operator.ts';
import { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { SAMPLE, SAMPLE_TS, SAMPLE_VARIANT, SAMPLE_ZOO } from './samples.ts';
import { LANGUAGE_SAMPLES } from './samples-languages.ts';
import { firstError } from './syntax/analysis.ts';
import { languageOf, parserFor } from './syntax/grammars.ts';

export { LANGUAGE_SAMPLES, SAMPLE, SAMPLE_TS, SAMPLE_VARIANT, SAMPLE_ZOO };

/** A genome no operator can change: its only EVOLVE block holds comments. */
export const INERT: Genome = {
  'inert.js':
    `export const before = 1 + 2;\n// EVOLVE-BLOCK-START\n// nothing to evolve yet\n// EVOLVE-BLOCK-END\n` +
    `export const after = before * 3;\n`,
};

/** Files no grammar covers, with markers, numbers and operators that must never change. */
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

/** Whether Babel parses a JavaScript or TypeScript file. */
export function parses(file: string, text: string): boolean {
  const plugins: ParserPlugin[] = /\.[cm]?tsx?$/.test(file) ? ['typescript'] : [];
  try {
    parse(text, { sourceType: 'module', plugins, errorRecovery: false });
    return true;
  } catch {
    return false;
  }
}

/** Why the file's grammar finds an error or a missing node in it (as `line:column what`), or undefined when it finds none. */
export async function treeSitterError(file: string, text: string): Promise<string | undefined> {
  const language = languageOf(file);
  if (language === undefined) return `no grammar covers ${file}`;
  const tree = (await parserFor(language)).parse(text);
  if (tree === null) return 'the parser gave no tree';
  try {
    const problem = firstError(tree.rootNode);
    return problem === undefined ? undefined : `${problem.line}:${problem.column} ${problem.what}`;
  } finally {
    tree.delete();
  }
}

export interface ConformanceOptions {
  /** Seeds tried per genome. */
  seeds?: number;
  /** Share of seeds that must give a child on the samples. */
  minimumSuccess?: number;
  /**
   * The languages whose samples it must edit, as named in `languages` (`'JavaScript'`, `'Python'`,
   * `'C++'`); by default every language the operator declares.
   */
  languages?: readonly string[];
}

interface Sample {
  label: string;
  genome: Genome;
  variant: Genome;
}

const JAVASCRIPT_SAMPLES: Sample[] = [
  { label: 'the JavaScript sample', genome: { 'pack.js': SAMPLE }, variant: { 'pack.js': SAMPLE_VARIANT } },
  {
    label: 'a JavaScript file using many syntax forms',
    genome: { 'zoo.js': SAMPLE_ZOO },
    variant: { 'zoo.js': SAMPLE_ZOO.replace(/2/g, '7') },
  },
];
const TYPESCRIPT_SAMPLE: Sample = {
  label: 'a TypeScript file with two blocks beside text files',
  genome: { 'spread.ts': SAMPLE_TS, ...TEXT_FILES },
  variant: {
    'spread.ts': SAMPLE_TS.replace('radius = 0.5', 'radius = 0.75').replace('value * 1.5 - 0.25', 'value * 2 + 0.1'),
    ...TEXT_FILES,
  },
};
/** A file of each language, for the checks on what an operator declares it edits. */
const FILE_OF: Record<string, string> = { JavaScript: 'pack.js', TypeScript: 'spread.ts' };
for (const sample of Object.values(LANGUAGE_SAMPLES)) FILE_OF[sample.language] = sample.file;

function samplesOf(language: string): Sample[] {
  if (language === 'JavaScript') return JAVASCRIPT_SAMPLES;
  if (language === 'TypeScript') return [TYPESCRIPT_SAMPLE];
  const sample = LANGUAGE_SAMPLES[language];
  if (sample === undefined) throw new Error(`the conformance suite has no sample in ${language}`);
  return [{ label: `the ${language} sample`, genome: { [sample.file]: sample.text }, variant: { [sample.file]: sample.variant } }];
}

/**
 * The checks every embedded operator must pass, on samples of each language it edits: children
 * change only EVOLVE text of one file, still parse (Babel for JavaScript and TypeScript, and the
 * file's tree-sitter grammar for every language), keep their EVOLVE blocks, are reproducible per
 * seed; and bad input (nothing to edit, a syntax error, an unclosed block, files no grammar
 * covers) gives a failure that names the file, never an exception.
 */
export function runOperatorConformance(factory: () => Operator, options: ConformanceOptions = {}): void {
  const seeds = options.seeds ?? 150;
  const minimumSuccess = options.minimumSuccess ?? 0.5;
  const operator = factory();
  const languages = options.languages ?? operator.languages ?? ['JavaScript', 'TypeScript'];
  const samples = languages.flatMap(samplesOf);
  const run = (parents: readonly Genome[], seed: number): Promise<ProposalResult> => operator.propose(contextFor(parents, seed));

  describe(`${operator.name} conformance`, () => {
    it('has a kebab-case name and an arity of 1 or 2', () => {
      expect(operator.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect([1, 2]).toContain(operator.arity);
    });

    for (const { label, genome, variant } of samples) {
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
          const text = result.genome[file] as string;
          expect(languageOf(file)).toBeDefined();
          expect(result.description).toContain(`${file}:`);
          // What it declares it can edit must cover what it does edit: the engine drops operators by it.
          expect(canEditFile(operator, file)).toBe(true);
          if (/\.(js|ts)$/.test(file)) expect(parses(file, text)).toBe(true);
          expect(await treeSitterError(file, text)).toBeUndefined();
          expect(findRegions(text, file).length).toBe(findRegions(genome[file] as string, file).length);
        }
        expect(JSON.stringify(parents)).toBe(before);
        expect(children).toBeGreaterThanOrEqual(seeds * minimumSuccess);
      });
    }

    const repeatable = [
      ...new Set([samples[0], ...samples.filter((sample) => !JAVASCRIPT_SAMPLES.includes(sample) && sample !== TYPESCRIPT_SAMPLE)]),
    ];
    for (const { label, genome, variant } of repeatable.filter((sample) => sample !== undefined)) {
      it(`gives the same child for the same seed and different children across seeds, on ${label}`, async () => {
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
    }

    if (languages.includes('JavaScript')) {
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
    }

    for (const language of languages.filter((name) => LANGUAGE_SAMPLES[name] !== undefined)) {
      const sample = LANGUAGE_SAMPLES[language] as (typeof LANGUAGE_SAMPLES)[string];
      it(`fails, without throwing, on ${language} input it cannot edit, naming the file (and line:column of a syntax error)`, async () => {
        const inert = { [sample.file]: sample.inert };
        expect(await run(parentsFor(operator, inert, inert), 1)).toEqual({ failure: expect.stringMatching(/\S/) });
        const broken = { [sample.file]: sample.broken };
        const escaped = sample.file.replace('.', '\\.');
        expect(await run(parentsFor(operator, broken, broken), 1)).toEqual({
          failure: expect.stringMatching(new RegExp(`${escaped}:2:\\d+`)),
        });
        const unclosed = { [sample.file]: sample.unclosed };
        expect(await run(parentsFor(operator, unclosed, unclosed), 1)).toEqual({ failure: expect.stringContaining(sample.file) });
      });
    }

    it('declares the languages it edits, and that it cannot edit other files', () => {
      expect(operator.languages).toEqual(expect.arrayContaining([...languages]));
      for (const language of languages) expect(canEditFile(operator, FILE_OF[language] ?? '')).toBe(true);
      for (const file of [...Object.keys(TEXT_FILES), 'main.kt', 'Main.java', 'script.rb']) expect(canEditFile(operator, file)).toBe(false);
    });

    it('never touches files that no grammar covers', async () => {
      for (let seed = 0; seed < 10; seed++) {
        const result = await run(parentsFor(operator, TEXT_FILES, TEXT_FILES), seed);
        expect('failure' in result).toBe(true);
      }
    });

    const mixed = samples.filter((sample) => Object.keys(sample.genome).length === 1);
    if (mixed.length > 1) {
      it('edits every file of a genome that mixes languages, one file per child', async () => {
        const genome: Genome = Object.assign({}, ...mixed.map((sample) => sample.genome));
        const variant: Genome = Object.assign({}, ...mixed.map((sample) => sample.variant));
        const edited = new Set<string>();
        for (let seed = 0; seed < seeds; seed++) {
          const result = await run(parentsFor(operator, genome, variant), seed);
          if ('failure' in result) continue;
          expect(checkFrozen(genome, result.genome)).toBeUndefined();
          const changed = Object.keys(genome).filter((file) => result.genome[file] !== genome[file]);
          expect(changed).toHaveLength(1);
          edited.add(changed[0] as string);
        }
        expect([...edited].sort()).toEqual(Object.keys(genome).sort());
      });
    }
  });
}
