// The example's metric: a program, not a model, that scores an extraction field by field.
import type { MetricResult } from 'ouroboros';
import { type Extraction, FIELDS, type Field, isoDate, readValue, sameValue } from './fields.ts';
import { parseJsonReply } from './parse-json.ts';

const FIELD_LIST = FIELDS.join(', ');

/**
 * Scores a model's reply against a row's expected extraction: the share of the six fields it got
 * right (see `readValue` for what counts as the same), with feedback that names each wrong or
 * missing field beside the expected value. A reply with no readable JSON object scores 0, and
 * the feedback gives the parse error. Keys beyond the six are ignored.
 *
 * @example
 * scoreExtraction('{"name": "Ana Costa", ..., "date": "5 March 2024"}', expected)
 * // { score: 0.833, feedback: '5 of 6 fields right. Wrong: date (expected "2024-03-05", got "5 March 2024", which is not ...)' }
 */
export function scoreExtraction(reply: string, expected: Extraction): MetricResult {
  const parsed = parseJsonReply(reply);
  if (!parsed.ok) {
    return {
      score: 0,
      feedback: `No JSON object could be read (${parsed.error}). Answer with one JSON object with the keys ${FIELD_LIST}.`,
    };
  }
  const wrong: string[] = [];
  const missing: string[] = [];
  for (const field of FIELDS) {
    const want = expected[field];
    if (!Object.hasOwn(parsed.value, field)) {
      missing.push(`${field} (expected ${JSON.stringify(want)})`);
      continue;
    }
    const problem = fieldProblem(field, parsed.value[field], want);
    if (problem !== undefined) wrong.push(`${field} (${problem})`);
  }
  const right = FIELDS.length - wrong.length - missing.length;
  if (right === FIELDS.length) return { score: 1, feedback: `All ${FIELDS.length} fields right.` };
  const parts = [`${right} of ${FIELDS.length} fields right.`];
  if (wrong.length > 0) parts.push(`Wrong: ${wrong.join('; ')}.`);
  if (missing.length > 0) parts.push(`Missing: ${missing.join('; ')}.`);
  return { score: right / FIELDS.length, feedback: parts.join(' ') };
}

/** Why a field's value is wrong, or undefined when it is right. */
function fieldProblem(field: Field, got: unknown, want: string | number | null): string | undefined {
  const reading = readValue(field, got);
  const expectedText = want === null ? 'null, as the text does not give it' : JSON.stringify(want);
  if ('problem' in reading) return `expected ${expectedText}; ${reading.problem}`;
  const wanted = readValue(field, want);
  if ('value' in wanted && sameValue(field, reading.value, wanted.value)) return undefined;
  const hint = field === 'date' && typeof got === 'string' && reading.value === got.trim() ? ', which is not a YYYY-MM-DD date' : '';
  return `expected ${expectedText}, got ${JSON.stringify(got)}${hint}`;
}

/**
 * A dataset row's `expected` object, checked: exactly the six fields, `amount` a number or null,
 * the others text or null, and `date` a real `YYYY-MM-DD` day. Throws naming the field at fault;
 * the task calls it for every row when the evaluator loads, so a bad row stops the run before any
 * model is called, with its line number.
 *
 * @example
 * checkedExpected({ id: 'r1', text: '...', expected: { name: 'Ana Costa', email: null, ... } })
 */
export function checkedExpected(row: Record<string, unknown>): Extraction {
  const expected = row.expected;
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    throw new Error(`field "expected" is ${expected === null ? 'null' : typeof expected}, expected an object with ${FIELD_LIST}`);
  }
  const record = expected as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (extra.length > 0) throw new Error(`expected.${extra[0]} is not one of the fields (${FIELD_LIST})`);
  for (const field of FIELDS) {
    if (!Object.hasOwn(record, field)) throw new Error(`expected.${field} is missing; write null when the text does not give it`);
    const value = record[field];
    if (value === null) continue;
    if (field === 'amount' ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== 'string' || value.trim() === '') {
      throw new Error(
        `expected.${field} is ${JSON.stringify(value)}, expected ${field === 'amount' ? 'a number' : 'non-empty text'} or null`,
      );
    }
    if (field === 'date' && (!/^\d{4}-\d{2}-\d{2}$/.test(value as string) || isoDate(value as string) !== value)) {
      throw new Error(`expected.date is ${JSON.stringify(value)}, expected a real day written YYYY-MM-DD, or null`);
    }
  }
  return record as Extraction;
}
