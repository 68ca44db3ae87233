/**
 * A SCRIPTED task proposer: a SIMULATION of a model that writes tasks, for tests. No model is
 * involved. It answers proposer prompts (src/tasks/generate/prompts.ts) in the reply format from a
 * fixed, seeded pool: mostly good tasks (8 coding tasks with working tests and references, 6 math
 * problems with programs, 6 triple programs), sometimes a planted flaw (a failing reference, a
 * passing stub, tests that always pass, tests using Date.now, Math.random or fetch, a wrong stated
 * answer, a repeat of an earlier reply) and sometimes a reply that does not parse.
 */
import { Rng } from '../core/rng.ts';
import { writeBlock } from '../tasks/generate/format.ts';
import type { Difficulty, TripleMode } from '../tasks/types.ts';
import type { ScriptedRequest, ScriptStep } from './scripted-llm-server.ts';

interface Common {
  title: string;
  topic: string;
  difficulty: Difficulty;
}
export interface CodingProposal extends Common {
  form: 'coding';
  /** The name the solution exports, for flaws that rewrite the tests. */
  name: string;
  statement: string;
  stub: string;
  tests: string;
  reference: string;
}
export interface MathProposal extends Common {
  form: 'math';
  statement: string;
  answer: string;
  program: string;
}
export interface TripleProposal extends Common {
  form: 'triple';
  program: string;
  /** Argument lists: the first is the input of deduction and abduction, all of them induction's. */
  inputs: unknown[][];
  /** An output the proposer states anyway; parsing ignores it. */
  statedOutput?: string;
}
export type ProposalBody = CodingProposal | MathProposal | TripleProposal;

const meta = (body: ProposalBody): string =>
  writeBlock('meta', JSON.stringify({ title: body.title, topic: body.topic, difficulty: body.difficulty }));

/** One reply in the proposer's format, with a line of chatter before the blocks as models write. */
export function proposalReply(body: ProposalBody, mode: TripleMode = 'deduction'): string {
  const blocks = [meta(body)];
  if (body.form === 'coding') {
    blocks.push(writeBlock('statement', body.statement), writeBlock('stub', body.stub), writeBlock('tests', body.tests));
    blocks.push(writeBlock('reference', body.reference));
  } else if (body.form === 'math') {
    blocks.push(writeBlock('statement', body.statement), writeBlock('answer', body.answer), writeBlock('program', body.program));
  } else {
    const input = mode === 'induction' ? body.inputs : body.inputs[0];
    blocks.push(writeBlock('program', body.program), writeBlock('input', JSON.stringify(input)));
    if (body.statedOutput !== undefined) blocks.push(writeBlock('output', body.statedOutput));
  }
  return `Here is a new task.\n\n${blocks.join('\n\n')}\n`;
}

/** Reply texts for a list of task bodies, in order. */
export function scriptedProposerReplies(bodies: readonly ProposalBody[], mode?: TripleMode): string[] {
  return bodies.map((body) => proposalReply(body, mode));
}

const STUB_BODY = "  throw new Error('not implemented');";
const stub = (signature: string): string => `export function ${signature} {\n${STUB_BODY}\n}`;
const tests = (name: string, lines: string[]): string =>
  [`import assert from 'node:assert/strict';`, `import { ${name} } from './solution.js';`, '', ...lines].join('\n');
const coding = (
  title: string,
  topic: string,
  difficulty: Difficulty,
  name: string,
  signature: string,
  statement: string,
  lines: string[],
  reference: string,
): CodingProposal => ({
  form: 'coding',
  title,
  topic,
  difficulty,
  name,
  statement,
  stub: stub(signature),
  tests: tests(name, lines),
  reference,
});

