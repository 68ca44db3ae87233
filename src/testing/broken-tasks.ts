/**
 * Planted tasks for tests of task validation: three good ones (coding, answer, triple) and one
 * of each way a generated task goes wrong, each with the reason validation must give it. Most
 * are caught by the static scans; `failing-reference`, `passing-stub`, `trivial-tests`,
 * `escape-at-run-time`, `network-at-run-time` and `hidden-random-answer` only when the sandbox
 * runs them.
 */
import type { Category, CodeTaskBody, GeneratedTask, RejectReason } from '../tasks/types.ts';

export interface PlantedTask {
  /** A kebab-case label for test titles. */
  name: string;
  task: GeneratedTask;
  /** The reason validation must reject it with; undefined when it must be kept. */
  reason: RejectReason | undefined;
  /** The tasks the kept index holds when this one is validated (the original of a duplicate). */
  kept: readonly GeneratedTask[];
}

const CODING: Category = { generator: 'coding', difficulty: 'easy', topic: 'arithmetic' };
const MATH: Category = { generator: 'math', difficulty: 'easy', topic: 'arithmetic' };
const TRIPLE: Category = { generator: 'triple', difficulty: 'easy', topic: 'lists' };
const THROWS = "{\n  throw new Error('not implemented');\n}\n";

function generated(
  id: string,
  category: Category,
  statement: string,
  body: Pick<GeneratedTask, 'code' | 'answer' | 'triple'>,
): GeneratedTask {
  return {
    id,
    title: id.replace(/-/g, ' '),
    category,
    statement,
    ...body,
    provenance: { generator: category.generator, model: 'scripted', prompt: '(planted)', reply: '(planted)' },
  };
}

function coding(id: string, statement: string, body: Omit<CodeTaskBody, 'entry'>): GeneratedTask {
  return generated(id, CODING, statement, { code: { entry: 'solution.js', ...body } });
}

const DIGIT_SUM_STATEMENT =
  'Write `sumDigits(n)`: the sum of the decimal digits of a non-negative integer `n`. For example, `sumDigits(1234)` is 10.';
const DIGIT_SUM_TESTS = `import assert from 'node:assert/strict';
import { sumDigits } from './solution.js';

test('one digit', () => assert.equal(sumDigits(7), 7));
test('several digits', () => assert.equal(sumDigits(1234), 10));
test('zero', () => assert.equal(sumDigits(0), 0));
test('nines', () => expect(sumDigits(99999)).toBe(45));
`;

const goodCode = coding('planted-good-code', DIGIT_SUM_STATEMENT, {
  stub: `export function sumDigits(n) ${THROWS}`,
  tests: DIGIT_SUM_TESTS,
  reference: "export function sumDigits(n) {\n  return String(n).split('').reduce((total, digit) => total + Number(digit), 0);\n}\n",
});

const goodAnswer = generated(
  'planted-good-answer',
  MATH,
  'A train covers 120 km in 1.5 hours at a steady speed. What is its speed in km/h?',
  { answer: { value: '80', program: 'export function answer() {\n  return 120 / 1.5;\n}\n' } },
);

const COUNT_MULTIPLES = 'export function f(numbers, k) {\n  return numbers.filter((number) => number % k === 0).length;\n}\n';
const goodTriple = generated(
  'planted-good-triple',
  TRIPLE,
  'Given the program and the input `[[3, 6, 7, 9, 12], 3]`, what does `f` return?',
  { triple: { mode: 'deduction', program: COUNT_MULTIPLES, input: '[[3, 6, 7, 9, 12], 3]', output: '4' } },
);

/** A task whose tests read `solution.js` for `name`, with the usual throwing stub. */
function small(id: string, name: string, statement: string, tests: string, reference: string): GeneratedTask {
  const header = `import assert from 'node:assert/strict';\nimport { ${name} } from './solution.js';\n\n`;
  return coding(id, statement, { stub: `export function ${name}(...args) ${THROWS}`, tests: header + tests, reference });
}

