// The built-in metrics of a prompt task, and the helpers they are made of.
import type { DatasetRow } from './options.ts';

/**
 * A number: digits with an optional fraction, with thousands commas only in groups of three (so
 * `1,234` is one number and `1,2` two), and a minus sign only where no digit comes before it
 * (so `5-3` is 5 and 3, not 5 and -3).
 */
const NUMBER = /(?:(?<![\d.])-)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?:(?<![\d.])-)?\.\d+/g;

/** The answer after the last `Answer:` or `####` marker, on that marker's line. */
const MARKED_ANSWER = /(?:answer\s*:|####)[ \t]*([^\n]*)/gi;

/**
 * The last number in a text, commas removed; undefined when it has none.
 *
 * @example
 * lastNumber('So she makes 9 * 2 = $18.') // 18
 * lastNumber('The total is 1,250,000 dollars') // 1250000
 */
export function lastNumber(text: string): number | undefined {
  const match = [...text.matchAll(NUMBER)].at(-1);
  if (match === undefined) return undefined;
  const value = Number(match[0].replaceAll(',', ''));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The answer a reply states after its last `Answer:` or `####` marker (the rest of that line,
 * trimmed), or undefined when it has no marker.
 *
 * @example
 * markedAnswer('Paris is the capital.\nAnswer: Paris') // 'Paris'
 */
export function markedAnswer(text: string): string | undefined {
  const match = [...text.matchAll(MARKED_ANSWER)].at(-1);
  return match?.[1]?.trim();
}

/**
 * 1 when the output equals the target, trimmed and ignoring case, either as a whole or as the
 * answer after its last `Answer:`/`####` marker; else 0.
 *
 * @example
 * exactMatch('Let me think.\nAnswer: paris', 'Paris') // 1
 */
export function exactMatch(output: string, target: string): number {
  const want = normalize(target);
  if (normalize(output) === want) return 1;
  const answer = markedAnswer(output);
  return answer !== undefined && normalize(answer) === want ? 1 : 0;
}

/**
 * 1 when the last number in the output equals the target's number within a relative tolerance
 * of 1e-6; else 0. The target is read as a number (commas removed), or as its last number.
 *
 * @example
 * numericMatch('9 eggs at $2 each: 18 dollars', '18') // 1
 */
export function numericMatch(output: string, target: string): number {
  const want = targetNumber(target);
  if (want === undefined) throw new Error(`the target ${JSON.stringify(target)} holds no number`);
  const got = lastNumber(output);
  if (got === undefined) return 0;
  return Math.abs(got - want) <= 1e-6 * Math.max(Math.abs(got), Math.abs(want)) ? 1 : 0;
}

/** A target as a number: the whole text when it is one (commas removed), else its last number. */
export function targetNumber(target: string): number | undefined {
  const whole = target.replaceAll(',', '').trim();
  if (whole !== '' && Number.isFinite(Number(whole))) return Number(whole);
  return lastNumber(target);
}

/**
 * A GSM8K row's final answer: the text after the last `####` in its `answer` field, trimmed
 * (thousands commas are kept: `numericMatch` removes them).
 *
 * @example
 * gsm8kTarget({ question: '...', answer: 'She sells 16 - 3 - 4 = 9 eggs...\n#### 18' }) // '18'
 */
export function gsm8kTarget(row: DatasetRow): string {
  const answer = row.answer;
  if (typeof answer !== 'string') throw new Error(`the answer field is ${answer === undefined ? 'missing' : typeof answer}, expected text`);
  const marker = answer.lastIndexOf('####');
  if (marker < 0) throw new Error('the answer field has no #### before its final answer');
  return answer.slice(marker + 4).trim();
}

function normalize(text: string): string {
  return text.trim().toLowerCase();
}
