// The children of the embedded operators, handed to each language's own compiler: parsing with
// tree-sitter is necessary but not enough (rustc reads `x as usize < y` as generics; a C compiler
// refuses a variable out of scope). Needs python3, gcc, g++ and rustc.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import type { Operator } from '../../core/operator.ts';
import { findExecutable } from '../../sandbox/bubblewrap.ts';
import { crossover } from '../crossover.ts';
import { deleteStatement } from '../delete-statement.ts';
import { duplicateStatement } from '../duplicate-statement.ts';
import { contextFor, parentsFor } from '../operator.conformance.ts';
import { perturbNumber } from '../perturb-number.ts';
import { LANGUAGE_SAMPLES } from '../samples-languages.ts';
import { swapOperator } from '../swap-operator.ts';
import { swapStatements } from '../swap-statements.ts';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'ouro-compile-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const COMPILERS: Record<string, { tool: string; args: (file: string) => string[] }> = {
  Python: { tool: 'python3', args: (file) => ['-m', 'py_compile', file] },
  C: { tool: 'gcc', args: (file) => ['-fsyntax-only', file] },
  'C++': { tool: 'g++', args: (file) => ['-std=c++17', '-fsyntax-only', file] },
  Rust: { tool: 'rustc', args: (file) => ['--edition', '2021', '--emit=metadata', '-A', 'warnings', '-o', `${file}.rmeta`, file] },
};
const SEEDS = 20;

/** Why the compiler refuses the text (its first error line), or undefined when it accepts it. */
async function compileError(language: string, file: string, text: string): Promise<string | undefined> {
  const compiler = COMPILERS[language]!;
  const path = join(directory, file);
  writeFileSync(path, text);
  try {
    await run(compiler.tool, compiler.args(path));
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    return stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.slice(0, 200);
  }
}

async function distinctChildren(
  operator: Operator,
  genome: Record<string, string>,
  variant: Record<string, string>,
): Promise<Map<string, string>> {
  const children = new Map<string, string>();
  for (let seed = 0; seed < SEEDS; seed++) {
    const result = await operator.propose(contextFor(parentsFor(operator, genome, variant), seed));
    if (!('failure' in result)) children.set(Object.values(result.genome).join('\n'), result.description);
  }
  return children;
}

for (const [language, compiler] of Object.entries(COMPILERS)) {
  const guard = await requireService(compiler.tool, () =>
    findExecutable(compiler.tool) === undefined ? `${compiler.tool} not found on PATH` : undefined,
  );
  const sample = LANGUAGE_SAMPLES[language]!;

  describe.skipIf(guard.missing)(guard.title(`children in ${language} compile`), () => {
    it(`the ${language} sample itself compiles`, async () => {
      expect(await compileError(language, sample.file, sample.text)).toBeUndefined();
      expect(await compileError(language, sample.file, sample.variant)).toBeUndefined();
    });

    for (const operator of [perturbNumber(), swapOperator(), duplicateStatement(), deleteStatement(), swapStatements()]) {
      it(`every child of ${operator.name} compiles`, async () => {
        const genome = { [sample.file]: sample.text };
        const children = await distinctChildren(operator, genome, { [sample.file]: sample.variant });
        expect(children.size).toBeGreaterThan(2);
        for (const [text, description] of children) {
          expect({ description, error: await compileError(language, sample.file, text) }).toEqual({ description, error: undefined });
        }
      });
    }

    // Crossover knows kinds (number, boolean), scopes and jump contexts, not types: in a typed
    // language a variable can still land where another type is expected.
    it('most children of crossover compile', async () => {
      const children = await distinctChildren(crossover(), { [sample.file]: sample.text }, { [sample.file]: sample.variant });
      let compiled = 0;
      for (const [text] of children) if ((await compileError(language, sample.file, text)) === undefined) compiled++;
      expect(children.size).toBeGreaterThan(10);
      expect(compiled / children.size).toBeGreaterThanOrEqual(language === 'Python' ? 1 : 0.7);
    });
  });
}
