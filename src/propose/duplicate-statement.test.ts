import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { duplicateStatement } from './duplicate-statement.ts';
import { contextFor, runOperatorConformance, SAMPLE } from './operator.conformance.ts';

runOperatorConformance(() => duplicateStatement());

const block = (code: string): string => `export const frozen = 1;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

async function duplicates(file: string, text: string, seeds: number): Promise<Array<{ child: string; code: string }>> {
  const results = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await duplicateStatement().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    results.push({ child: result.genome[file]!, code: /: (.*)$/.exec(result.description)![1]! });
  }
  return results;
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('duplicate-statement', () => {
  it('copies one non-declaration statement, adding exactly its text', async () => {
    const copied = new Set<string>();
    for (const { child, code } of await duplicates('pack.js', SAMPLE, 80)) {
      expect(code).not.toMatch(/^(const|let|var|function|class|return|export)\b/);
      copied.add(code.slice(0, 12));
      const line = code.endsWith('...') ? code.slice(0, code.indexOf('{') + 1) : code;
      expect(count(child, line)).toBe(count(SAMPLE, line) + 1);
    }
    expect(copied).toEqual(new Set(['index += 1;', 'centers.push', 'for (let col', 'for (let row']));
  });

  it("puts the copy on its own line with the block's indentation", async () => {
    const results = await duplicates('pack.js', SAMPLE, 80);
    const single = results.find(({ code }) => code === 'index += 1;')!;
    expect(single.child).toContain('      index += 1;\n      index += 1;\n');
    const loop = results.find(({ code }) => code.startsWith('for (let col'))!;
    expect(loop.child).toContain('    }\n    for (let col = 0; col < count && index < n; col++) {\n      const x =');
  });

  it('keeps a copy from gluing onto its neighbour in code without semicolons', async () => {
    const text = block('export function swap(a, b) {\n  a = b\n  ;[a, b] = [b, a]\n  return [a, b]\n}');
    for (const { child } of await duplicates('a.js', text, 20)) {
      const body = parse(child, { sourceType: 'module' }).program.body[1] as { declaration: { body: { body: unknown[] } } };
      expect(body.declaration.body.body).toHaveLength(4);
    }
  });

  it('fails when the block holds only declarations and exits', async () => {
    const text = block('export function f() {\n  const a = 1;\n  return a;\n}');
    expect(await duplicateStatement().propose(contextFor([{ 'a.js': text }], 1))).toEqual({
      failure: 'no statement inside an EVOLVE block that can be duplicated',
    });
  });
});
