import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { duplicateStatement } from './duplicate-statement.ts';
import { contextFor, runOperatorConformance, SAMPLE, treeSitterError } from './operator.conformance.ts';

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

/** `lines` with `inserted` added after line `index` (0-based), joined back into a file. */
const insertedAfter = (lines: readonly string[], index: number, inserted: readonly string[]): string =>
  [...lines.slice(0, index + 1), ...inserted, ...lines.slice(index + 1)].join('\n');

async function childSet(file: string, text: string, seeds: number): Promise<Set<string>> {
  const children = new Set<string>();
  for (let seed = 0; seed < seeds; seed++) {
    const result = await duplicateStatement().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    expect(await treeSitterError(file, result.genome[file]!)).toBeUndefined();
    children.add(result.genome[file]!);
  }
  return children;
}

describe('duplicate-statement in other languages', () => {
  it('re-indents a Python statement to the line it is copied after', async () => {
    const lines = [
      'import math',
      '# EVOLVE-BLOCK-START',
      'def f(xs):',
      '    total = 0',
      '    for x in xs:',
      '        if x > 0:',
      '            total += x',
      '    return total',
      '# EVOLVE-BLOCK-END',
      '',
    ];
    const loop = lines.slice(4, 7);
    expect(await childSet('model.py', lines.join('\n'), 80)).toEqual(
      new Set([
        insertedAfter(lines, 3, ['    total = 0']),
        insertedAfter(lines, 6, ['    total = 0']),
        insertedAfter(lines, 7, ['    total = 0']),
        insertedAfter(lines, 6, loop),
        insertedAfter(lines, 7, loop),
        insertedAfter(lines, 6, loop.slice(1)),
        insertedAfter(lines, 6, loop.slice(2)),
      ]),
    );
  });

  it('puts a copy on the same line after `; ` where statements share a line in Python and Go', async () => {
    const python = '# EVOLVE-BLOCK-START\nx = 0\nx += 1; x *= 2\n# EVOLVE-BLOCK-END\n';
    expect(await childSet('a.py', python, 40)).toContain(python.replace('x += 1;', 'x += 1; x += 1;'));
    const go = 'package m\n// EVOLVE-BLOCK-START\nfunc f(x int) int {\n\tx++; x *= 2\n\treturn x\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.go', go, 40)).toContain(go.replace('x++;', 'x++; x++;'));
  });

  it('never copies a C or Go declaration, but does copy a Rust let', async () => {
    const c = '// EVOLVE-BLOCK-START\nint f(int a) {\n  int b = a + 1;\n  a += b;\n  return a;\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.c', c, 20)).toEqual(
      new Set([c.replace('  a += b;\n', '  a += b;\n  a += b;\n'), c.replace('  return a;\n', '  return a;\n  a += b;\n')]),
    );
    const go = 'package m\n// EVOLVE-BLOCK-START\nfunc f(a int) int {\n\tb := a + 1\n\ta += b\n\treturn a\n}\n// EVOLVE-BLOCK-END\n';
    for (const child of await childSet('a.go', go, 20)) expect(child.split('b := a + 1')).toHaveLength(2);
    const rust = '// EVOLVE-BLOCK-START\nfn f(a: i32) -> i32 {\n    let b = a + 1;\n    b * 2\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.rs', rust, 5)).toEqual(
      new Set([rust.replace('    let b = a + 1;\n', '    let b = a + 1;\n    let b = a + 1;\n')]),
    );
  });
});