/** Eight good coding tasks: their references pass their tests, their stubs fail them. */
export const CODING_POOL: readonly CodingProposal[] = [
  coding(
    'Reverse the words',
    'strings',
    'easy',
    'reverseWords',
    'reverseWords(text)',
    'Export `reverseWords(text)`: the words of `text` (runs of non-space characters) in reverse order, joined by one space.',
    [
      "test('three words', () => assert.equal(reverseWords('one two three'), 'three two one'));",
      "test('extra spaces', () => assert.equal(reverseWords('  a   b '), 'b a'));",
      "test('one word', () => assert.equal(reverseWords('solo'), 'solo'));",
      "test('empty', () => assert.equal(reverseWords(''), ''));",
    ],
    "export function reverseWords(text) {\n  return text.split(/\\s+/).filter(Boolean).reverse().join(' ');\n}",
  ),
  coding(
    'Count the vowels',
    'strings',
    'easy',
    'countVowels',
    'countVowels(text)',
    'Export `countVowels(text)`: how many of the letters a, e, i, o, u (either case) `text` holds.',
    [
      "test('lower case', () => assert.equal(countVowels('banana'), 3));",
      "test('upper case', () => assert.equal(countVowels('AEIOU xyz'), 5));",
      "test('none', () => assert.equal(countVowels('rhythm'), 0));",
      "test('empty', () => assert.equal(countVowels(''), 0));",
    ],
    'export function countVowels(text) {\n  return (text.match(/[aeiou]/gi) ?? []).length;\n}',
  ),
  coding(
    'Run-length encoding',
    'strings',
    'medium',
    'encode',
    'encode(text)',
    'Export `encode(text)`: each run of one character as the character followed by the run length: `aaab` is `a3b1`.',
    [
      "test('runs', () => assert.equal(encode('aaabcc'), 'a3b1c2'));",
      "test('single letters', () => assert.equal(encode('abc'), 'a1b1c1'));",
      "test('long run', () => assert.equal(encode('zzzzzzzzzzzz'), 'z12'));",
      "test('empty', () => assert.equal(encode(''), ''));",
    ],
    "export function encode(text) {\n  return (text.match(/(.)\\1*/gs) ?? []).map((run) => run[0] + run.length).join('');\n}",
  ),
  coding(
    'Unique in order',
    'arrays',
    'easy',
    'unique',
    'unique(items)',
    'Export `unique(items)`: a new array with the first occurrence of each value of `items` (compared with `===`), in order.',
    [
      "test('duplicates', () => assert.deepEqual(unique([3, 1, 3, 2, 1]), [3, 1, 2]));",
      "test('strings', () => assert.deepEqual(unique(['a', 'b', 'a']), ['a', 'b']));",
      "test('no duplicates', () => assert.deepEqual(unique([1, 2]), [1, 2]));",
      "test('empty', () => assert.deepEqual(unique([]), []));",
    ],
    'export function unique(items) {\n  return [...new Set(items)];\n}',
  ),
  coding(
    'Rotate an array',
    'arrays',
    'medium',
    'rotate',
    'rotate(items, k)',
    'Export `rotate(items, k)`: a new array, `items` rotated right by `k` places. `k` may be negative or larger than the length.',
    [
      "test('by one', () => assert.deepEqual(rotate([1, 2, 3, 4], 1), [4, 1, 2, 3]));",
      "test('negative', () => assert.deepEqual(rotate([1, 2, 3, 4], -1), [2, 3, 4, 1]));",
      "test('larger than the length', () => assert.deepEqual(rotate([1, 2, 3], 5), [2, 3, 1]));",
      "test('empty', () => assert.deepEqual(rotate([], 3), []));",
    ],
    'export function rotate(items, k) {\n  if (items.length === 0) return [];\n' +
      '  const by = ((k % items.length) + items.length) % items.length;\n' +
      '  return [...items.slice(items.length - by), ...items.slice(0, items.length - by)];\n}',
  ),
  coding(
    'Running sums',
    'arrays',
    'easy',
    'runningSum',
    'runningSum(numbers)',
    'Export `runningSum(numbers)`: the array whose element i is the sum of `numbers[0..i]`.',
    [
      "test('counting', () => assert.deepEqual(runningSum([1, 2, 3, 4]), [1, 3, 6, 10]));",
      "test('negatives', () => assert.deepEqual(runningSum([5, -2, -3]), [5, 3, 0]));",
      "test('one', () => assert.deepEqual(runningSum([7]), [7]));",
      "test('empty', () => assert.deepEqual(runningSum([]), []));",
    ],
    'export function runningSum(numbers) {\n  let total = 0;\n  return numbers.map((value) => (total += value));\n}',
  ),
  coding(
    'Greatest common divisor',
    'arithmetic',
    'easy',
    'gcd',
    'gcd(a, b)',
    'Export `gcd(a, b)` for integers: the greatest common divisor of |a| and |b|; `gcd(0, 0)` is 0.',
    [
      "test('common case', () => assert.equal(gcd(12, 18), 6));",
      "test('coprime', () => assert.equal(gcd(17, 5), 1));",
      "test('negative', () => assert.equal(gcd(-8, 12), 4));",
      "test('zeros', () => { assert.equal(gcd(0, 9), 9); assert.equal(gcd(0, 0), 0); });",
    ],
    'export function gcd(a, b) {\n  let [x, y] = [Math.abs(a), Math.abs(b)];\n  while (y !== 0) [x, y] = [y, x % y];\n  return x;\n}',
  ),
  coding(
    'Prime test',
    'arithmetic',
    'medium',
    'isPrime',
    'isPrime(n)',
    'Export `isPrime(n)`: `true` when the integer `n` is prime, `false` otherwise (0, 1 and negatives are not prime).',
    [
      "test('small primes', () => { for (const n of [2, 3, 5, 7, 97]) assert.equal(isPrime(n), true); });",
      "test('composites', () => { for (const n of [4, 9, 91, 100]) assert.equal(isPrime(n), false); });",
      "test('not prime below 2', () => { for (const n of [1, 0, -7]) assert.equal(isPrime(n), false); });",
      "test('a larger prime', () => assert.equal(isPrime(7919), true));",
    ],
    'export function isPrime(n) {\n  if (n < 2) return false;\n' +
      '  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;\n  return true;\n}',
  ),
];

