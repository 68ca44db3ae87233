import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { findToken } from './tokens.ts';
import { SAMPLE } from './operator.conformance.ts';
import { analyzeFile, analyzeGenome, type FileAnalysis } from './sites.ts';
import { applyEdit } from './source.ts';
import { parseChild } from './validate.ts';

const block = (code: string): string => `export const frozen = 1;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

describe('analyzeFile', () => {
  it('caches by text and skips files that cannot evolve', () => {
    const first = analyzeFile('pack.js', SAMPLE);
    expect(analyzeFile('copy.js', SAMPLE)).toBe(first);
    expect(analyzeFile('notes.md', SAMPLE)).toBeUndefined();
    expect(analyzeFile('plain.js', 'export const a = 1 + 2;\n')).toBeUndefined();
  });

  it('keeps no more than a bounded number of analyses', () => {
    const first = analyzeFile('a.js', block('export const a = 0;'));
    for (let index = 1; index <= 80; index++) analyzeFile('a.js', block(`export const a = ${index};`));
    expect(analyzeFile('a.js', block('export const a = 0;'))).not.toBe(first);
  });

  it('parses by extension, even for a text cached under another one', () => {
    const typed = block('export const a: number = 1;');
    expect(analyzeFile('a.ts', typed)).toMatchObject({ settings: { plugins: ['typescript'] } });
    expect(analyzeFile('a.js', typed)).toEqual({ error: expect.stringMatching(/^cannot parse: line 3: /) });
    expect(analyzeFile('a.js', block('export const view = <div>{1 + 2}</div>;'))).toMatchObject({ settings: { plugins: ['jsx'] } });
  });

  it('lists files in name order and reports unreadable ones', () => {
    const { files, errors } = analyzeGenome({ 'b.js': SAMPLE, 'a.js': SAMPLE, 'c.js': '// EVOLVE-BLOCK-START\n(' });
    expect(files.map(({ file }) => file)).toEqual(['a.js', 'b.js']);
    expect(errors).toEqual([expect.stringMatching(/^c\.js: .*EVOLVE-BLOCK-START is never closed/)]);
  });

  it('finds only sites inside the EVOLVE block', () => {
    const analysis = analyzeFile('pack.js', SAMPLE) as FileAnalysis;
    const start = SAMPLE.indexOf('export function pack');
    const end = SAMPLE.indexOf('// EVOLVE-BLOCK-END');
    const sites = [...analysis.numbers, ...analysis.operators, ...analysis.syntax, ...analysis.blocks.flat()];
    expect(sites.length).toBeGreaterThan(50);
    for (const site of sites) expect(site.start >= start && site.end <= end).toBe(true);
    expect(analysis.numbers.map(({ raw }) => raw)).toEqual([
      '5',
      '6',
      '5',
      '6',
      '4',
      '0',
      '0',
      '0',
      '0.5',
      '2',
      '0.25',
      '0.5',
      '0.98',
      '0.01',
      '1',
    ]);
  });
});

describe('findToken', () => {
  it('skips blanks, parentheses and comments between operands', () => {
    const text = '(a) /* < */ // <\n ) < (b)';
    expect(findToken(text, 3, text.length, '<')).toBe(text.lastIndexOf('<'));
    expect(findToken('a + b', 1, 4, '-')).toBe(-1);
  });
});

describe('parseChild', () => {
  const analysis = analyzeFile('pack.js', SAMPLE) as FileAnalysis;

  it('parses only the enclosing top-level declaration for an edit inside its body', () => {
    const at = SAMPLE.indexOf('index += 1;');
    const edit = { start: at, end: at + 'index += 1;'.length, text: 'index -= 1;' };
    const parsed = parseChild(analysis, edit, applyEdit(SAMPLE, edit));
    expect(parsed).toMatchObject({ offset: SAMPLE.indexOf('export function pack') });
  });

  it('rejects an edit that would close the declaration early, with the line in the whole file', () => {
    const at = SAMPLE.indexOf('index += 1;');
    const early = { start: at, end: at, text: '}}} ' };
    expect(parseChild(analysis, early, applyEdit(SAMPLE, early))).toEqual({ error: expect.any(String) });
    const broken = { start: at, end: at + 5, text: 'index +' };
    expect(parseChild(analysis, broken, applyEdit(SAMPLE, broken))).toEqual({ error: expect.stringMatching(/^line 14: /) });
  });

  it('never accepts a child that a parse of the whole file rejects', () => {
    const rng = Rng.fromSeed(7);
    const inner = [
      SAMPLE.indexOf('{', SAMPLE.indexOf('export function pack')) + 1,
      SAMPLE.lastIndexOf('}', SAMPLE.indexOf('// EVOLVE-BLOCK-END')),
    ];
    let agreements = 0;
    for (let trial = 0; trial < 400; trial++) {
      const start = inner[0]! + rng.int(inner[1]! - inner[0]!);
      const end = Math.min(inner[1]!, start + rng.int(4));
      const edit = { start, end, text: rng.pick(['', '}', '{', ';', ')', 'x', ' ']) };
      const child = applyEdit(SAMPLE, edit);
      let whole = true;
      try {
        parse(child, { sourceType: 'module' });
      } catch {
        whole = false;
      }
      const fast = !('error' in parseChild(analysis, edit, child));
      if (fast) expect(whole).toBe(true);
      if (fast === whole) agreements++;
    }
    expect(agreements).toBeGreaterThan(390);
  });
});
