/**
 * GSM8K (grade-school maths word problems) as flywheel tasks. Each row is `{ question, answer }`, and
 * `answer` is a worked solution with calculator notes (`<<16-3-4=9>>`) that ends in `#### <number>`.
 */
import type { TaskSource } from '../types.ts';
import type { JsonRow } from './jsonl-lines.ts';
import { jsonlSource } from './jsonl.ts';

const FINAL_MARK = '####';
const CALCULATOR_NOTE = /<<[^>]*>>/g;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * The GSM8K file as `answer` tasks: prompt = `question`, answer = the number after `####` (commas
 * removed), solution = the worked text before `####` without the calculator notes. Ids are `L<line>`.
 *
 * @example
 * const tasks = await gsm8kSource('data/gsm8k-test.jsonl').load();
 * tasks[0]; // { id: 'L1', answer: '18', solution: 'Janet sells 16 - 3 - 4 = 9 duck eggs a day.\n...', ... }
 */
export function gsm8kSource(file: string | URL): TaskSource {
  return jsonlSource({ file, fields: { prompt: 'question', answer: gsm8kAnswer, solution: gsm8kSolution } });
}

/** The final answer of a GSM8K row: the number after the last `####`, without thousands commas. */
export function gsm8kAnswer(row: JsonRow): string {
  const text = workedAnswer(row);
  const at = text.lastIndexOf(FINAL_MARK);
  if (at === -1) throw new Error('field "answer" has no "####" line');
  const answer = text
    .slice(at + FINAL_MARK.length)
    .trim()
    .replaceAll(',', '');
  if (!PLAIN_NUMBER.test(answer)) throw new Error(`field "answer" ends in ${JSON.stringify(answer)} after "####", not a number`);
  return answer;
}

/** The worked solution of a GSM8K row: the text before `####`, calculator notes removed. */
export function gsm8kSolution(row: JsonRow): string {
  const text = workedAnswer(row);
  const at = text.lastIndexOf(FINAL_MARK);
  return (at === -1 ? text : text.slice(0, at)).replace(CALCULATOR_NOTE, '').trim();
}

function workedAnswer(row: JsonRow): string {
  const text = row.answer;
  if (typeof text !== 'string') throw new Error(`field "answer" is ${text === undefined ? 'missing' : typeof text}, expected text`);
  return text;
}
