import { describe, expect, it } from 'vitest';
import { checkFrozen, findRegions } from '../core/genome.ts';
import { canEditFile, type Operator, type ProposalResult } from '../core/operator.ts';
import type { Genome } from '../core/types.ts';
import { contextFor, LANGUAGE_SAMPLES, SAMPLE } from './operator.conformance.ts';

/** A prompt with fixed text before, between and after two EVOLVE regions. */
export const PROMPT_SAMPLE = `You grade answers to arithmetic questions.
EVOLVE-BLOCK-START
Read the question carefully, then think step by step.
Show your working briefly; never guess.
EVOLVE-BLOCK-END
Question: {question}
EVOLVE-BLOCK-START
Reply with one number only, such as 42.
EVOLVE-BLOCK-END
Answer:
`;

/** A Markdown prompt with comment markers, a heading, a list and an example. */
export const MARKDOWN_SAMPLE = `# Reviewer

<!-- EVOLVE-BLOCK-START -->
## Instructions

- Be concise and kind.
- Point to the exact line of each problem.

Example: "line 3 divides by zero (use a guard)."
<!-- EVOLVE-BLOCK-END -->

{diff}
`;

interface TextSample {
  label: string;
  genome: Genome;
}

const SAMPLES: TextSample[] = [
  { label: 'a plain-text prompt with two regions', genome: { 'prompt.txt': PROMPT_SAMPLE } },
  { label: 'a Markdown prompt', genome: { 'reviewer.md': MARKDOWN_SAMPLE } },
  { label: 'a prompt beside a program', genome: { 'system.md': MARKDOWN_SAMPLE, 'pack.js': SAMPLE } },
];

/** Code files, each with EVOLVE blocks, that a text operator must leave alone. */
const CODE_FILES: Genome = {
  'pack.js': SAMPLE,
  ...Object.fromEntries(Object.values(LANGUAGE_SAMPLES).map((sample) => [sample.file, sample.text])),
};

export interface TextConformanceOptions {
  /** Seeds tried per sample. */
  seeds?: number;
  /** Share of seeds that must give a child on the samples. */
  minimumSuccess?: number;
}

/**
 * The checks every embedded operator on prompts (plain text, Markdown) must pass; the text
 * counterpart of `runOperatorConformance`, whose checks (a grammar for every edited file, and no
 * edits to files no grammar covers) cannot hold for text. Children change only EVOLVE text of one
 * text file, keep every region non-empty, are reproducible per seed; code files are refused by
 * `canEdit` and never touched; bad input gives a failure that names the file, never an exception.
 */
export function runTextOperatorConformance(factory: () => Operator, options: TextConformanceOptions = {}): void {
  const seeds = options.seeds ?? 150;
  const minimumSuccess = options.minimumSuccess ?? 0.5;
  const operator = factory();
  const run = (genome: Genome, seed: number): Promise<ProposalResult> => operator.propose(contextFor([genome], seed));

  describe(`${operator.name} text conformance`, () => {
    it('has a kebab-case name, an arity of 1, and declares the text it edits', () => {
      expect(operator.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(operator.arity).toBe(1);
      expect(operator.languages?.length).toBeGreaterThan(0);
      for (const file of ['prompt.txt', 'system.md']) expect(canEditFile(operator, file)).toBe(true);
      for (const file of Object.keys(CODE_FILES)) expect(canEditFile(operator, file)).toBe(false);
    });

    for (const { label, genome } of SAMPLES) {
      it(`changes only EVOLVE text of one text file of ${label}, and never empties a region`, async () => {
        const before = JSON.stringify(genome);
        let children = 0;
        for (let seed = 0; seed < seeds; seed++) {
          const result = await run(genome, seed);
          if ('failure' in result) continue;
          children++;
          expect(checkFrozen(genome, result.genome)).toBeUndefined();
          expect(result.description.startsWith(`${operator.name}`)).toBe(true);
          expect(result.description).not.toContain('\n');
          const changed = Object.keys(genome).filter((file) => result.genome[file] !== genome[file]);
          expect(changed).toHaveLength(1);
          const file = changed[0] as string;
          expect(canEditFile(operator, file)).toBe(true);
          expect(result.description).toContain(`${file}:`);
          const text = result.genome[file] as string;
          const regions = findRegions(text, file);
          expect(regions).toHaveLength(findRegions(genome[file] as string, file).length);
          for (const region of regions) expect(text.slice(region.start, region.end).trim()).not.toBe('');
        }
        expect(JSON.stringify(genome)).toBe(before);
        expect(children).toBeGreaterThanOrEqual(seeds * minimumSuccess);
      });
    }

    it('gives the same child for the same seed and different children across seeds', async () => {
      const genome = (SAMPLES[0] as TextSample).genome;
      const children = new Set<string>();
      for (let seed = 0; seed < 30; seed++) {
        const first = contextFor([genome], seed);
        const second = contextFor([genome], seed);
        const a = await operator.propose(first);
        expect(await operator.propose(second)).toEqual(a);
        expect(second.rng.state()).toEqual(first.rng.state());
        if (!('failure' in a)) children.add(JSON.stringify(a.genome));
      }
      expect(children.size).toBeGreaterThanOrEqual(3);
    });

    it('never touches code files, even those with EVOLVE blocks', async () => {
      for (let seed = 0; seed < 10; seed++) {
        expect(await run(CODE_FILES, seed)).toEqual({ failure: expect.stringMatching(/\S/) });
      }
    });

    it('fails, without throwing, on text it cannot edit, naming the file', async () => {
      const unmarked = { 'prompt.txt': 'Answer the question.\n' };
      expect(await run(unmarked, 1)).toEqual({ failure: expect.stringContaining('prompt.txt') });
      const unclosed = { 'notes.md': '<!-- EVOLVE-BLOCK-START -->\nBe brief.\n' };
      expect(await run(unclosed, 1)).toEqual({ failure: expect.stringContaining('notes.md') });
      const blank = { 'blank.txt': 'Fixed.\nEVOLVE-BLOCK-START\n\n   \nEVOLVE-BLOCK-END\n' };
      expect(await run(blank, 1)).toEqual({ failure: expect.stringContaining('blank.txt') });
    });
  });
}