const math = (title: string, topic: string, difficulty: Difficulty, statement: string, answer: string, body: string): MathProposal => ({
  form: 'math',
  title,
  topic,
  difficulty,
  statement,
  answer,
  program: `export function answer() {\n  ${body}\n}`,
});

/** Six math problems whose programs compute their stated answers. */
export const MATH_POOL: readonly MathProposal[] = [
  math(
    'Pencil prices',
    'arithmetic',
    'easy',
    'Pencils cost $0.75 for 3. How many dollars do 14 pencils cost?',
    '3.5',
    'return (0.75 / 3) * 14;',
  ),
  math(
    'Average speed',
    'rates',
    'easy',
    'A train covers 180 km in 2.5 hours, then 120 km in 1.5 hours. What is its average speed in km/h?',
    '75',
    'return (180 + 120) / (2.5 + 1.5);',
  ),
  math(
    'Odd numbers',
    'series',
    'medium',
    'What is the sum of the first 50 odd numbers?',
    '2500',
    'let sum = 0;\n  for (let k = 0; k < 50; k++) sum += 2 * k + 1;\n  return sum;',
  ),
  math(
    'Rectangle area',
    'geometry',
    'medium',
    'A rectangle has a perimeter of 56 and is 3 times as long as it is wide. What is its area?',
    '147',
    'const width = 56 / 2 / (3 + 1);\n  return width * 3 * width;',
  ),
  math(
    'Weekly savings',
    'series',
    'medium',
    'Maria saves $12 in the first week and $4 more each week than the week before. How much has she saved after 10 weeks?',
    '300',
    'let total = 0;\n  for (let week = 0; week < 10; week++) total += 12 + 4 * week;\n  return total;',
  ),
  math(
    'Multiples',
    'counting',
    'hard',
    'How many integers from 1 to 200 are divisible by 3 or by 5?',
    '93',
    'let count = 0;\n  for (let n = 1; n <= 200; n++) if (n % 3 === 0 || n % 5 === 0) count++;\n  return count;',
  ),
];

