import { parse, type ParserPlugin } from '@babel/parser';
import { VISITOR_KEYS } from '@babel/types';
import type { Node } from '@babel/types';
import { describe, expect, it } from 'vitest';
import { operatorClass } from './tokens.ts';
import { contextFor, runOperatorConformance, SAMPLE, SAMPLE_TS } from './operator.conformance.ts';
import { swapOperator } from './swap-operator.ts';

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
