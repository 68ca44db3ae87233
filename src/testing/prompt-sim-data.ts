/**
 * The SIMULATED dataset of prompt evolution (see prompt-sim.ts): arithmetic and word problems
 * with computed answers, and the readers that find them in a prompt and an answer in a reply.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';

/** The two kinds of question in the simulated dataset; the simulated model has one helpful hint for each. */
export type SimulationKind = 'arithmetic' | 'word';

/** One simulated dataset row: a question and its computed numeric answer. */
export interface SimulationItem {
  id: string;
  kind: SimulationKind;
  question: string;
  answer: number;
}

/** How many simulated rows to make, and the seed that draws them. */
export interface SimulationDatasetOptions {
  /** Rows wanted; kinds alternate, so an odd size has one arithmetic row more. */
  size: number;
  seed: number;
}

type Range = readonly [number, number];
/** Inclusive bounds of the three numbers a question is made of. */
type Ranges = { a: Range; b: Range; c: Range };
type Values = [number, number, number];

// Operand ranges keep every answer a positive whole number.
const ARITHMETIC_FORMS: ReadonlyArray<{ ranges: Ranges; render: (values: Values) => string }> = [
  { ranges: { a: [11, 99], b: [2, 9], c: [1, 99] }, render: ([a, b, c]) => `${a} * ${b} + ${c}` },
  { ranges: { a: [1, 99], b: [11, 99], c: [2, 9] }, render: ([a, b, c]) => `${a} + ${b} * ${c}` },
  { ranges: { a: [11, 99], b: [2, 9], c: [1, 20] }, render: ([a, b, c]) => `${a} * ${b} - ${c}` },
  { ranges: { a: [2, 50], b: [2, 50], c: [2, 9] }, render: ([a, b, c]) => `(${a} + ${b}) * ${c}` },
  { ranges: { a: [2, 9], b: [21, 99], c: [1, 20] }, render: ([a, b, c]) => `${a} * (${b} - ${c})` },
];

interface WordForm {
  /** `{name}` is a first name; `{a}`, `{b}`, `{c}` are the numbers, in this order. */
  text: string;
  ranges: Ranges;
  solve: (values: Values) => number;
  pattern: RegExp;
}

function wordForm(text: string, ranges: Ranges, solve: (values: Values) => number): WordForm {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(escaped.replace(/\\\{name\\\}/g, '[A-Z][a-z]+').replace(/\\\{([abc])\\\}/g, '(?<$1>\\d+)'));
  return { text, ranges, solve, pattern };
}

const WORD_FORMS: readonly WordForm[] = [
  wordForm(
    '{name} has {a} apples and buys {b} bags with {c} apples in each. How many apples does {name} have now?',
    { a: [2, 60], b: [2, 9], c: [2, 12] },
    ([a, b, c]) => a + b * c,
  ),
  wordForm(
    '{name} reads {a} pages every day for {b} days, then {c} more pages on the last evening. How many pages does {name} read in all?',
    { a: [5, 40], b: [2, 9], c: [1, 30] },
    ([a, b, c]) => a * b + c,
  ),
  wordForm(
    'A baker bakes {a} trays of {b} rolls and sells {c} of them. How many rolls are left?',
    { a: [3, 12], b: [6, 24], c: [1, 17] },
    ([a, b, c]) => a * b - c,
  ),
  wordForm(
    'A bus carries {a} people. At the first stop {b} get off and {c} get on. How many people are on the bus now?',
    { a: [20, 60], b: [1, 19], c: [1, 30] },
    ([a, b, c]) => a - b + c,
  ),
  wordForm(
    '{name} saves {a} dollars a week for {b} weeks and spends {c} dollars on a gift. How many dollars are left?',
    { a: [5, 30], b: [4, 12], c: [1, 19] },
    ([a, b, c]) => a * b - c,
  ),
  wordForm(
    'A hall has {a} rows of {b} chairs and {c} more chairs by the door. How many chairs are there in all?',
    { a: [3, 30], b: [4, 20], c: [1, 25] },
    ([a, b, c]) => a * b + c,
  ),
];

const NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elif', 'Farid', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kemi', 'Liam', 'Mila', 'Noor', 'Omar'];
/** Draws allowed per row before the generator gives up finding a question not used yet. */
const MAX_DRAWS = 200;

/**
 * A simulated dataset: `size` distinct questions, alternately arithmetic ("Compute 37 * 4 + 12.")
 * and short word problems, each answer computed from the numbers drawn. Equal seeds give equal rows.
 *
 * @example
 * simulationDataset({ size: 2, seed: 1 });
 * // [{ id: 'sim-0001', kind: 'arithmetic', question: 'Compute 72 * 9 - 16.', answer: 632 }, { id: 'sim-0002', kind: 'word', ... }]
 */