const triple = (title: string, topic: string, difficulty: Difficulty, program: string, inputs: unknown[][]): TripleProposal => ({
  form: 'triple',
  title,
  topic,
  difficulty,
  program,
  inputs,
});

/** Six triple programs, each with at least three argument lists. */
export const TRIPLE_POOL: readonly TripleProposal[] = [
  triple(
    'Even squares',
    'arrays',
    'easy',
    'export function f(xs) {\n  return xs.filter((x) => x % 2 === 0).reduce((sum, x) => sum + x * x, 0);\n}',
    [[[1, 2, 3, 4]], [[5, 6]], [[-2, 7, 0]], [[10]]],
  ),
  triple(
    'Shouted vowels',
    'strings',
    'easy',
    "export function f(s) {\n  return [...s].reverse().map((c) => ('aeiou'.includes(c) ? c.toUpperCase() : c)).join('');\n}",
    [['banana'], ['hello world'], ['xyz']],
  ),
  triple(
    'Collatz steps',
    'arithmetic',
    'medium',
    'export function f(n) {\n  if (!(n >= 1)) return -1;\n  let steps = 0;\n' +
      '  while (n !== 1) {\n    n = n % 2 === 0 ? n / 2 : 3 * n + 1;\n    steps++;\n  }\n  return steps;\n}',
    [[6], [7], [1], [27]],
  ),
  triple('Quotient and remainder', 'arithmetic', 'easy', 'export function f(a, b) {\n  return [Math.floor(a / b), a % b];\n}', [
    [17, 5],
    [100, 7],
    [9, 3],
  ]),
  triple(
    'Long words',
    'strings',
    'medium',
    "export function f(words, n) {\n  return words.filter((word) => word.length >= n).join('-');\n}",
    [
      [['a', 'tree', 'is', 'green'], 3],
      [['one', 'two', 'three'], 4],
      [['x', 'yy'], 1],
    ],
  ),
  triple(
    'Letter counts',
    'strings',
    'medium',
    'export function f(s) {\n  const counts = {};\n  for (const c of [...s].sort()) counts[c] = (counts[c] ?? 0) + 1;\n  return counts;\n}',
    [['hello'], ['aab'], ['zzz']],
  ),
];

/** The flaws a scripted proposer plants. */
export type Flaw =
  | 'failing-reference'
  | 'passing-stub'
  | 'always-pass-tests'
  | 'date-now'
  | 'math-random'
  | 'fetch'
  | 'wrong-answer'
  | 'random-program'
  | 'wrong-stated-output';
export const CODING_FLAWS: readonly Flaw[] = ['failing-reference', 'passing-stub', 'always-pass-tests', 'date-now', 'math-random', 'fetch'];
const MATH_FLAWS: readonly Flaw[] = ['wrong-answer', 'random-program'];
const TRIPLE_FLAWS: readonly Flaw[] = ['wrong-stated-output', 'random-program'];

/** A copy of a good body with one flaw planted. */
export function withFlaw(body: ProposalBody, flaw: Flaw): ProposalBody {
  if (body.form === 'coding') {
    const add = (line: string): CodingProposal => ({ ...body, tests: `${body.tests}\n${line}` });
    if (flaw === 'failing-reference') return { ...body, reference: body.stub };
    if (flaw === 'passing-stub') return { ...body, stub: body.reference };
    if (flaw === 'always-pass-tests')
      return { ...body, tests: tests(body.name, [`test('exists', () => assert.equal(typeof ${body.name}, 'function'));`]) };
    if (flaw === 'date-now') return add("test('the clock runs', () => assert.ok(Date.now() > 0));");
    if (flaw === 'math-random') return add("test('a random draw', () => assert.ok(Math.random() < 2));");
    if (flaw === 'fetch') return add("test('reads the network', async () => assert.ok(await fetch('http://127.0.0.1:9/')));");
  }
  if (body.form === 'math' && flaw === 'wrong-answer') return { ...body, answer: String(Number(body.answer) + 1) };
  if (body.form !== 'coding' && flaw === 'random-program') {
    return { ...body, program: body.program.replace(/\n}\s*$/, '\n}\nexport const noise = () => Math.random();') };
  }
  if (body.form === 'triple' && flaw === 'wrong-stated-output') return { ...body, statedOutput: '"not what f returns"' };
  throw new RangeError(`the flaw ${flaw} does not apply to a ${body.form} task`);
}

