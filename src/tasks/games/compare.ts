/**
 * Runs one input through a reference and a candidate module in a V8 isolate and says whether
 * their behaviour differs: their JSON results differ (object keys in any order), or one throws
 * and the other does not. Two errors count as the same behaviour, whatever their messages, since a
 * task's statement rarely pins down how invalid input fails. Only a function the reference
 * exports can be probed: otherwise a candidate could "differ" through an extra export of its own.
 */
import type { JsonValue } from '../../core/sandbox.ts';
import type { IsolateSandbox } from '../../sandbox/isolate.ts';
import { messageOf } from '../validate/checks.ts';
import { canonical } from '../validate/answer.ts';

/** What one call gave: its result, or why it had none (`missing` when the module does not export the function). */
export type CallOutcome = { value: JsonValue } | { error: string; missing?: true };

export interface Comparison {
  differs: boolean;
  /** Set when the probe does not count: the reference does not export the function named. */
  refused?: string;
  reference: CallOutcome;
  candidate: CallOutcome;
  /** One line: the call and both outcomes. */
  detail: string;
}

/**
 * Calls `name(...args)` in a fresh context of `sandbox`, once with `reference` and once with
 * `candidate` (each an ES module saved as `file`), and compares the outcomes.
 *
 * @example
 * const sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 1000 });
 * const { differs } = await compareOn(sandbox, 'solution.js', reference, candidate, 'isPrime', [9]);
 */
export async function compareOn(
  sandbox: IsolateSandbox,
  file: string,
  reference: string,
  candidate: string,
  name: string,
  args: readonly JsonValue[],
): Promise<Comparison> {
  const expected = await callIn(sandbox, file, reference, name, args);
  if ('error' in expected && expected.missing) {
    const refused = `the reference ${expected.error}`;
    return { differs: false, refused, reference: expected, candidate: { error: 'not run' }, detail: refused };
  }
  const actual = await callIn(sandbox, file, candidate, name, args);
  const differs = 'error' in expected !== 'error' in actual || ('value' in expected && 'value' in actual && !sameValue(expected, actual));
  const call = `${name}(${render(args as JsonValue).slice(1, -1)})`;
  const detail = `${call}: the reference ${show(expected)}, the solution ${show(actual)}`;
  return { differs, reference: expected, candidate: actual, detail };
}

/** Loads `source` as `file` in a fresh context (a new genome object each time) and calls one export. */
export async function callIn(
  sandbox: IsolateSandbox,
  file: string,
  source: string,
  name: string,
  args: readonly JsonValue[],
): Promise<CallOutcome> {
  try {
    const module = await sandbox.load({ [file]: source }, file);
    if (!module.exports.includes(name)) {
      return { error: `exports no function ${name} (it exports ${module.exports.join(', ') || 'nothing'})`, missing: true };
    }
    return { value: await module.call(name, ...args) };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function sameValue(a: { value: JsonValue }, b: { value: JsonValue }): boolean {
  return canonical(a.value) === canonical(b.value);
}

function show(outcome: CallOutcome): string {
  if ('value' in outcome) return `returns ${render(outcome.value)}`;
  return outcome.missing ? outcome.error : `throws: ${outcome.error}`;
}

function render(value: JsonValue): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
