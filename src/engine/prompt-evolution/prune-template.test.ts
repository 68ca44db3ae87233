import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { checkVariant, templateSource } from '../../propose/llm/index.ts';
import { MAX_PRUNE_MOVES, prunableLines, pruneTemplate } from './prune-template.ts';

const TEMPLATE = `## The current version (score {{parent_score}})

{{parent}}
{{#artifacts}}

Details the evaluator recorded, as JSON:

\`\`\`json
{{artifacts}}
keep this line inside the fence
\`\`\`
{{/artifacts}}

## Your task

Improve the current version with one focused edit to its blocks.
Prefer small careful changes.

{{format}}
Nothing after the format is ever pruned.
`;

describe('prunableLines', () => {
  it('leaves placeholders, section tags, headings, fences and everything from {{format}} on', () => {
    const lines = TEMPLATE.split('\n');
    const prunable = lines.flatMap((line, index) => (prunableLines(lines)[index] && line.trim() !== '' ? [line] : []));
    expect(prunable).toEqual([
      'Details the evaluator recorded, as JSON:',
      'Improve the current version with one focused edit to its blocks.',
      'Prefer small careful changes.',
    ]);
  });

  it('leaves lines that name an EVOLVE marker, which would break the regions', () => {
    const lines = ['Edit only between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END.', 'Be brief.'];
    expect(prunableLines(lines)).toEqual([false, true]);
  });
});

describe('pruneTemplate', () => {
  it('edits prose only, with 1 to 3 moves drawn from the rng, and the result passes the template check', async () => {
    const frozen = (text: string) => {
      const lines = text.split('\n');
      const prunable = prunableLines(lines);
      return lines.filter((_, index) => !prunable[index]);
    };
    for (let seed = 1; seed <= 12; seed++) {
      const pruned = await pruneTemplate(TEMPLATE, Rng.fromSeed(seed));
      if ('failure' in pruned) throw new Error(pruned.failure);
      expect(pruned.text).not.toBe(TEMPLATE);
      expect(pruned.moves.length).toBeGreaterThanOrEqual(1);
      expect(pruned.moves.length).toBeLessThanOrEqual(MAX_PRUNE_MOVES);
      expect(pruned.moves.every((move) => /^(delete|swap|duplicate) /.test(move))).toBe(true);
      // Every line that is not prose is still there, in order.
      const kept = pruned.text.split('\n');
      for (const line of frozen(TEMPLATE).filter((line) => line.trim() !== '')) expect(kept).toContain(line);
      expect(pruned.text.endsWith('{{format}}\nNothing after the format is ever pruned.\n')).toBe(true);
      expect('failure' in checkVariant('llm-diff', TEMPLATE, pruned.text, 'variant')).toBe(false);
    }
  });

  it('is a function of the rng: the same seed prunes the same way', async () => {
    const first = await pruneTemplate(TEMPLATE, Rng.fromSeed(42));
    const second = await pruneTemplate(TEMPLATE, Rng.fromSeed(42));
    expect(second).toEqual(first);
  });

  it('prunes every built-in operator template into one that still checks', async () => {
    for (const name of ['llm-diff', 'llm-rewrite', 'llm-crossover', 'llm-reflect', 'llm-fix', 'llm-merge'] as const) {
      const { text } = templateSource(name);
      const pruned = await pruneTemplate(text, Rng.fromSeed(7));
      if ('failure' in pruned) throw new Error(`${name}: ${pruned.failure}`);
      expect('failure' in checkVariant(name, text, pruned.text, `${name}.2`), name).toBe(false);
    }
  });

  it('fails, without drawing a move, when the template has no prose to prune', async () => {
    expect(await pruneTemplate('## Task\n\n{{parent}}\n{{format}}\n', Rng.fromSeed(1))).toEqual({
      failure: 'the template has no prose to prune outside its placeholders, headings, code and reply format',
    });
    // A single word is not enough: prune-tokens never empties a region.
    const single = await pruneTemplate('Improve.\n{{parent}}\n{{format}}\n', Rng.fromSeed(1));
    expect(single).toEqual({ failure: 'no run of prose lines has the 2 tokens prune-tokens needs (it never empties one)' });
  });
});