/** What the scripted proposer served for one request. */
export interface ServedProposal {
  kind: string;
  form: string;
  mode?: TripleMode;
  quality: 'good' | 'duplicate' | 'unparseable' | Flaw;
  title?: string;
  reply: string;
}

export interface TaskProposerOptions {
  seed?: number;
  /** Share of replies with a planted flaw or a repeat of an earlier reply (0.25 by default). */
  flawShare?: number;
  /** Share of replies that do not parse (0.1 by default). */
  unparseableShare?: number;
}

const UNPARSEABLE = [
  'I would rather not write a task today.',
  '```meta\n{"title": "Half a task"}\n```\n\n```statement\nExport `half(n)`.\n```\n',
  '```meta\n{title: no quotes}\n```\n```statement\nx\n```\n```stub\nx\n```\n```tests\nx\n```\n```reference\nx\n```',
];

/**
 * A responder for the scripted LLM server that answers proposer prompts by their `Kind:`,
 * `Format:` and `Mode:` lines, drawing from the pools with a seeded generator. `served` records
 * what each reply was, in order, so a test knows which replies should be rejected and why.
 *
 * @example
 * const proposer = createTaskProposer({ seed: 3 });
 * const server = await startScriptedLlmServer({ respond: proposer.respond });
 */
export function createTaskProposer(options: TaskProposerOptions = {}): {
  respond: (request: ScriptedRequest) => ScriptStep;
  served: ServedProposal[];
} {
  const rng = Rng.fromSeed(options.seed ?? 1);
  const flawShare = options.flawShare ?? 0.25;
  const unparseableShare = options.unparseableShare ?? 0.1;
  const served: ServedProposal[] = [];
  const respond = (request: ScriptedRequest): ScriptStep => {
    const prompt = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
    const kind = /^Kind: (\w+)/m.exec(prompt)?.[1] ?? 'coding';
    const form = /^Format: (\w+)/m.exec(prompt)?.[1] ?? 'coding';
    const mode = form === 'triple' ? ((/^Mode: (\w+)/m.exec(prompt)?.[1] ?? 'deduction') as TripleMode) : undefined;
    const pool: readonly ProposalBody[] = form === 'math' ? MATH_POOL : form === 'triple' ? TRIPLE_POOL : CODING_POOL;
    const body = pool[rng.int(pool.length)] as ProposalBody;
    const draw = rng.next();
    const record = (quality: ServedProposal['quality'], reply: string, title?: string): ScriptStep => {
      served.push({ kind, form, mode, quality, title, reply });
      return { text: reply };
    };
    if (draw < unparseableShare) return record('unparseable', UNPARSEABLE[rng.int(UNPARSEABLE.length)] as string);
    if (draw < unparseableShare + flawShare) {
      const earlier = served.filter((entry) => entry.form === form && entry.mode === mode && entry.quality !== 'unparseable');
      const flaws = body.form === 'coding' ? CODING_FLAWS : body.form === 'math' ? MATH_FLAWS : TRIPLE_FLAWS;
      const choice = rng.int(flaws.length + 1);
      if (choice === flaws.length && earlier.length > 0) {
        const repeated = earlier[rng.int(earlier.length)] as ServedProposal;
        return record('duplicate', repeated.reply, repeated.title);
      }
      const flaw = flaws[Math.min(choice, flaws.length - 1)] as Flaw;
      return record(flaw, proposalReply(withFlaw(body, flaw), mode), body.title);
    }
    return record('good', proposalReply(body, mode), body.title);
  };
  return { respond, served };
}