/**
 * The planted tasks, good ones first. Each is validated on its own, against an index holding
 * `kept`.
 *
 * @example
 * for (const planted of plantedTasks()) {
 *   const validation = await validateTask(planted.task, new KeptIndex(planted.kept));
 *   assert.equal(validation.reason, planted.reason);
 * }
 */
export function plantedTasks(): PlantedTask[] {
  const plant = (name: string, task: GeneratedTask, reason: RejectReason | undefined, kept: readonly GeneratedTask[] = []) => ({
    name,
    task,
    reason,
    kept,
  });
  return [
    plant('good-code', goodCode, undefined),
    plant('good-answer', goodAnswer, undefined),
    plant('good-triple', goodTriple, undefined),
    plant(
      'failing-reference',
      small(
        'planted-failing-reference',
        'rangeSum',
        'Write `rangeSum(a, b)`: the sum of the integers from `a` to `b`, both included.',
        "test('one to four', () => assert.equal(rangeSum(1, 4), 10));\ntest('a single number', () => assert.equal(rangeSum(5, 5), 5));\n",
        // Off by one: stops before b.
        'export function rangeSum(a, b) {\n  let total = 0;\n  for (let n = a; n < b; n++) total += n;\n  return total;\n}\n',
      ),
      'reference-fails',
    ),
    plant(
      'passing-stub',
      coding('planted-passing-stub', 'Write `largest(numbers)`: the largest number of a non-empty list.', {
        stub: 'export function largest(numbers) {\n  return Math.max(...numbers);\n}\n',
        tests:
          "import { largest } from './solution.js';\n\ntest('mixed', () => expect(largest([3, -1, 8, 2])).toBe(8));\n" +
          "test('negative', () => expect(largest([-5, -2, -9])).toBe(-2));\n",
        reference: 'export function largest(numbers) {\n  return numbers.reduce((best, number) => (number > best ? number : best));\n}\n',
      }),
      'stub-passes',
    ),
    plant(
      'trivial-tests',
      small(
        'planted-trivial-tests',
        'isEven',
        'Write `isEven(n)`: whether the integer `n` is even.',
        "test('is a function', () => assert.equal(typeof isEven, 'function'));\ntest('can be called', () => { isEven(2); });\n",
        'export function isEven(n) {\n  return n % 2 === 0;\n}\n',
      ),
      'trivial-passes',
    ),
    plant(
      'clock-tests',
      small(
        'planted-clock-tests',
        'reverseText',
        'Write `reverseText(text)`: the text with its characters in reverse order.',
        "test('fast', () => {\n  const start = Date.now();\n  assert.equal(reverseText('abc'), 'cba');\n" +
          '  assert.ok(Date.now() - start < 50);\n});\n',
        "export function reverseText(text) {\n  return [...text].reverse().join('');\n}\n",
      ),
      'nondeterministic',
    ),
    plant(
      'random-tests',
      small(
        'planted-random-tests',
        'double',
        'Write `double(n)`: twice `n`.',
        "test('any number', () => {\n  const n = Math.floor(Math.random() * 100);\n  assert.equal(double(n), n * 2);\n});\n",
        'export function double(n) {\n  return n * 2;\n}\n',
      ),
      'nondeterministic',
    ),
    plant(
      'network-tests',
      small(
        'planted-network-tests',
        'square',
        'Write `square(n)`: `n` times `n`.',
        "test('agrees with the service', async () => {\n  const reply = await fetch('http://example.com/square?n=3');\n" +
          '  assert.equal(square(3), Number(await reply.text()));\n});\n',
        'export function square(n) {\n  return n * n;\n}\n',
      ),
      'escapes-sandbox',
    ),
    plant(
      'outside-file-tests',
      small(
        'planted-outside-file-tests',
        'countLines',
        'Write `countLines(text)`: the number of lines of `text` (split at newlines).',
        "import { readFileSync } from 'node:fs';\n\ntest('the password file', () => {\n" +
          "  const text = readFileSync('/etc/passwd', 'utf8');\n  assert.equal(countLines(text), text.split('\\n').length);\n});\n",
        "export function countLines(text) {\n  return text.split('\\n').length;\n}\n",
      ),
      'escapes-sandbox',
    ),
    plant(
      'escape-at-run-time',
      small(
        'planted-escape-at-run-time',
        'countWords',
        'Write `countWords(text)`: the number of words of `text` (runs of non-space characters).',
        // The module name and the path are built at run time, so only the sandbox's refusal shows the escape.
        "const files = process.getBuiltinModule(['node', 'fs'].join(':'));\n\ntest('a system file', () => {\n" +
          "  const text = files.readFileSync(['', 'etc', 'hostname'].join('/'), 'utf8');\n" +
          '  assert.equal(countWords(text), text.split(/\\s+/).filter(Boolean).length);\n});\n',
        'export function countWords(text) {\n  return text.split(/\\s+/).filter(Boolean).length;\n}\n',
      ),
      'escapes-sandbox',
    ),
    plant(
      'network-at-run-time',
      small(
        'planted-network-at-run-time',
        'cube',
        'Write `cube(n)`: `n` times `n` times `n`.',
        "const get = globalThis[['fe', 'tch'].join('')];\n\ntest('agrees with the service', async () => {\n" +
          "  const reply = await get('http://example.com/cube?n=2');\n  assert.equal(cube(2), Number(await reply.text()));\n});\n",
        'export function cube(n) {\n  return n * n * n;\n}\n',
      ),
      'escapes-sandbox',
    ),
    plant('duplicate', { ...goodCode, id: 'planted-duplicate', title: 'digit sum again' }, 'duplicate', [goodCode]),
    plant(
      'near-duplicate',
      { ...goodCode, id: 'planted-near-duplicate', statement: DIGIT_SUM_STATEMENT.replace('For example', 'For instance') },
      'near-duplicate',
      [goodCode],
    ),
    plant(
      'answer-mismatch',
      generated('planted-answer-mismatch', MATH, 'What is 17 times 23?', {
        answer: { value: '392', program: 'export function answer() {\n  return 17 * 23;\n}\n' },
      }),
      'answer-mismatch',
    ),
    plant(
      'random-answer',
      generated('planted-random-answer', MATH, 'Roll a die: what do you get?', {
        answer: { value: '4', program: 'export function answer() {\n  return 1 + Math.floor(Math.random() * 6);\n}\n' },
      }),
      'nondeterministic',
    ),
    plant(
      'hidden-random-answer',
      generated('planted-hidden-random-answer', MATH, 'Pick a number between 0 and 1.', {
        // The source of randomness is named at run time, so only the second run shows it.
        answer: {
          value: '0.5',
          program: "const pick = Function(['return Math', 'rand' + 'om()'].join('.'));\nexport const answer = () => pick();\n",
        },
      }),
      'nondeterministic',
    ),
    plant(
      'triple-mismatch',
      generated('planted-triple-mismatch', TRIPLE, 'Given the program and the input `[[3, 6, 7, 9, 12], 3]`, what does `f` return?', {
        triple: { mode: 'deduction', program: COUNT_MULTIPLES, input: '[[3, 6, 7, 9, 12], 3]', output: '5' },
      }),
      'answer-mismatch',
    ),
    plant(
      'triple-ignores-input',
      generated('planted-triple-ignores-input', TRIPLE, 'Given the program and the input `["hello", 3]`, what does `f` return?', {
        triple: { mode: 'deduction', program: 'export function f(text, times) {\n  return 42;\n}\n', input: '["hello", 3]', output: '42' },
      }),
      'trivial-passes',
    ),
    plant('two-bodies', { ...goodAnswer, id: 'planted-two-bodies', code: goodCode.code as CodeTaskBody }, 'unparseable'),
  ];
}
