/**
 * Validation of answer and triple tasks: their program runs in a V8 isolate (64 MB, 1 s per
 * call), twice in fresh contexts, and must give the same value both times, the value the task
 * states. A triple's `f` must also read its input: perturbing the input must change the output.
 */
import type { JsonValue } from '../../core/sandbox.ts';
import { IsolateSandbox } from '../../sandbox/isolate.ts';
import type { AnswerTaskBody, TripleBody } from '../types.ts';
import { type CheckLog, fail, messageOf, pass, type Rejection, type Verdict } from './checks.ts';
import { ISOLATE_LIMITS } from './options.ts';
import { describeFinding, findEscape, findNondeterminism } from './static.ts';

const PROGRAM_FILE = 'program.js';
const RELATIVE_TOLERANCE = 1e-9;

type Run = { value: JsonValue } | { error: string };

export async function validateAnswer(body: AnswerTaskBody, log: CheckLog): Promise<Rejection | undefined> {
  return withIsolate(body.program, log, async (run) => {
    let first: Run = { error: 'not run' };
    const show = (outcome: Run) => ('value' in outcome ? `answer() = ${render(outcome.value)}` : `answer() failed: ${outcome.error}`);
    return (
      (await log.run('reference', 'reference-fails', async () => {
        first = await run('answer', []);
        return 'value' in first ? pass(show(first)) : fail(show(first));
      })) ??
      (await log.run('repeat', 'nondeterministic', async () => {
        const second = await run('answer', []);
        return sameRun(first, second) ? pass('the same value twice') : fail(`${show(first)} first, then ${show(second)}`);
      })) ??
      (await log.run('answer', 'answer-mismatch', () => {
        const computed = (first as { value: JsonValue }).value;
        return sameAnswer(computed, body.value)
          ? pass(`the program computes the stated ${body.value}`)
          : fail(`the program computes ${render(computed)} but the task states ${JSON.stringify(body.value)}`);
      }))
    );
  });
}

export async function validateTriple(body: TripleBody, log: CheckLog): Promise<Rejection | undefined> {
  const args = JSON.parse(body.input) as JsonValue[];
  const call = `f(${render(args).slice(1, -1)})`;
  return withIsolate(body.program, log, async (run) => {
    let first: Run = { error: 'not run' };
    const show = (outcome: Run, what = call) =>
      'value' in outcome ? `${what} = ${render(outcome.value)}` : `${what} failed: ${outcome.error}`;
    return (
      (await log.run('reference', 'reference-fails', async () => {
        first = await run('f', args);
        return 'value' in first ? pass(show(first)) : fail(show(first));
      })) ??
      (await log.run('repeat', 'nondeterministic', async () => {
        const second = await run('f', args);
        return sameRun(first, second) ? pass('the same value twice') : fail(`${show(first)} first, then ${show(second)}`);
      })) ??
      (await log.run('answer', 'answer-mismatch', () => {
        const computed = (first as { value: JsonValue }).value;
        if (body.output.trim() === '') return pass('no output stated');
        return canonical(JSON.parse(body.output) as JsonValue) === canonical(computed)
          ? pass(`the stated output ${body.output}`)
          : fail(`${show(first)} but the task states ${body.output}`);
      })) ??
      (await log.run('input-used', 'trivial-passes', async () => inputUsed(args, (first as { value: JsonValue }).value, run)))
    );
  });
}

/** Fails when no perturbation of the input changes f's output: f ignores its input. */
async function inputUsed(args: JsonValue[], output: JsonValue, run: (name: string, args: JsonValue[]) => Promise<Run>): Promise<Verdict> {
  const perturbed = perturbations(args);
  if (perturbed.length === 0) return fail(`no perturbation changes the input ${render(args)}, so nothing shows that f reads it`);
  for (const { how, args: changed } of perturbed) {
    const outcome = await run('f', changed);
    if (!('value' in outcome) || canonical(outcome.value) !== canonical(output)) return pass(`the output changes with ${how}`);
  }
  const tried = perturbed.map(({ how }) => how).join(', ');
  return fail(`f gives ${render(output)} for the input and after ${tried}, so it ignores its input`);
}

