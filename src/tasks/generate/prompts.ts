/**
 * The proposer's prompts, one per generator kind. Each starts with three header lines (`Kind:`,
 * `Format:` and, for triples, `Mode:`) that a log reader or a scripted proposer can match, then
 * says what to write and spells out the reply format of format.ts.
 *
 * - coding (Self-Challenging): an instruction, a verification (hidden tests), a solution, and a
 *   stub that must fail; tests should catch plausible wrong solutions, not only the stub.
 * - triple (Absolute Zero): a deterministic program and its input; the output is computed by
 *   running it, so the proposer is not asked for one.
 * - math: a word problem with a numeric answer and a program that computes it.
 * - ladder (LADDER): an easier variant of a task the solver failed, in the failed task's form.
 * - sws (SwS): a new task aimed at the weakness the solver's recorded failures show.
 */
import type { Category, GeneratedTask, GeneratorKind, TripleMode } from '../types.ts';
import { SOLUTION_FILE, type TaskForm } from './format.ts';

/** A failure the solver had: what it was asked, what it answered, and why that failed. */
export interface SolverFailure {
  taskId: string;
  statement: string;
  reply: string;
  detail: string;
}

export interface PromptInput {
  kind: GeneratorKind;
  category: Category;
  /** The reply's form: the kind's own, the parent's for ladder, the caller's choice for sws. */
  form: TaskForm;
  /** For the triple form. */
  mode?: TripleMode;
  /** LADDER: the task to simplify. */
  parent?: GeneratedTask;
  /** SwS: the failures to aim at. */
  failures?: readonly SolverFailure[];
}

/** Longest stretch of a failed reply or detail quoted back to the proposer. */
const QUOTE_LIMIT = 1_500;

const META_LINE = 'a JSON object {"title": string, "topic": string, "difficulty": "easy" | "medium" | "hard"}';

const FENCE_RULES = [
  'Reply with named fenced blocks. A block opens with a line of three backticks followed by its name',
  '(for example ```statement) and closes with a line of three backticks. If a block itself contains three',
  'backticks, open and close it with four instead. Write each block once; text outside the blocks is ignored.',
].join('\n');

const FORMATS: Record<TaskForm, string> = {
  coding: [
    FENCE_RULES,
    'Blocks, in this order:',
    `- meta: ${META_LINE}`,
    `- statement: markdown shown to the solver: the function(s) ${SOLUTION_FILE} must export, their signatures, edge cases.`,
    `- stub: the starting ${SOLUTION_FILE}, an ES module exporting the same names, which must FAIL the tests.`,
    `- tests: an ES module that imports from './${SOLUTION_FILE}', uses assert from 'node:assert/strict' and calls the global`,
    '  test(name, fn) (describe and expect also exist). At least four tests; include cases a plausible wrong solution',
    '  fails (off-by-one, empty input, negative numbers, case). No Date, Math.random, timers, network, files or process.',
    `- reference: a correct ${SOLUTION_FILE} that passes every test.`,
  ].join('\n'),
  math: [
    FENCE_RULES,
    'Blocks, in this order:',
    `- meta: ${META_LINE}`,
    '- statement: the word problem, with every number it needs; it asks for one numeric answer.',
    '- answer: the numeric answer alone, such as 42 or 3.5 (no units, no words).',
    '- program: an ES module with `export function answer()` that computes the answer from the numbers in the',
    '  statement and returns it as a number. Plain JavaScript only: no imports, no randomness, no dates.',
  ].join('\n'),
  triple: [
    FENCE_RULES,
    'Blocks, in this order:',
    `- meta: ${META_LINE}`,
    '- program: an ES module with `export function f(...)`: deterministic plain JavaScript (no imports, randomness,',
    '  dates or globals), that returns JSON data (numbers, strings, booleans, null, arrays, plain objects) and',
    '  uses every argument.',
    '- input: the arguments f is called with, as a JSON array (f(1, "ab") is [1, "ab"]).',
    'Do not state the output: it is computed by running f.',
  ].join('\n'),
};

const INDUCTION_INPUT = [
  'For this mode the input block holds a JSON array of 3 to 5 argument lists, such as [[1, 2], [5, 0], [-3, 7]].',
  'The meta object may also hold "hint": one line shown to the solver with the examples.',
].join('\n');

