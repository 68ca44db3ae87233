import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { checkFrozen } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';
import { crossover } from './crossover.ts';
import { contextFor, LANGUAGE_SAMPLES, runOperatorConformance, SAMPLE, SAMPLE_VARIANT, treeSitterError } from './operator.conformance.ts';

runOperatorConformance(() => crossover());

const block = (code: string, frozen = 'export const frozen = 1;'): string =>
  `${frozen}\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

async function children(first: Genome, second: Genome, seeds: number): Promise<Array<{ genome: Genome; description: string }>> {
  const results = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await crossover().propose(contextFor([first, second], seed));
    if ('failure' in result) throw new Error(result.failure);
    results.push(result);
  }
  return results;
}

describe('crossover', () => {
  it("keeps the first parent's frozen text and takes new code from the second parent", async () => {
    const first = { 'pack.js': SAMPLE };
    const second = { 'pack.js': SAMPLE_VARIANT.replace('// helper outside', '// another helper outside') };
    for (const { genome, description } of await children(first, second, 60)) {
      expect(checkFrozen(first, genome)).toBeUndefined();
      expect(genome['pack.js']).not.toBe(SAMPLE);
      const donor = / <- (.*)$/.exec(description)![1]!;
      if (!donor.endsWith('...')) expect(SAMPLE_VARIANT.replace(/\s+/g, ' ')).toContain(donor);
    }
  });

  it('prefers a node of the same type', async () => {
    const first = { 'a.js': block('export const a = 1 + 2;') };
    const second = { 'a.js': block('export const a = 3 * 4;') };
    const allowed = ['3 * 4', '3 + 2', '4 + 2', '1 + 3', '1 + 4'].map((init) => block(`export const a = ${init};`));
    const seen = new Set<string>();
    for (const { genome } of await children(first, second, 40)) {
      expect(allowed).toContain(genome['a.js']);
      seen.add(genome['a.js']!);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('parenthesises an expression whose new position would regroup it', async () => {
    const first = { 'a.js': block('export const a = (b, c) => b * c;') };
    const second = { 'a.js': block('export const a = () => 1 + 2;') };
    let wrapped = 0;
    for (const { genome } of await children(first, second, 40)) {
      const text = genome['a.js']!;
      const program = parse(text, { sourceType: 'module' }).program;
      type Exported = { declaration: { declarations: Array<{ init: { body: { type: string; operator?: string } } }> } };
      const arrow = (program.body[1] as unknown as Exported).declaration.declarations[0]!.init;
      if (arrow.body.type === 'BinaryExpression' && arrow.body.operator === '+') continue;
      expect(arrow.body).toMatchObject({ type: 'BinaryExpression', operator: '*' });
      if (text.includes('(1 + 2)')) wrapped++;
    }
    expect(wrapped).toBeGreaterThan(0);
  });

  it('re-indents a statement taken from a different depth', async () => {
    const first = {
      'a.js': block('export function f(a) {\n  if (a) {\n    for (const k of a) {\n      a.x = k;\n    }\n  }\n  return a;\n}'),
    };
    const second = { 'a.js': block('export function f(a) {\n  for (const k of a) {\n    a.y = k;\n  }\n  return a;\n}') };
    const expected = '  if (a) {\n    for (const k of a) {\n      a.y = k;\n    }\n  }';
    const texts = (await children(first, second, 60)).map(({ genome }) => genome['a.js']!);
    expect(texts.filter((text) => text.includes(expected)).length).toBeGreaterThan(0);
  });

  it('fails cleanly on identical parents and on a second parent without the file', async () => {
    const genome = { 'pack.js': SAMPLE };
    expect(await crossover().propose(contextFor([genome, genome], 1))).toEqual({
      failure: 'crossover: the parents have identical EVOLVE blocks',
    });
    expect(await crossover().propose(contextFor([genome, { 'other.js': SAMPLE_VARIANT }], 1))).toEqual({
      failure: 'crossover: parent 2 has no EVOLVE block in a file of parent 1',
    });
    expect(await crossover().propose(contextFor([genome], 1))).toEqual({ failure: 'crossover needs two parents' });
  });

  it('fails when handed the same candidate twice, even where its copies differ', async () => {
    const context = contextFor([{ 'pack.js': SAMPLE }, { 'pack.js': SAMPLE_VARIANT }], 1);
    const twice = { ...context, parents: [context.parents[0]!, { ...context.parents[1]!, entry: context.parents[0]!.entry }] };
    expect(await crossover().propose(twice)).toEqual({ failure: 'crossover needs two different parents, got test-0 twice' });
  });

  it('fails when the second parent has no node of the same category with different text', async () => {
    const first = { 'a.js': block('export const a = 1;') };
    const second = { 'a.js': block('export const a = 1;\n', 'export const frozen = 1; // other frozen text') };
    const result = await crossover().propose(contextFor([first, second], 1));
    expect(result).toEqual({ failure: expect.stringContaining('crossover:') });
  });
});

async function syntaxChildren(first: Genome, second: Genome, seeds: number): Promise<Array<{ genome: Genome; description: string }>> {
  const results = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await crossover().propose(contextFor([first, second], seed));
    if ('failure' in result) continue;
    for (const [file, text] of Object.entries(result.genome)) expect(await treeSitterError(file, text)).toBeUndefined();
    results.push(result);
  }
  return results;
}

describe('crossover in other languages', () => {
  it("keeps the first parent's frozen text and takes new code from the second parent, in every language", async () => {
    for (const sample of Object.values(LANGUAGE_SAMPLES)) {
      const first = { [sample.file]: sample.text };
      const second = { [sample.file]: sample.variant };
      const results = await syntaxChildren(first, second, 40);
      expect(results.length).toBeGreaterThan(30);
      for (const { genome, description } of results) {
        expect(checkFrozen(first, genome)).toBeUndefined();
        expect(genome[sample.file]).not.toBe(sample.text);
        expect(description).toMatch(new RegExp(`^crossover at ${sample.file.replace('.', '\\.')}:\\d+: .+ <- .+$`));
        const donor = / <- (.*)$/.exec(description)![1]!;
        if (!donor.endsWith('...')) expect(sample.variant.replace(/\s+/g, ' ')).toContain(donor);
      }
    }
  });

  it('never moves a local of the donor out of its scope, nor a continue out of its loop', async () => {
    const python = (body: string): string =>
      '# EVOLVE-BLOCK-START\ndef f(xs, n):\n    total = 0.0\n    total += n\n    for x in xs:\n' +
      `${body}\n    return total\n# EVOLVE-BLOCK-END\n`;
    const first = { 'a.py': python('        total += x * 2.0') };
    const second = { 'a.py': python('        if n > 3:\n            continue\n        total -= x * 3.0') };
    const results = await syntaxChildren(first, second, 80);
    expect(results.length).toBeGreaterThan(40);
    for (const { genome } of results) {
      const [head, loop] = genome['a.py']!.split('    for x in xs:\n');
      expect(head).not.toMatch(/\bx\b|continue/);
      expect(loop!.split('\n').at(-3)).toMatch(/^ {4}return \w+$/);
    }
  });

  it('trades literals only for literals of the same type in Rust', async () => {
    const rust = (n: string, a: string): string =>
      `// EVOLVE-BLOCK-START\nfn f() -> f64 {\n    let n = ${n};\n    let a = ${a};\n    a * n as f64\n}\n// EVOLVE-BLOCK-END\n`;
    const results = await syntaxChildren({ 'a.rs': rust('2', '1.5') }, { 'a.rs': rust('3', '2.5f32') }, 40);
    const texts = new Set(results.map(({ genome }) => genome['a.rs']!));
    expect(texts).toContain(rust('3', '1.5'));
    const literal = /^-?\d[\d.]*(f32)?$/;
    const classOf = (text: string): string => (text.includes('.') ? 'float' : 'int') + (text.endsWith('f32') ? 'f32' : '');
    let literals = 0;
    for (const { description } of results) {
      const [, target, donor] = /: (.+) <- (.+)$/.exec(description)!;
      if (!literal.test(target!) && !literal.test(donor!)) continue;
      literals++;
      expect(literal.test(target!) && literal.test(donor!)).toBe(true);
      expect(classOf(donor!)).toBe(classOf(target!));
    }
    expect(literals).toBeGreaterThan(0);
  });

  it('fails cleanly on identical parents in any language', async () => {
    const genome = { 'model.py': LANGUAGE_SAMPLES.Python!.text };
    expect(await crossover().propose(contextFor([genome, genome], 1))).toEqual({
      failure: 'crossover: the parents have identical EVOLVE blocks',
    });
  });
});
