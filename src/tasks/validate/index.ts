/**
 * Validation of generated tasks: a task is kept only if its own check is sound. The checks run
 * cheapest first and stop at the first failure: the task's shape, duplicates of kept tasks, static
 * scans for nondeterminism and sandbox escapes, then runs in the sandbox (gradings in the process
 * tier for coding tasks, the V8 isolate for answer and triple programs).
 */
import type { GeneratedTask, Validation } from '../types.ts';
import { validateAnswer, validateTriple } from './answer.ts';
import { SandboxError } from '../../core/sandbox.ts';
import { CheckLog, fail, messageOf, pass, type Rejection, type Verdict } from './checks.ts';
import { validateCode } from './code.ts';
import type { KeptIndex } from './dedup.ts';
import { type ValidateOptions, type ValidateSettings, validateSettings } from './options.ts';

export { canonical, perturbations, sameAnswer } from './answer.ts';
export type { Rejection } from './checks.ts';
export { toCodingTask, trivialSource } from './code.ts';
export { contentHash, KeptIndex, NEAR_DUPLICATE_DEFAULT } from './dedup.ts';
export { type Grader, ISOLATE_LIMITS, type ValidateOptions, type ValidateSettings, validateSettings } from './options.ts';
export { describeFinding, escapeInOutput, exportedNames, type Finding, findEscape, findNondeterminism } from './static.ts';

/**
 * Validates one generated task against the kept ones. Never throws for a bad task: a check that
 * fails or crashes becomes the rejection, with the first reason found and a one-line detail.
 * Throws `OuroError('option-invalid')` for bad options, and `SandboxError('unavailable')` when a
 * coding task needs bubblewrap, it is missing, and `unsafe` is not set. Does not add the task to
 * `kept`; the caller adds the tasks it keeps.
 *
 * @example
 * const kept = new KeptIndex();
 * const validation = await validateTask(task, kept, { concurrency: 2 });
 * if (validation.kept) kept.add(task);
 * else console.log(validation.reason, validation.detail); // 'stub-passes', 'stub: the stub passes all 4 tests, ...'
 */
export async function validateTask(task: GeneratedTask, kept: KeptIndex, options: ValidateOptions = {}): Promise<Validation> {
  const settings = validateSettings(options);
  const log = new CheckLog();
  const rejection =
    (await log.run('shape', 'unparseable', () => shape(task))) ??
    (await log.run('duplicate', 'duplicate', () => {
      const same = kept.duplicateOf(task);
      return same === undefined
        ? pass('no kept task has the same content')
        : fail(`the same statement and check as earlier valid task ${same}`);
    })) ??
    (await log.run('near-duplicate', 'near-duplicate', () => {
      const near = kept.nearest(task, settings.nearDuplicate);
      return near === undefined
        ? pass(`no kept task is ${settings.nearDuplicate} similar or more`)
        : fail(`${near.similarity.toFixed(3)} similar to earlier valid task ${near.id} (threshold ${settings.nearDuplicate})`);
    })) ??
    (await runBody(task, settings, log));
  return conclude(rejection, log);
}

async function runBody(task: GeneratedTask, settings: ValidateSettings, log: CheckLog): Promise<Rejection | undefined> {
  try {
    if (task.code !== undefined) return await validateCode(task, task.code, settings, log);
    if (task.answer !== undefined) return await validateAnswer(task.answer, log);
    if (task.triple !== undefined) return await validateTriple(task.triple, log);
    return undefined;
  } catch (error) {
    if (error instanceof SandboxError && error.kind === 'unavailable') throw error;
    // Each check catches its own failures; this is the net under the code between them.
    return log.record('validation', 'reference-fails', fail(`validation crashed: ${messageOf(error)}`), 0);
  }
}

function conclude(rejection: Rejection | undefined, log: CheckLog): Validation {
  if (rejection === undefined) return { kept: true, detail: `kept: ${log.checks.length} checks passed`, checks: log.checks };
  return { kept: false, reason: rejection.reason, detail: oneLine(rejection.detail), checks: log.checks };
}

/** The parse-level check: one body, and every field it needs. */
function shape(task: GeneratedTask): Verdict {
  const bodies = (['code', 'answer', 'triple'] as const).filter((key) => task[key] !== undefined);
  // An abduction or induction triple carries the tests the solver's code must pass: it is checked as a coding task.
  const testedTriple = bodies.join(',') === 'code,triple' && task.triple?.mode !== 'deduction';
  if (bodies.length !== 1 && !testedTriple)
    return fail(
      'a task has one of code, answer and triple (or an abduction or induction triple with code); ' +
        `this one has ${bodies.join(', ') || 'none'}`,
    );
  const missing = (fields: Record<string, unknown>) =>
    Object.entries(fields)
      .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
      .map(([name]) => name);
  const empty = missing({ id: task.id, statement: task.statement });
  if (task.code !== undefined) {
    const { entry, tests, reference, stub } = task.code;
    empty.push(...missing({ 'code.entry': entry, 'code.tests': tests, 'code.reference': reference }));
    if (typeof stub !== 'string') empty.push('code.stub');
    if (empty.length === 0 && !/^[\w-]+\.m?js$/.test(entry)) return fail(`code.entry "${entry}" is not a .js or .mjs file name`);
  }
  if (task.answer !== undefined) empty.push(...missing({ 'answer.value': task.answer.value, 'answer.program': task.answer.program }));
  if (task.triple !== undefined) {
    const { program, input, output } = task.triple;
    empty.push(...missing({ 'triple.program': program, 'triple.input': input }));
    if (typeof output !== 'string') empty.push('triple.output');
    if (empty.length === 0) {
      const parsedInput = parseJson(input);
      if (!Array.isArray(parsedInput)) return fail(`triple.input is not a JSON argument list: ${input.slice(0, 80)}`);
      if (output.trim() !== '' && parseJson(output) === undefined) return fail(`triple.output is not JSON: ${output.slice(0, 80)}`);
    }
  }
  return empty.length === 0 ? pass(`a ${bodies[0]} task with every field`) : fail(`missing or empty: ${empty.join(', ')}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' | ');
  return line.length > 400 ? `${line.slice(0, 397)}...` : line;
}