const MODE_PURPOSE: Record<TripleMode, string> = {
  deduction: 'The solver will be shown the program and the input and must predict the output.',
  abduction: 'The solver will be shown the program and the output and must find an input that gives it.',
  induction: 'The solver will be shown some input/output pairs and must write f; the other pairs check it.',
};

/**
 * The proposer prompt: one user message.
 *
 * @example
 * proposerPrompt({ kind: 'coding', form: 'coding', category: { generator: 'coding', difficulty: 'easy', topic: 'strings' } });
 */
export function proposerPrompt(input: PromptInput): string {
  const { category, form } = input;
  const header = [`Kind: ${input.kind}`, `Format: ${form}`, ...(form === 'triple' ? [`Mode: ${input.mode ?? 'deduction'}`] : [])];
  const want = `Difficulty: ${category.difficulty}. Topic: ${category.topic}.`;
  return [...header, '', ...task(input), want, '', formatOf(form, input.mode)].join('\n');
}

/** The reply format of a form, as the prompt states it. */
export function formatOf(form: TaskForm, mode?: TripleMode): string {
  return form === 'triple' && mode === 'induction' ? `${FORMATS.triple}\n${INDUCTION_INPUT}` : FORMATS[form];
}

function task(input: PromptInput): string[] {
  switch (input.kind) {
    case 'coding':
      return [
        'You write programming exercises that check themselves. Write a NEW JavaScript coding task: an instruction,',
        'a stub, hidden tests and a reference solution. The tests must pass on the reference and fail on wrong',
        'solutions: the stub, a function returning its argument, a constant or an empty result.',
      ];
    case 'math':
      return [
        'You write math word problems that check themselves. Write a NEW problem with a single numeric answer,',
        'and a program that computes it.',
      ];
    case 'triple':
      return [
        'You write reasoning tasks as (program, input, output) triples. Write a NEW deterministic program and an input for it.',
        MODE_PURPOSE[input.mode ?? 'deduction'],
        'Make f neither trivial (returning an argument or a constant) nor slow: it must finish within a second.',
      ];
    case 'ladder':
      return ladderTask(input);
    case 'sws':
      return swsTask(input);
  }
}

function ladderTask(input: PromptInput): string[] {
  const parent = input.parent;
  const shown = parent === undefined ? '(no task given)' : showTask(parent);
  return [
    'The solver failed the task below. Write an EASIER variant of it: the same kind of problem, simplified one step',
    '(smaller numbers, fewer cases, one requirement dropped, a simpler input), so that solving it is a step towards',
    'the original. Keep the same reply format.',
    '',
    'The failed task:',
    shown,
    '',
  ];
}

function swsTask(input: PromptInput): string[] {
  const failures = input.failures ?? [];
  const listed = failures.map((failure, index) =>
    [
      `Failure ${index + 1} (task ${failure.taskId}):`,
      `Statement:\n${clip(failure.statement)}`,
      `The solver's reply:\n${clip(failure.reply)}`,
      `Why it failed: ${clip(failure.detail)}`,
    ].join('\n'),
  );
  return [
    'The solver failed the tasks below. Find the weakness they share (a concept, an edge case, a step it skips)',
    'and write ONE NEW task that exercises that weakness, so that practising it teaches what is missing.',
    'Do not copy a failed task.',
    '',
    ...(listed.length === 0 ? ['(no failures recorded)'] : listed),
    '',
  ];
}

/** A task as the proposer is shown it: what the solver saw, and the check behind it. */
function showTask(task: GeneratedTask): string {
  const parts = [`Title: ${task.title}`, `Statement:\n${task.statement}`];
  if (task.code) parts.push(`Tests:\n${task.code.tests}`, `Reference:\n${task.code.reference}`);
  if (task.answer) parts.push(`Answer: ${task.answer.value}`, `Program:\n${task.answer.program}`);
  if (task.triple && !task.code) parts.push(`Program:\n${task.triple.program}`, `Input: ${task.triple.input}`);
  return parts.join('\n');
}

function clip(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}… (${text.length} characters)` : text;
}
