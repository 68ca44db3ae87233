import { describe, expect, it } from 'vitest';
import { reparseError, analyzeSyntax } from '../syntax/analysis.ts';
import { readConstants, writeConstants } from './literals.ts';

const block = (file: string, body: string): string => {
  const comment = file.endsWith('.py') ? '#' : '//';
  return `${comment} head\n${comment} EVOLVE-BLOCK-START\n${body}\n${comment} EVOLVE-BLOCK-END\n`;
};

/** Per language: a body mixing floats (negated, parenthesised, suffixed, in calls) with integers and other literals. */
const CASES: Array<{ file: string; body: string; values: number[] }> = [
  {
    file: 'a.js',
    body: 'const y = 1.0 * x + (-0.5) + f(-0.25) - -0.125 + 2 ** 0.5 + 1e-3 + 0x1e + 10n + 1_000.5 + 3 + a[2];',
    values: [1, -0.5, -0.25, -0.125, 0.5, 1e-3, 1000.5],
  },
  {
    file: 'a.ts',
    body: 'const y: number = 2.5 * x - 7 + .5;',
    values: [2.5, 0.5],
  },
  {
    file: 'a.py',
    body: 'y = 1.0 * x + (-0.5) + g(-0.25) - -0.125 + 2 ** 0.5 + 1e-3 + 0x1e + 1j + 1_0.5 + 3',
    values: [1, -0.5, -0.25, -0.125, 0.5, 1e-3, 10.5],
  },
  {
    file: 'a.c',
    body: 'double y = 1.0f * x + (-0.5) + g(-0.25) - -0.125 + 1e-3L + 0x1p3 + 5u + 2;',
    values: [1, -0.5, -0.25, -0.125, 1e-3],
  },
  {
    file: 'a.rs',
    body: 'let y = 1.0f64 * x + (-0.5) + g(-0.25) - -0.125 + 2f32 as f64 + 1_000.5_f64 + 3 as f64;',
    values: [1, -0.5, -0.25, -0.125, 2, 1000.5],
  },
  {
    file: 'a.go',
    body: 'y := 1.0*x + (-0.5) + g(-0.25) - -0.125 + 1e-3 + 0x1p-2 + 3',
    values: [1, -0.5, -0.25, -0.125, 1e-3],
  },
];

describe('readConstants', () => {
  for (const { file, body, values } of CASES) {
    it(`reads the float literals of ${file} with their signs, and leaves integers, hex and imaginary ones alone`, async () => {
      const { literals, errors } = await readConstants({ [file]: block(file, body) });
      expect(errors).toEqual([]);
      expect(literals.map((literal) => literal.value)).toEqual(values);
      expect(new Set(literals.map((literal) => literal.line))).toEqual(new Set([3]));
    });
  }

  it('reads nothing outside the EVOLVE blocks, and nothing from files no grammar covers', async () => {
    const text = 'const a = 0.5;\n// EVOLVE-BLOCK-START\nconst b = 2;\n// EVOLVE-BLOCK-END\nconst c = 1.5;\n';
    const { literals } = await readConstants({ 'a.js': text, 'notes.txt': 'EVOLVE-BLOCK-START 1.5' });
    expect(literals).toEqual([]);
  });

  it('reads several files in name order', async () => {
    const { literals } = await readConstants({ 'b.py': block('b.py', 'y = 2.5'), 'a.js': block('a.js', 'const y = 1.5;') });
    expect(literals.map((literal) => [literal.file, literal.value])).toEqual([
      ['a.js', 1.5],
      ['b.py', 2.5],
    ]);
  });
});

describe('writeConstants', () => {
  for (const { file, body, values } of CASES) {
    it(`writes any values into ${file}: the child parses, reads back exactly, and keeps its template`, async () => {
      const genome = { [file]: block(file, body) };
      const parent = await readConstants(genome);
      // Every sign change both ways, an awkward exponent and a value with 17 significant digits.
      const next = values.map((value, index) => [-(value * 1.37), 0.30000000000000004, 1e-21, -123456789.5][index % 4] as number);
      const child = writeConstants(genome, parent.literals, next);
      const analysis = await analyzeSyntax(file, child[file] as string);
      expect(analysis).toBeDefined();
      expect(analysis).not.toHaveProperty('error');
      const again = await readConstants(child);
      expect(again.literals.map((literal) => literal.value)).toEqual(next);
      expect(again.template).toBe(parent.template);
      // And back again: the grandchild has the parent's template too.
      const back = writeConstants(child, again.literals, values);
      expect((await readConstants(back)).literals.map((literal) => literal.value)).toEqual(values);
      expect((await readConstants(back)).template).toBe(parent.template);
    });
  }

  it('keeps type suffixes, uses a bare minus only where one stood, and parenthesises other negatives', async () => {
    const rust = { 'a.rs': block('a.rs', 'let y = 1.5f32 + 2.0_f64 * x - 0.5;') };
    const { literals } = await readConstants(rust);
    const child = writeConstants(rust, literals, [-0.25, 3, -1]);
    expect(child['a.rs']).toContain('let y = (-0.25f32) + 3.0_f64 * x - (-1.0);');
    const c = { 'a.c': block('a.c', 'float y = -1.5f * x;') };
    const written = writeConstants(c, (await readConstants(c)).literals, [-2.25]);
    expect(written['a.c']).toContain('float y = -2.25f * x;');
    const analysis = await analyzeSyntax('a.c', c['a.c'] as string);
    if (!analysis || 'error' in analysis) throw new Error('a.c does not parse');
    expect(reparseError(analysis, written['a.c'] as string)).toBeUndefined();
  });

  it('changes nothing outside the literals it rewrites', async () => {
    const genome = { 'a.js': block('a.js', 'const y = 1.5 * x + 2; // 0.5 in a comment'), 'data.txt': '0.5' };
    const child = writeConstants(genome, (await readConstants(genome)).literals, [0.75]);
    expect(child).toEqual({ 'a.js': (genome['a.js'] as string).replace('1.5', '0.75'), 'data.txt': '0.5' });
  });
});
