/**
 * Absolute Zero's triples: the proposer writes `f` and an input; the output comes from running
 * `f` in a V8 isolate, never from the model. Each mode becomes a task that can be checked:
 *
 * - deduction keeps only `triple`: the solver is shown the program and input and states the
 *   output; a consumer checks the stated JSON against `triple.output` (the flywheel as an
 *   answer task). No `answer` body is built, since the output already is the computed answer.
 * - abduction and induction carry `triple` (what was run, and its output) AND a `code` body, so
 *   that they validate and grade like coding tasks: abduction's solution exports `args`, an
 *   argument list that f maps to the output; induction's exports `f`, checked on every pair.
 *   For induction `triple.input`/`triple.output` hold the first pair; the code tests hold all.
 */
import type { JsonValue } from '../../core/sandbox.ts';
import { IsolateSandbox } from '../../sandbox/isolate.ts';
import type { CodeTaskBody, TripleMode } from '../types.ts';
import { SOLUTION_FILE } from './format.ts';

/** The isolate limits a triple runs under. */
export const TRIPLE_LIMITS = { memoryMb: 64, timeoutMs: 1000 };

/** Induction needs this many pairs at least: some shown, one or more held back. */
export const MIN_INDUCTION_PAIRS = 3;

/** One argument list and the output f gave for it, both as JSON text. */
export interface TriplePair {
  input: string;
  output: string;
}

/**
 * Runs `f(...input)` from `program` in the sandbox and returns the output as JSON text, or the
 * error that stopped it (a load failure, no `f` export, a throw, a timeout, a result that is
 * not JSON data). Never throws. Runs on one sandbox wait for each other: a load of another
 * program releases the modules loaded before it, so two proposals parsed at once would
 * otherwise break each other's calls.
 *
 * @example
 * await completeTriple('export function f(a, b) { return a + b; }', '[2, 3]', sandbox); // { output: '5' }
 */
export function completeTriple(program: string, input: string, sandbox: IsolateSandbox): Promise<{ output: string } | { error: string }> {
  const run = (queues.get(sandbox) ?? Promise.resolve()).then(() => runTriple(program, input, sandbox));
  queues.set(
    sandbox,
    run.then(() => undefined),
  );
  return run;
}

/** The last run queued on each sandbox. */
const queues = new WeakMap<IsolateSandbox, Promise<void>>();

async function runTriple(program: string, input: string, sandbox: IsolateSandbox): Promise<{ output: string } | { error: string }> {
  let args: unknown;
  try {
    args = JSON.parse(input);
  } catch (error) {
    return { error: `the input is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(args)) return { error: `the input must be a JSON array of arguments (got ${input.trim().slice(0, 80)})` };
  try {
    const module = await sandbox.load({ 'program.js': program }, 'program.js');
    if (!module.exports.includes('f'))
      return { error: `the program exports no function f (it exports ${module.exports.join(', ') || 'none'})` };
    const value = await module.call('f', ...(args as JsonValue[]));
    const output = JSON.stringify(value ?? null);
    if (output === undefined) return { error: 'f returned a value with no JSON form' };
    return { output };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs f on each argument list in turn; the first failure stops it, naming the list. */
export async function completePairs(
  program: string,
  inputs: readonly string[],
  sandbox: IsolateSandbox,
): Promise<{ pairs: TriplePair[] } | { error: string }> {
  const pairs: TriplePair[] = [];
  for (const [index, input] of inputs.entries()) {
    const result = await completeTriple(program, input, sandbox);
    if ('error' in result) return { error: inputs.length > 1 ? `input ${index + 1} (${input}): ${result.error}` : result.error };
    pairs.push({ input, output: result.output });
  }
  return { pairs };
}

/** Runs `use` with the caller's sandbox, or with one of its own made for the triple limits and disposed after. */
export async function withTripleSandbox<T>(sandbox: IsolateSandbox | undefined, use: (sandbox: IsolateSandbox) => Promise<T>): Promise<T> {
  if (sandbox !== undefined) return use(sandbox);
  const own = IsolateSandbox.create(TRIPLE_LIMITS);
  try {
    return await use(own);
  } finally {
    own.dispose();
  }
}

/** What the solver is shown for a triple in a mode. `pairs[0]` is the proposer's own input. */
export function tripleStatement(mode: TripleMode, program: string, pairs: readonly TriplePair[], hint?: string): string {
  const first = pairs[0] as TriplePair;
  const code = `\`\`\`js\n${program.trim()}\n\`\`\``;
  switch (mode) {
    case 'deduction':
      return [
        'Predict the output of this program.',
        code,
        `It is called as \`f(...args)\` with \`args\` = \`${first.input}\`.`,
        'Give the value f returns, as JSON, as your final answer.',
      ].join('\n\n');
    case 'abduction':
      return [
        'Find an input for this program that gives the output below.',
        code,
        `Wanted output (JSON): \`${first.output}\``,
        `Export from \`${SOLUTION_FILE}\` a constant \`args\`: the argument list (an array) such that \`f(...args)\` returns that output.`,
      ].join('\n\n');
    case 'induction': {
      const shown = pairs.slice(0, Math.max(1, pairs.length - 1));
      const lines = shown.map((pair) => `- \`f(...${pair.input})\` returns \`${pair.output}\``);
      return [
        'Write the function these examples come from.',
        ...(hint ? [`Hint: ${hint}`] : []),
        lines.join('\n'),
        `Export \`function f\` from \`${SOLUTION_FILE}\`. It is also checked on examples not shown here.`,
      ].join('\n\n');
    }
  }
}

/** A coding body for abduction or induction: tests that import the solver's solution. */
export function tripleCodeBody(mode: 'abduction' | 'induction', program: string, pairs: readonly TriplePair[]): CodeTaskBody {
  const header = ["import assert from 'node:assert/strict';"];
  // JSON round trip as the isolate gave it: undefined becomes null, NaN and Infinity become null.
  const plain = 'const plain = (value) => JSON.parse(JSON.stringify(value === undefined ? null : value));';
  if (mode === 'abduction') {
    const first = pairs[0] as TriplePair;
    const tests = [
      ...header,
      `import { args } from './${SOLUTION_FILE}';`,
      '',
      // The program runs inside a function scope so that its names cannot clash with the test API.
      `const f = (() => {\n${stripExports(program)}\nreturn f;\n})();`,
      plain,
      `const wanted = ${first.output};`,
      '',
      "test('args is an argument list', () => assert.ok(Array.isArray(args)));",
      "test('f(...args) gives the wanted output', () => assert.deepEqual(plain(f(...args)), wanted));",
    ].join('\n');
    return { entry: SOLUTION_FILE, stub: 'export const args = [];\n', tests, reference: `export const args = ${first.input};\n` };
  }
  const cases = pairs.map(
    (pair, index) => `test('example ${index + 1}', () => assert.deepEqual(plain(f(...${pair.input})), ${pair.output}));`,
  );
  const tests = [...header, `import { f } from './${SOLUTION_FILE}';`, '', plain, '', ...cases].join('\n');
  return { entry: SOLUTION_FILE, stub: "export function f() {\n  throw new Error('not implemented');\n}\n", tests, reference: program };
}

/** The program with its `export` keywords removed, so it can be pasted into a function body. */
function stripExports(program: string): string {
  return program.replace(/^(\s*)export\s+(?=(?:async\s+)?function\b|const\b|let\b|var\b|class\b)/gm, '$1');
}
