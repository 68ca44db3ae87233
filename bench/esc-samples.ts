// Recorded model samples in the layout of the ESC release (Li et al., ICLR 2024): one JSON object
// a line, `{ "question", "answer", "generated_answer": [strings] }`. The file lives in the shared
// data folder beside the repository and is read from there, never copied into the project.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OuroError } from '../src/core/errors.ts';
import type { SampleFunction } from '../src/infer/types.ts';

/** GPT-3.5's 40 answers to each of 500 Last Letters questions, temperature 0.7. */
export const ESC_LAST_LETTERS_FILE = resolve(import.meta.dirname, '../../shared/data/esc-last-letters-gpt35.jsonl');

export interface RecordedQuestion {
  /** 1-based line of the file, so a figure can be traced back to its question. */
  line: number;
  question: string;
  /** The gold answer as the file states it. */
  gold: string;
  /** The model's replies, in the order they were stored. */
  samples: string[];
}

/**
 * Reads a file of recorded samples; every line must hold a question, a gold answer and a list
 * of replies. Blank lines are skipped. Throws `replay-invalid` naming the file and line at fault.
 *
 * @example
 * const questions = readRecordedSamples(ESC_LAST_LETTERS_FILE);
 * questions[0].samples.length; // 40
 */
export function readRecordedSamples(file: string): RecordedQuestion[] {
  if (!existsSync(file)) throw new OuroError('replay-invalid', `${file}: no such file of recorded samples`, { file });
  const questions: RecordedQuestion[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const line = index + 1;
      const fail = (why: string): never => {
        throw new OuroError('replay-invalid', `${file}:${line}: ${why}`, { file });
      };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        fail(`not JSON (${(error as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return fail('expected an object { question, answer, generated_answer }');
      const record = value as Record<string, unknown>;
      if (typeof record.question !== 'string') fail('"question" must be a string');
      if (typeof record.answer !== 'string') fail('"answer" must be a string');
      const samples = record.generated_answer;
      if (!Array.isArray(samples) || samples.length === 0) return fail('"generated_answer" must be a non-empty list of strings');
      const bad = samples.findIndex((sample) => typeof sample !== 'string');
      if (bad !== -1) fail(`"generated_answer"[${bad}] must be a string`);
      questions.push({ line, question: record.question as string, gold: record.answer as string, samples: samples as string[] });
    });
  if (questions.length === 0) throw new OuroError('replay-invalid', `${file}: holds no recorded questions`, { file });
  return questions;
}

/**
 * The Last Letters answer of one reply, by the ESC release's convention: the text after the
 * last "the answer is", lower-cased, letters a-z only. A reply without that phrase, or with no
 * letters after it, states no answer (ESC's own script would vote the whole reply's letters
 * instead; those votes are never the gold answer).
 *
 * @example
 * lastLettersAnswer("... Concatenating them is 'yajo'. The answer is yajo."); // 'yajo'
 */
export function lastLettersAnswer(text: string): string | undefined {
  const at = text.toLowerCase().lastIndexOf('the answer is');
  if (at === -1) return undefined;
  const letters = lettersOnly(text.slice(at + 'the answer is'.length));
  return letters === '' ? undefined : letters;
}

/** Lower-case a-z only: the form answers and gold answers are compared in. */
export function lettersOnly(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * A sampler that serves one question's recorded replies in the given order of indices (the
 * stored order by default), one per call, as a model would have; asking for more than were
 * recorded is an error rather than a silent repeat.
 *
 * @example
 * const sample = replaySampler(question);
 * await selfConsistency(sample, question.question, { extract: lastLettersAnswer, stop: { rule: 'esc', window: 5, maxSamples: 40 } });
 */
export function replaySampler(
  question: RecordedQuestion,
  order: readonly number[] = question.samples.map((_, index) => index),
): SampleFunction {
  let next = 0;
  return async () => {
    const index = order[next++];
    if (index === undefined) throw new Error(`line ${question.line}: asked for more than the ${order.length} recorded samples`);
    return question.samples[index] as string;
  };
}
