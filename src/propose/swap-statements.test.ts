import { describe, expect, it } from 'vitest';
import { contextFor, runOperatorConformance, SAMPLE, treeSitterError } from './operator.conformance.ts';
import { swapStatements } from './swap-statements.ts';

runOperatorConformance(() => swapStatements());

const block = (code: string): string => `export const frozen = 1;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

async function swapped(file: string, text: string, seeds: number): Promise<string[]> {
  const children = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await swapStatements().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    children.push(result.genome[file]!);
  }
  return children;
}

describe('swap-statements', () => {
  it('swaps two adjacent lines, never moving a use above its declaration or a return into place', async () => {
    const parentLines = SAMPLE.split('\n');
    const pairs = new Set<string>();
    for (const child of await swapped('pack.js', SAMPLE, 60)) {
      const lines = child.split('\n');
      expect([...lines].sort()).toEqual([...parentLines].sort());
      const changed = lines.flatMap((line, index) => (line === parentLines[index] ? [] : [index]));
      expect(changed).toHaveLength(2);
      expect(changed[1]! - changed[0]!).toBe(1);
      pairs.add(`${parentLines[changed[0]!]!.trim()} / ${parentLines[changed[1]!]!.trim()}`);
    }
    expect(pairs).toEqual(
      new Set([
        'const centers = []; / const rows = [5, 6, 5, 6, 4];',
        'const rows = [5, 6, 5, 6, 4]; / let index = 0;',
        'const x = (col + 0.5 + (row % 2) * 0.25) / count; / const y = (row + 0.5) / rows.length;',
        'centers.push([x * 0.98 + 0.01, y]); / index += 1;',
      ]),
    );
  });

  it('keeps the text between the two statements in place', async () => {
    const text = block('export function f(a) {\n  a.push(1); // first\n\n  /* between */\n  a.push(2);\n  return a;\n}');
    const [child] = await swapped('a.js', text, 1);
    expect(child).toBe(
      text.replace('a.push(1); // first\n\n  /* between */\n  a.push(2);', 'a.push(2); // first\n\n  /* between */\n  a.push(1);'),
    );
  });

  it('fails when no pair can be swapped', async () => {
    const text = block('export function f(n) {\n  const a = n + 1;\n  return a;\n}');
    expect(await swapStatements().propose(contextFor([{ 'a.js': text }], 1))).toEqual({
      failure: 'no two adjacent statements inside an EVOLVE block can be swapped',
    });
  });
});

async function childSet(file: string, text: string, seeds: number): Promise<Set<string>> {
  const children = new Set<string>();
  for (const child of await swapped(file, text, seeds)) {
    expect(await treeSitterError(file, child)).toBeUndefined();
    children.add(child);
  }
  return children;
}

describe('swap-statements in other languages', () => {
  it('swaps Python statements at their indentation, never moving a use above the assignment that first binds its name', async () => {
    const text =
      '# EVOLVE-BLOCK-START\ndef f(a):\n    b = a + 1\n    c = b * 2\n    a = a - 1\n    for k in range(a):\n' +
      '        c += k\n    return c\n# EVOLVE-BLOCK-END\n';
    expect(await childSet('model.py', text, 40)).toEqual(
      new Set([
        text.replace('    c = b * 2\n    a = a - 1\n', '    a = a - 1\n    c = b * 2\n'),
        text.replace('    a = a - 1\n    for k in range(a):\n        c += k\n', '    for k in range(a):\n        c += k\n    a = a - 1\n'),
      ]),
    );
  });

  it('swaps C++, Rust and Go statements, keeping declarations above their uses', async () => {
    const cpp = '// EVOLVE-BLOCK-START\nint f(int a) {\n  int b = a * 2;\n  a += 1;\n  b -= a;\n  return b;\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.cpp', cpp, 20)).toEqual(
      new Set([
        cpp.replace('  int b = a * 2;\n  a += 1;\n', '  a += 1;\n  int b = a * 2;\n'),
        cpp.replace('  a += 1;\n  b -= a;\n', '  b -= a;\n  a += 1;\n'),
      ]),
    );
    const rust =
      '// EVOLVE-BLOCK-START\nfn f(mut a: i32) -> i32 {\n    let b = a * 2;\n    a += b;\n    a -= 1;\n    a\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.rs', rust, 20)).toEqual(new Set([rust.replace('    a += b;\n    a -= 1;\n', '    a -= 1;\n    a += b;\n')]));
    const go =
      'package m\n// EVOLVE-BLOCK-START\nfunc f(a int) int {\n\tb := a * 2\n\ta += b\n\ta -= 1\n\treturn a\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('a.go', go, 20)).toEqual(new Set([go.replace('\ta += b\n\ta -= 1\n', '\ta -= 1\n\ta += b\n')]));
  });
});
