/**
 * The answer verifier: a sample passes when its final answer equals the task's reference answer.
 * The strongest check the flywheel has for labelled answer tasks, and the cheapest: it runs on the
 * hot path of every round, so it compiles nothing per call (see final-answer.ts).
 */
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, Sample, Verdict, Verifier, VerifierName } from '../types.ts';
import { normaliseAnswer, numberValue, numericAnswer, textAnswer } from './final-answer.ts';
import { checkSamplesOf, notAccepted, verdictFor } from './verdicts.ts';

export interface AnswerVerifierOptions {
  /**
   * `numeric`: the reply's final number equals the reference as numbers (relative tolerance 1e-6,
   * exact for two whole numbers), for tasks whose answer is a number. `normalised`: the final answer equals the reference as text,
   * ignoring case, runs of white space and punctuation at the ends.
   */
  mode: 'numeric' | 'normalised';
}

/** Two numbers within one part in a million of the larger, or equal. */
export const RELATIVE_TOLERANCE = 1e-6;

/**
 * Checks `answer` tasks with a reference answer. In numeric mode it accepts only tasks whose answer
 * reads as a number, so that `chooseVerifier` falls back to normalised text for the others.
 *
 * @example
 * const verifier = answerVerifier({ mode: 'numeric' });
 * await verifier.verify(task, samples); // [{ verifier: 'answer-numeric', passed: true, detail: 'expected 18, extracted 18' }, ...]
 */
export function answerVerifier(options: AnswerVerifierOptions): Verifier {
  if (options.mode === 'numeric') return numericVerifier;
  if (options.mode === 'normalised') return normalisedVerifier;
  throw new OuroError('option-invalid', `mode must be 'numeric' or 'normalised', got ${JSON.stringify(options.mode)}`, { field: 'mode' });
}

const numericVerifier: Verifier = {
  name: 'answer-numeric',
  accepts: (task) => task.kind === 'answer' && task.answer !== undefined && Number.isFinite(numberValue(task.answer)),
  async verify(task, samples) {
    const expected = numberValue(referenceOf(task, samples, 'answer-numeric'));
    if (!Number.isFinite(expected)) throw notAccepted(task, 'answer-numeric', `its answer ${JSON.stringify(task.answer)} is not a number`);
    const verdicts: Verdict[] = new Array(samples.length);
    for (let index = 0; index < samples.length; index++) {
      const sample = samples[index] as Sample;
      const written = numericAnswer(sample.text);
      const value = written === undefined ? Number.NaN : numberValue(written);
      const passed = Number.isFinite(value) && sameNumber(value, expected);
      const extracted = Number.isFinite(value) ? String(value) : undefined;
      verdicts[index] = verdictOf(sample, 'answer-numeric', passed, String(expected), extracted);
    }
    return verdicts;
  },
};

const normalisedVerifier: Verifier = {
  name: 'answer-normalised',
  accepts: (task) => task.kind === 'answer' && task.answer !== undefined && normaliseAnswer(task.answer) !== '',
  async verify(task, samples) {
    const expected = normaliseAnswer(referenceOf(task, samples, 'answer-normalised'));
    if (expected === '') throw notAccepted(task, 'answer-normalised', 'its answer is empty once normalised');
    return samples.map((sample) => {
      const raw = textAnswer(sample.text);
      const extracted = raw === undefined ? undefined : normaliseAnswer(raw);
      const shown = extracted === '' ? undefined : extracted;
      return verdictOf(sample, 'answer-normalised', shown === expected, expected, shown);
    });
  },
};

/**
 * Equal as numbers, within `RELATIVE_TOLERANCE` of the larger magnitude; two whole numbers must be
 * equal exactly, since the tolerance is for rounded decimals and would take 1,450,001 for 1,450,000.
 */
export function sameNumber(a: number, b: number): boolean {
  if (a === b) return true;
  if (Number.isInteger(a) && Number.isInteger(b)) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

function verdictOf(sample: Sample, verifier: VerifierName, passed: boolean, expected: string, extracted?: string): Verdict {
  const detail = extracted === undefined ? `expected ${expected}, no answer found` : `expected ${expected}, extracted ${extracted}`;
  return verdictFor(sample, verifier, passed, detail);
}

function referenceOf(task: FlywheelTask, samples: readonly Sample[], verifier: VerifierName): string {
  if (task.kind !== 'answer') throw notAccepted(task, verifier, `it is a ${task.kind} task`);
  if (task.answer === undefined) throw notAccepted(task, verifier, 'it has no reference answer');
  checkSamplesOf(task, samples, verifier);
  return task.answer;
}
