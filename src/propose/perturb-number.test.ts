import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { contextFor, runOperatorConformance, SAMPLE } from './operator.conformance.ts';
import { formatNumber, perturbLiteral, perturbNumber } from './perturb-number.ts';
import { analyzeFile, type FileAnalysis } from './sites.ts';

runOperatorConformance(() => perturbNumber());

const block = (code: string): string => `export const frozen = 10;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

/** The one literal that changed, as [before, after] source text. */
function changedLiteral(file: string, before: string, after: string): [string, string] {
  const parent = analyzeFile(file, before) as FileAnalysis;
  const child = analyzeFile(file, after) as FileAnalysis;
  expect(child.numbers).toHaveLength(parent.numbers.length);
  const changed = parent.numbers
    .map((site, index) => [site, child.numbers[index]!] as const)
    // A new negative sits in parentheses that the site's range leaves out.
    .map(([a, b]) => {
      const wrapped = b.negated && !a.negated;
      return [before.slice(a.start, a.end), after.slice(b.start - (wrapped ? 1 : 0), b.end + (wrapped ? 1 : 0))] as [string, string];
    })
    .filter(([a, b]) => a !== b);
  expect(changed).toHaveLength(1);
  return changed[0]!;
}

async function children(file: string, text: string, seeds: number): Promise<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await perturbNumber().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    pairs.push(changedLiteral(file, text, result.genome[file]!));
  }
  return pairs;
}

describe('perturb-number', () => {
  it('changes exactly one literal, keeps integers integral and floats fractional', async () => {
    for (const [before, after] of await children('pack.js', SAMPLE, 200)) {
      const value = (text: string): number => Number(text.replace(/[()]/g, ''));
      expect(value(after)).not.toBe(value(before));
      if (/^\d+$/.test(before)) expect(after).toMatch(/^(\d+|\(-\d+\))$/);
      else expect(after).toMatch(/^\(?-?\d*\.\d+(e[-+]\d+)?\)?$|e/);
    }
  });

  it('takes both fine and coarse steps', async () => {
    const ratios = (await children('a.js', block('export const rate = 0.5;'), 300)).map(([, after]) =>
      Math.abs(Number(after.replace(/[()]/g, '')) / 0.5 - 1),
    );
    expect(Math.min(...ratios)).toBeLessThan(0.005);
    expect(Math.max(...ratios)).toBeGreaterThan(0.3);
  });

  it('treats a unary minus as part of the literal and parenthesises new negatives', async () => {
    const text = block('export const a = 5 - -2;\nexport const b = 0;');
    let negativeB = 0;
    for (const [before, after] of await children('a.js', text, 200)) {
      if (before === '-2') expect(after).toMatch(/^-?\d+$/);
      if (before === '0' && after.startsWith('(')) negativeB++;
      expect(after).not.toMatch(/^-/.test(before) ? /^\(/ : /^-/);
    }
    expect(negativeB).toBeGreaterThan(0);
  });

  it('leaves property keys, member objects and TypeScript types alone', async () => {
    const text = block("type Five = 5;\nexport const table: { 7: 6 } = { 7: 'x' } as { 7: 6 };\nexport const s = 3.5.toFixed(4);");
    for (let seed = 0; seed < 40; seed++) {
      const result = await perturbNumber().propose(contextFor([{ 'a.ts': text }], seed));
      if ('failure' in result) throw new Error(result.failure);
      const child = result.genome['a.ts']!;
      expect(child).toContain("type Five = 5;\nexport const table: { 7: 6 } = { 7: 'x' } as { 7: 6 };\nexport const s = 3.5.toFixed(");
      expect(child).not.toContain('toFixed(4)');
    }
  });

  it('keeps the radix of hexadecimal literals', async () => {
    for (const [, after] of await children('a.js', block('export const mask = 0xff;'), 30))
      expect(after).toMatch(/^(0x[0-9a-f]+|\(-0x[0-9a-f]+\))$/);
  });

  it('fails when the block holds no number', async () => {
    const result = await perturbNumber().propose(contextFor([{ 'a.js': block('export const name = "x" + "y";') }], 1));
    expect(result).toEqual({ failure: 'no numeric literal inside an EVOLVE block' });
  });

  it('formats numbers as source that means the same value', () => {
    expect(formatNumber(-3, '5', false)).toBe('(-3)');
    expect(formatNumber(-3, '5', true)).toBe('-3');
    expect(formatNumber(2, undefined, false)).toBe('2.0');
    expect(formatNumber(1e-7, undefined, false)).toBe('1e-7');
    expect(formatNumber(255, '0XFF', false)).toBe('0XFF');
    expect(formatNumber(1e21, '1', false)).toBe('1000000000000000000000');
  });

  it('rounds floats to ten significant digits', () => {
    const site = { start: 0, end: 3, raw: '0.1', negated: false };
    for (let seed = 0; seed < 50; seed++) {
      const text = perturbLiteral(site, Rng.fromSeed(seed), 1e-3, 0.5)!;
      expect(
        text
          .replace(/[-().]/g, '')
          .replace(/e.*$/, '')
          .replace(/^0+/, '').length,
      ).toBeLessThanOrEqual(10);
    }
  });
});
