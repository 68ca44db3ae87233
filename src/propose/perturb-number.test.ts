import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { contextFor, LANGUAGE_SAMPLES, runOperatorConformance, SAMPLE } from './operator.conformance.ts';
import { formatNumber, perturbLiteral, perturbNumber } from './perturb-number.ts';
import { analyzeFile, type FileAnalysis } from './sites.ts';
import { analyzeSyntax, type SyntaxAnalysis } from './syntax/analysis.ts';

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

/** The one literal a child changed, found through the file's grammar, as [before, after] source text. */
async function changedSyntaxLiteral(file: string, before: string, after: string): Promise<[string, string]> {
  const parent = (await analyzeSyntax(file, before)) as SyntaxAnalysis;
  const child = await analyzeSyntax(file, after);
  if (child === undefined || 'error' in child) throw new Error(`the child does not parse: ${child?.error}`);
  expect(child.numbers).toHaveLength(parent.numbers.length);
  const changed = parent.numbers.filter((site, index) => {
    const other = child.numbers[index]!;
    return before.slice(site.start, site.end) !== after.slice(other.start, other.end);
  });
  expect(changed).toHaveLength(1);
  const site = changed[0]!;
  // Everything around the literal is unchanged, frozen text included.
  const suffix = before.slice(site.end);
  expect(after.startsWith(before.slice(0, site.start))).toBe(true);
  expect(after.endsWith(suffix)).toBe(true);
  return [before.slice(site.start, site.end), after.slice(site.start, after.length - suffix.length)];
}

async function syntaxChildren(file: string, text: string, seeds: number): Promise<Map<string, Set<string>>> {
  const byLiteral = new Map<string, Set<string>>();
  for (let seed = 0; seed < seeds; seed++) {
    const result = await perturbNumber().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    expect(result.description).toMatch(new RegExp(`^perturb-number \\S+ -> \\S+ at ${file.replace('.', '\\.')}:\\d+$`));
    const [before, after] = await changedSyntaxLiteral(file, text, result.genome[file]!);
    byLiteral.set(before, (byLiteral.get(before) ?? new Set()).add(after));
  }
  return byLiteral;
}

const FLOAT = /^\(?-?\d+(\.\d+)?(e[-+]?\d+)?\)?$/;
const INTEGER_TEXT = /^\(?-?\d+\)?$/;

