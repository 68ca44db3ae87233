import { describe, expect, it } from 'vitest';
import { deleteStatement } from './delete-statement.ts';
import { contextFor, runOperatorConformance, SAMPLE, treeSitterError } from './operator.conformance.ts';

runOperatorConformance(() => deleteStatement());

const block = (code: string): string => `export const frozen = 1;\n// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END\n`;

async function deletions(file: string, text: string, seeds: number): Promise<Array<{ child: string; code: string }>> {
  const results = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await deleteStatement().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    results.push({ child: result.genome[file]!, code: /: (.*)$/.exec(result.description)![1]! });
  }
  return results;
}

describe('delete-statement', () => {
  it('deletes whole lines, never the final return or a declaration still in use', async () => {
    const deleted = new Set<string>();
    for (const { child, code } of await deletions('pack.js', SAMPLE, 60)) {
      deleted.add(code.slice(0, 12));
      expect(child).toContain('  return centers;\n}');
      const kept = ['const centers', 'const rows', 'let index'];
      if (!code.startsWith('for (')) kept.push('const count', 'const x', 'const y');
      for (const declaration of kept) expect(child).toContain(declaration);
      expect(child).not.toMatch(/\n[ \t]*\n/);
      const removedLines = SAMPLE.split('\n').length - child.split('\n').length;
      expect(removedLines).toBe(code.startsWith('for (let col') ? 6 : code.startsWith('for (let row') ? 9 : 1);
    }
    expect(deleted).toEqual(new Set(['index += 1;', 'centers.push', 'for (let col', 'for (let row']));
  });

  it('deletes a declaration whose names are used nowhere else', async () => {
    const text = block('export function f(n) {\n  const unused = n * 2;\n  const used = n + 1;\n  return used;\n}');
    for (const { child, code } of await deletions('a.js', text, 10)) {
      expect(code).toBe('const unused = n * 2;');
      expect(child).toBe(text.replace('  const unused = n * 2;\n', ''));
    }
  });

  it('keeps a statement from gluing its neighbours together in code without semicolons', async () => {
    const text = block('export function f(g, h) {\n  g()\n  h()\n  ;(g)()\n}');
    const children = new Set((await deletions('a.js', text, 20)).map(({ child }) => child));
    expect(children).toContain(text.replace('  g()\n', ''));
    // `h()` owns the `;` of the next line; without it `g()` would call the result of `g()`.
    expect(children).toContain(text.replace('h()\n  ;', ';'));
  });

  it('keeps a declaration that frozen code outside the block uses', async () => {
    const text = `${block('const helper = 2;\nlet spare = 3;')}export const twice = helper * 2;\n`;
    for (const { code } of await deletions('a.js', text, 10)) expect(code).toBe('let spare = 3;');
  });

  it('fails when only a final return and exports remain', async () => {
    const text = block('export function f() {\n  return 1;\n}');
    expect(await deleteStatement().propose(contextFor([{ 'a.js': text }], 1))).toEqual({
      failure: 'no statement inside an EVOLVE block that can be deleted',
    });
  });
});

async function childSet(file: string, text: string, seeds: number): Promise<Set<string>> {
  const children = new Set<string>();
  for (let seed = 0; seed < seeds; seed++) {
    const result = await deleteStatement().propose(contextFor([{ [file]: text }], seed));
    if ('failure' in result) throw new Error(result.failure);
    expect(await treeSitterError(file, result.genome[file]!)).toBeUndefined();
    children.add(result.genome[file]!);
  }
  return children;
}

describe('delete-statement in other languages', () => {
  it('turns the only statement of a Python block into pass, and keeps a name first bound here and used later', async () => {
    const text =
      '# EVOLVE-BLOCK-START\ndef f(x):\n    if x > 0:\n        x = x - 1\n    y = x * 2\n    x += 1\n    return y\n# EVOLVE-BLOCK-END\n';
    expect(await childSet('model.py', text, 40)).toEqual(
      new Set([
        text.replace('    if x > 0:\n        x = x - 1\n', ''),
        text.replace('        x = x - 1\n', '        pass\n'),
        text.replace('    x += 1\n', ''),
      ]),
    );
  });

  it('keeps a C declaration in use (arrays too), and deletes one nothing reads', async () => {
    const text =
      '// EVOLVE-BLOCK-START\ndouble f(double a) {\n  double unused = a * 2;\n  double table[3] = {1, 2, 3};\n' +
      '  a += table[1];\n  return a;\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('kernel.c', text, 30)).toEqual(
      new Set([text.replace('  double unused = a * 2;\n', ''), text.replace('  a += table[1];\n', '')]),
    );
  });

  it('keeps a Rust let that the tail expression reads', async () => {
    const text =
      '// EVOLVE-BLOCK-START\nfn f(a: f64) -> f64 {\n    let spare = a * 2.0;\n    let b = a + 1.0;\n    b * 3.0\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('lib.rs', text, 10)).toEqual(new Set([text.replace('    let spare = a * 2.0;\n', '')]));
  });

  it('keeps a Go statement holding the last use of a variable or an import, which Go would refuse as unused', async () => {
    const text =
      'package m\n\nimport "fmt"\n\n// EVOLVE-BLOCK-START\nfunc f(n int) int {\n\ty := n * 2\n\tn = y + 1\n' +
      '\tfmt.Println(n)\n\tn++\n\treturn n\n}\n// EVOLVE-BLOCK-END\n';
    expect(await childSet('main.go', text, 20)).toEqual(new Set([text.replace('\tn++\n', '')]));
  });

  it('removes a statement that shares its line together with its separator', async () => {
    const text = '# EVOLVE-BLOCK-START\nx = 0\nx += 1; x *= 2\nprint(x)\n# EVOLVE-BLOCK-END\n';
    const children = await childSet('a.py', text, 30);
    expect(children).toContain(text.replace('x += 1; ', ''));
    expect(children).toContain(text.replace('; x *= 2', ''));
  });
});