/**
 * The input with numbers + 1 (booleans flipped), strings + 'x', arrays reversed, numbers doubled
 * (plus 3), and the last item of every non-empty array dropped; those that change it.
 */
export function perturbations(args: JsonValue[]): Array<{ how: string; args: JsonValue[] }> {
  const map = (value: JsonValue, leaf: (value: JsonValue) => JsonValue, reverse = false): JsonValue => {
    if (Array.isArray(value)) {
      const items = value.map((item) => map(item, leaf, reverse));
      return reverse ? items.reverse() : items;
    }
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, map(item, leaf, reverse)]));
    return leaf(value);
  };
  const candidates = [
    {
      how: 'numbers + 1',
      args: map(args, (value) => (typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : value)),
    },
    { how: "strings + 'x'", args: map(args, (value) => (typeof value === 'string' ? `${value}x` : value)) },
    // Each argument's arrays, not the argument list: swapping arguments would test another call.
    { how: 'arrays reversed', args: args.map((arg) => map(arg, (value) => value, true)) },
    // Symmetric functions (a sum of squares, a sort) can give the same output for the three above.
    { how: 'numbers doubled', args: map(args, (value) => (typeof value === 'number' ? value * 2 + 3 : value)) },
    { how: 'last array item dropped', args: args.map(dropLast) },
  ];
  const original = canonical(args);
  return candidates.filter((candidate) => canonical(candidate.args) !== original) as Array<{ how: string; args: JsonValue[] }>;
}

/**
 * Whether a computed value is the stated answer: numerically (relative tolerance 1e-9) when both
 * read as finite numbers, else as text with case and runs of whitespace ignored.
 */
export function sameAnswer(computed: JsonValue, stated: string): boolean {
  const text = typeof computed === 'string' ? computed : JSON.stringify(computed);
  const a = asNumber(text);
  const b = asNumber(stated);
  if (a !== undefined && b !== undefined) return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  return normalise(text) === normalise(stated);
}

/** Static scans of the program, then `body` with a function that loads it in a fresh context and calls one export. */
async function withIsolate(
  program: string,
  log: CheckLog,
  body: (run: (name: string, args: JsonValue[]) => Promise<Run>) => Promise<Rejection | undefined>,
): Promise<Rejection | undefined> {
  const scanned =
    (await log.run('escape', 'escapes-sandbox', () => scanOne(program, findEscape, 'reaches no network, process or file'))) ??
    (await log.run('determinism', 'nondeterministic', () => scanOne(program, findNondeterminism, 'reads no clock or random source')));
  if (scanned !== undefined) return scanned;
  const sandbox = IsolateSandbox.create(ISOLATE_LIMITS);
  const run = async (name: string, args: JsonValue[]): Promise<Run> => {
    try {
      // A new genome object per run: a fresh context, so nothing the first run left behind is seen by the second.
      const module = await sandbox.load({ [PROGRAM_FILE]: program }, PROGRAM_FILE);
      if (!module.exports.includes(name))
        return { error: `the program exports no function ${name} (it exports ${module.exports.join(', ') || 'nothing'})` };
      return { value: await module.call(name, ...args) };
    } catch (error) {
      return { error: messageOf(error) };
    }
  };
  try {
    return await body(run);
  } finally {
    sandbox.dispose();
  }
}

function scanOne(program: string, find: typeof findEscape, clean: string): Verdict {
  const found = find(program);
  return found === undefined ? pass(`the program ${clean}`) : fail(describeFinding('program', found));
}

function sameRun(a: Run, b: Run): boolean {
  return 'value' in a && 'value' in b && canonical(a.value) === canonical(b.value);
}

/** JSON with object keys sorted, so that equal data compares equal as text. */
export function canonical(value: JsonValue): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function asNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : undefined;
}

function normalise(text: string): string {
  return text
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function render(value: JsonValue): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The value with the last item of every non-empty array (at any depth) dropped. */
function dropLast(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.slice(0, value.length > 1 ? -1 : value.length).map(dropLast);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, dropLast(item)]));
  return value;
}