describe('perturb-number in other languages', () => {
  it('changes one literal of a Python file, keeping integers integral and floats fractional', async () => {
    const children = await syntaxChildren('model.py', LANGUAGE_SAMPLES.Python!.text, 150);
    expect([...children.keys()].sort()).toEqual(['-1.5', '-2', '0', '0.0', '0.25', '0.5', '0x1F', '1', '1.5', '10', '3', '4', '7']);
    for (const [before, afters] of children) {
      for (const after of afters) {
        if (before === '0x1F') expect(after).toMatch(/^\(?-?0x[0-9A-F]+\)?$/);
        else if (/^-?\d+$/.test(before)) expect(after).toMatch(INTEGER_TEXT);
        else expect(after).toMatch(/[.e]/);
        expect(after).toMatch(before === '0x1F' ? /./ : FLOAT);
      }
    }
  });

  it('keeps Rust suffixes and types: unsigned and unsuffixed integers never turn negative', async () => {
    const text = LANGUAGE_SAMPLES.Rust!.text;
    const children = await syntaxChildren('lib.rs', text, 200);
    for (const after of children.get('0u32') ?? []) expect(after).toMatch(/^\d+u32$/);
    for (const after of children.get('0x1F_u8') ?? []) expect(after).toMatch(/^0x[0-9A-F]+u8$/);
    for (const after of children.get('2.0f32') ?? []) expect(after).toMatch(/^\(?-?\d+\.\d+(e[-+]\d+)?f32\)?$/);
    for (const after of children.get('1') ?? []) expect(after).toMatch(/^\d+$/);
    for (const after of children.get('-1.5') ?? []) expect(after).toMatch(/^-?\d+\.\d+$/);
    expect(children.get('0u32')?.size).toBeGreaterThan(0);
    expect(children.get('2.0f32')?.size).toBeGreaterThan(0);
  });

  it('keeps C and C++ suffixes, radix and digit separators readable', async () => {
    const c = await syntaxChildren('kernel.c', LANGUAGE_SAMPLES.C!.text, 150);
    for (const after of c.get('-1.5f') ?? []) expect(after).toMatch(/^-?\d+\.\d+(e-\d+)?f$/);
    for (const after of c.get('0x1Fu') ?? []) expect(after).toMatch(/^0x[0-9A-F]+u$/);
    for (const after of c.get('1e-3') ?? []) expect(after).toMatch(/^\(?-?[\d.]+(e-\d+)?\)?$/);
    expect(c.get('0x1Fu')?.size).toBeGreaterThan(0);
    const cpp = await syntaxChildren('model.cpp', LANGUAGE_SAMPLES['C++']!.text, 150);
    for (const after of cpp.get("1'000L") ?? []) expect(after).toMatch(/^\(?-?\d+L\)?$/);
    for (const after of cpp.get('1.5f') ?? []) expect(after).toMatch(/^\(?-?\d+\.\d+f\)?$/);
    expect(cpp.get("1'000L")?.size).toBeGreaterThan(0);
  });

  it('changes one literal of a Go file, keeping the radix', async () => {
    const children = await syntaxChildren('main.go', LANGUAGE_SAMPLES.Go!.text, 120);
    for (const after of children.get('0x1F') ?? []) expect(after).toMatch(/^\(?-?0x[0-9A-F]+\)?$/);
    for (const after of children.get('1.5') ?? []) expect(after).toMatch(FLOAT);
    expect(children.size).toBeGreaterThan(6);
  });

  it('leaves alone the literals it cannot rewrite safely', async () => {
    const c = `// EVOLVE-BLOCK-START\nint a = 017;\ndouble b = 0x1.8p3;\ndouble c = 2.5;\n// EVOLVE-BLOCK-END\n`;
    expect([...(await syntaxChildren('a.c', c, 20)).keys()]).toEqual(['2.5']);
    const python = `# EVOLVE-BLOCK-START\nz = 2j + 1.5j\nn = 10\n# EVOLVE-BLOCK-END\n`;
    expect([...(await syntaxChildren('a.py', python, 20)).keys()]).toEqual(['10']);
    const rust = `// EVOLVE-BLOCK-START\nfn f(p: (u8, u8)) -> u8 { let a: [u8; 3] = [4, 5, 6]; p.1 + 7 * a[2] }\n// EVOLVE-BLOCK-END\n`;
    expect([...(await syntaxChildren('a.rs', rust, 40)).keys()].sort()).toEqual(['2', '4', '5', '6', '7']);
  });

  it('fails on a file that does not parse, naming file, line and column', async () => {
    const text = 'x = 1\n# EVOLVE-BLOCK-START\ny = (2 +\n# EVOLVE-BLOCK-END\n';
    const result = await perturbNumber().propose(contextFor([{ 'model.py': text }], 1));
    expect(result).toEqual({
      failure: expect.stringMatching(/^no numeric literal inside an EVOLVE block \(model\.py:\d+:\d+: cannot parse/),
    });
  });

  it('picks literals across a genome that mixes JavaScript and other languages', async () => {
    const genome = { 'pack.js': SAMPLE, 'model.py': LANGUAGE_SAMPLES.Python!.text };
    const edited = { 'pack.js': 0, 'model.py': 0 };
    for (let seed = 0; seed < 100; seed++) {
      const result = await perturbNumber().propose(contextFor([genome], seed));
      if ('failure' in result) throw new Error(result.failure);
      for (const file of ['pack.js', 'model.py'] as const) if (result.genome[file] !== genome[file]) edited[file]++;
    }
    // 21 literals in the JavaScript block, 19 in the Python one: both are picked about equally often.
    expect(edited['pack.js'] + edited['model.py']).toBe(100);
    expect(edited['pack.js']).toBeGreaterThan(30);
    expect(edited['model.py']).toBeGreaterThan(30);
  });
});
