import { parse, type ParserPlugin } from '@babel/parser';
import { VISITOR_KEYS } from '@babel/types';
import type { Node } from '@babel/types';
import { describe, expect, it } from 'vitest';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { contextFor, LANGUAGE_SAMPLES, runOperatorConformance, SAMPLE, SAMPLE_TS, treeSitterError } from './operator.conformance.ts';
import { swapOperator } from './swap-operator.ts';
import { languageOf, parserFor } from './syntax/grammars.ts';
import { operatorClass } from './tokens.ts';

runOperatorConformance(() => swapOperator());

const block = (code: string): string => `export const frozen = 1 + 2;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

/** Node types in tree order, without operators or positions: equal shapes mean equal grouping. */
function shape(text: string, plugins: ParserPlugin[] = []): string {
  const out: string[] = [];
  const walk = (node: Node): void => {
    out.push(node.type, '(');
    for (const key of VISITOR_KEYS[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child !== null && typeof child === 'object' && 'type' in child) walk(child as Node);
      }
    }
    out.push(')');
  };
  walk(parse(text, { sourceType: 'module', plugins }).program);
  return out.join(' ');
}

async function swaps(file: string, text: string, seeds: number): Promise<Array<{ child: string; from: string; to: string }>> {
  const results = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await swapOperator().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) continue;
    const [, from, to] = /^swap-operator (\S+) -> (\S+) at /.exec(result.description)!;
    results.push({ child: result.genome[file]!, from: from!, to: to! });
  }
  return results;
}

describe('swap-operator', () => {
  it('swaps within a precedence class, keeping the parse tree shape', async () => {
    const plugins: Record<string, ParserPlugin[]> = { 'pack.js': [], 'spread.ts': ['typescript'] };
    const seen = new Set<string>();
    for (const [file, text] of [
      ['pack.js', SAMPLE],
      ['spread.ts', SAMPLE_TS],
    ] as const) {
      for (const { child, from, to } of await swaps(file, text, 150)) {
        const bare = (operator: string): string => operator.replace('Math.', '');
        expect(from).not.toBe(to);
        expect(operatorClass(bare(from))).toContain(bare(to));
        expect(shape(child, plugins[file])).toBe(shape(text, plugins[file]));
        seen.add(`${from}${to}`);
      }
    }
    expect(seen).toContain('<<=');
    expect(seen).toContain('&&||');
    expect(seen).toContain('Math.maxMath.min');
  });

  it('replaces only the operator token', async () => {
    for (const { child, from, to } of await swaps('pack.js', SAMPLE, 60)) {
      let start = 0;
      while (child[start] === SAMPLE[start]) start++;
      let end = 0;
      while (child[child.length - 1 - end] === SAMPLE[SAMPLE.length - 1 - end]) end++;
      const removed = SAMPLE.slice(start, SAMPLE.length - end);
      const added = child.slice(start, child.length - end);
      expect(from).toContain(removed);
      expect(` ${to} `).toContain(added);
      expect(added.length + removed.length).toBeLessThanOrEqual(6);
    }
  });

  it('leaves unparenthesised chains of && and || alone', async () => {
    const text = block('export const chain = (p, q, r) => p || q && r;');
    expect(await swapOperator().propose(contextFor([{ 'a.js': text }], 1))).toEqual({
      failure: 'no swappable operator inside an EVOLVE block',
    });
    const grouped = block('export const chain = (p, q, r) => p || (q && r);');
    const results = await swaps('a.js', grouped, 20);
    expect(new Set(results.map(({ from }) => from))).toEqual(new Set(['&&', '||']));
    for (const { child } of results) expect(shape(child)).toBe(shape(grouped));
  });

  it('adds a space where the new token would fuse with a neighbour', async () => {
    const text = block('export const f = (x, y) => x+-y;');
    const [swap] = await swaps('a.js', text, 1);
    expect(swap!.child).toContain('x- -y');
    expect(shape(swap!.child)).toBe(shape(text));
  });

  it('swaps Math.min and Math.max', async () => {
    const text = block('export const clamp = (v) => Math.min(v, 1);');
    const [swap] = await swaps('a.js', text, 1);
    expect(swap!.child).toBe(text.replace('Math.min', 'Math.max'));
  });

  it('rejects a TypeScript swap that would read as type arguments', async () => {
    const text = block('declare function f(...args: unknown[]): void;\nconst a = 1, b = 2, c = 3, d = 4;\nf(a <= b, c > (d));');
    let rejected = 0;
    for (let seed = 0; seed < 40; seed++) {
      const result = await swapOperator().propose(contextFor([{ 'a.ts': text }], seed));
      if ('failure' in result) {
        expect(result.failure).toContain('<= -> < at a.ts:5 would change how the code parses');
        rejected++;
      } else {
        expect(shape(result.genome['a.ts']!, ['typescript'])).toBe(shape(text, ['typescript']));
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

/** Named node types in tree order, through the file's grammar: equal shapes mean equal grouping. */
async function syntaxShape(file: string, text: string): Promise<string> {
  const tree = (await parserFor(languageOf(file)!)).parse(text)!;
  const out: string[] = [];
  const walk = (node: SyntaxNode): void => {
    out.push(node.type, '(');
    for (const child of node.namedChildren) if (child !== null) walk(child);
    out.push(')');
  };
  walk(tree.rootNode);
  tree.delete();
  return out.join(' ');
}

describe('swap-operator in other languages', () => {
  it('swaps within a precedence class in Python, C, C++, Rust and Go, keeping the tree shape', async () => {
    const classes = [
      ['+', '-'],
      ['*', '/'],
      ['<', '<=', '>', '>='],
      ['==', '!='],
      ['&&', '||'],
      ['and', 'or'],
    ];
    for (const sample of Object.values(LANGUAGE_SAMPLES)) {
      const seen = new Set<string>();
      const original = await syntaxShape(sample.file, sample.text);
      for (const { child, from, to } of await swaps(sample.file, sample.text, 80)) {
        expect(await treeSitterError(sample.file, child)).toBeUndefined();
        expect(await syntaxShape(sample.file, child)).toBe(original);
        const bare = (name: string): string => name.replace(/^(std::|math\.|Math\.|\.|f)/, '').toLowerCase();
        expect(classes.some((members) => members.includes(from) && members.includes(to)) || /min|max/i.test(from)).toBe(true);
        if (/min|max/i.test(from)) expect(new Set([bare(from), bare(to)])).toEqual(new Set(['min', 'max']));
        seen.add(`${from} ${to}`);
      }
      expect(seen.size).toBeGreaterThanOrEqual(6);
    }
  });

  it('swaps and/or in Python, never // or %, and leaves loose chains alone', async () => {
    const text = 'base = 1 + 2\n# EVOLVE-BLOCK-START\nx = a or b and c\ny = p and q\nz = n // 2 % 3\n# EVOLVE-BLOCK-END\n';
    const results = await swaps('a.py', text, 10);
    expect(results).toHaveLength(10);
    for (const { child } of results) expect(child).toBe(text.replace('p and q', 'p or q'));
  });

  it('swaps min and max in calls of each language', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['a.py', '# EVOLVE-BLOCK-START\nbest = max(best, 1)\n# EVOLVE-BLOCK-END\n', 'max(', 'min('],
      ['a.c', '// EVOLVE-BLOCK-START\ndouble f(double a) { return fmax(a, 1.0); }\n// EVOLVE-BLOCK-END\n', 'fmax(', 'fmin('],
      ['a.cpp', '// EVOLVE-BLOCK-START\nint f(int a) { return std::max(a, 1); }\n// EVOLVE-BLOCK-END\n', 'std::max(', 'std::min('],
      ['a.rs', '// EVOLVE-BLOCK-START\nfn f(a: f64) -> f64 { a.max(1.0) }\n// EVOLVE-BLOCK-END\n', '.max(', '.min('],
      [
        'a.go',
        'package m\n// EVOLVE-BLOCK-START\nfunc f(a float64) float64 { return math.Max(a, 1) }\n// EVOLVE-BLOCK-END\n',
        'math.Max(',
        'math.Min(',
      ],
    ];
    for (const [file, text, from, to] of cases) {
      const result = await swapOperator().propose(contextFor([{ [file]: text }], 1));
      if ('failure' in result) throw new Error(result.failure);
      expect(result.genome[file]).toBe(text.replace(from, to));
      const line = text.split('\n').findIndex((row) => row.includes(from)) + 1;
      expect(result.description).toBe(`swap-operator ${from.slice(0, -1)} -> ${to.slice(0, -1)} at ${file}:${line}`);
    }
  });

  it('never puts a new < after a Rust cast, which rustc would read as generic arguments', async () => {
    const text = '// EVOLVE-BLOCK-START\nfn f(x: u32, y: usize) -> bool { x as usize > y }\n// EVOLVE-BLOCK-END\n';
    const results = await swaps('a.rs', text, 30);
    expect(new Set(results.map(({ to }) => to))).toEqual(new Set(['<=', '>=']));
  });
});