export function simulationDataset(options: SimulationDatasetOptions): SimulationItem[] {
  const size = wholeNumber(options.size, 'size', 'simulationDataset');
  const rng = Rng.fromSeed(wholeNumber(options.seed, 'seed', 'simulationDataset', Number.MIN_SAFE_INTEGER));
  const width = Math.max(4, String(size).length);
  const seen = new Set<string>();
  const items: SimulationItem[] = [];
  for (let index = 0; index < size; index++) {
    const kind: SimulationKind = index % 2 === 0 ? 'arithmetic' : 'word';
    let drawn = drawQuestion(kind, rng);
    for (let draws = 1; seen.has(drawn.question); draws++) {
      if (draws >= MAX_DRAWS) {
        throw new OuroError('option-invalid', `simulationDataset: size ${size} asks for more distinct ${kind} questions than it can make`, {
          field: 'size',
        });
      }
      drawn = drawQuestion(kind, rng);
    }
    seen.add(drawn.question);
    items.push({ id: `sim-${String(index + 1).padStart(width, '0')}`, kind, ...drawn });
  }
  return items;
}

/** Writes `simulationDataset(options)` to `file` as JSON Lines, one row a line, and returns the rows. */
export function writeSimulationDataset(file: string, options: SimulationDatasetOptions): SimulationItem[] {
  const items = simulationDataset(options);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, items.map((item) => `${JSON.stringify(item)}\n`).join(''));
  return items;
}

function drawQuestion(kind: SimulationKind, rng: Rng): { question: string; answer: number } {
  const draw = ({ a, b, c }: Ranges): Values => [a, b, c].map(([low, high]) => low + rng.int(high - low + 1)) as Values;
  if (kind === 'arithmetic') {
    const form = rng.pick(ARITHMETIC_FORMS);
    const expression = form.render(draw(form.ranges));
    return { question: `Compute ${expression}.`, answer: evaluateExpression(expression) as number };
  }
  const form = rng.pick(WORD_FORMS);
  const values = draw(form.ranges);
  const name = rng.pick(NAMES);
  const question = form.text.replace(/\{name\}/g, name).replace(/\{([abc])\}/g, (_, key: string) => String(values['abc'.indexOf(key)]));
  return { question, answer: form.solve(values) };
}

/** Whole numbers with + - * and parentheses, by precedence; undefined for anything else. */
function evaluateExpression(text: string): number | undefined {
  const tokens = text.match(/\d+|\S/g) ?? [];
  let at = 0;
  function primary(): number | undefined {
    const token = tokens[at++];
    if (token === '(') {
      const value = sum();
      return tokens[at++] === ')' ? value : undefined;
    }
    return token !== undefined && /^\d+$/.test(token) ? Number(token) : undefined;
  }
  function product(): number | undefined {
    let value = primary();
    while (value !== undefined && tokens[at] === '*') {
      at++;
      const right = primary();
      value = right === undefined ? undefined : value * right;
    }
    return value;
  }
  function sum(): number | undefined {
    let value = product();
    while (value !== undefined && (tokens[at] === '+' || tokens[at] === '-')) {
      const operator = tokens[at++];
      const right = product();
      value = right === undefined ? undefined : operator === '+' ? value + right : value - right;
    }
    return value;
  }
  const value = sum();
  return at === tokens.length ? value : undefined;
}

/**
 * Finds the first simulated-dataset question in a text and computes its answer; undefined when the
 * text holds none. The text may wrap the question in other words ("Question: ... Reply with a number").
 *
 * @example
 * recognizeQuestion('Question: Compute 3 * 4 + 1.'); // { kind: 'arithmetic', question: 'Compute 3 * 4 + 1.', answer: 13 }
 */
export function recognizeQuestion(text: string): Omit<SimulationItem, 'id'> | undefined {
  const found: Array<Omit<SimulationItem, 'id'> & { at: number }> = [];
  const arithmetic = /Compute\s+([\d\s+*()-]+?)\s*\./.exec(text);
  const value = arithmetic === null ? undefined : evaluateExpression(arithmetic[1] as string);
  if (arithmetic !== null && value !== undefined)
    found.push({ kind: 'arithmetic', question: arithmetic[0], answer: value, at: arithmetic.index });
  for (const form of WORD_FORMS) {
    const match = form.pattern.exec(text);
    const groups = match?.groups;
    if (match === null || groups === undefined) continue;
    const values = [groups.a, groups.b, groups.c].map(Number) as Values;
    found.push({ kind: 'word', question: match[0], answer: form.solve(values), at: match.index });
  }
  const first = found.sort((left, right) => left.at - right.at)[0];
  return first === undefined ? undefined : { kind: first.kind, question: first.question, answer: first.answer };
}

/** The simulated task model's reply pattern; the last `The answer is N.` in a text, or undefined. */
export function extractSimAnswer(text: string): number | undefined {
  const matches = [...text.matchAll(/The answer is (-?\d+)\./g)];
  const last = matches[matches.length - 1];
  return last === undefined ? undefined : Number(last[1]);
}

/** A whole number of at least `least`, or an error naming the field and the function. */
export function wholeNumber(value: number, field: string, where: string, least = 0): number {
  if (!Number.isSafeInteger(value) || value < least) {
    const range = least === 0 ? 'a whole number of 0 or more' : 'a whole number';
    throw new OuroError('option-invalid', `${where}: ${field} must be ${range}, got ${String(value)}`, { field });
  }
  return value;
}
