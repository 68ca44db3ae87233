/**
 * Generated tasks in the shapes their consumers read: flywheel tasks (`toFlywheelTask`, and a
 * `TaskSource` over a loader) and coding benchmark tasks (`toCodingTask`, which export-bench.ts
 * writes in the benchmark's folder layout for the DGM and `ouro agents run --bench`).
 */
import { createHash } from 'node:crypto';
import type { CodingTask } from '../agents/index.ts';
import { OuroError } from '../core/errors.ts';
import {
  BENCHMARK_TESTS_FILE,
  benchmarkPrompt,
  DEFAULT_TEST_TIMEOUT_MS,
  type FlywheelTask,
  generatedSource,
  type TaskSource,
} from '../flywheel/index.ts';
import type { CodeTaskBody, GeneratedTask, TripleBody } from './types.ts';

/** The benchmark's rule for task ids and set names (task.json's `id`). */
export const BENCHMARK_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** The benchmark's rule for the solution file (task.json's `entry`). */
const ENTRY_FILE = /^[\w-]+\.m?js$/;
/** Title words kept in a benchmark id, at most. */
const SLUG_LENGTH = 40;
/** Characters of the content-derived id appended to the slug, so that two tasks with one title stay apart. */
const SHORT_ID_LENGTH = 8;

/**
 * A generated task as a flywheel task, with id = the task's content-derived id, source
 * `generated:<generator>` and tags `{ generator, difficulty, topic }` (and `mode` for a triple).
 *
 * - A task with a code body (a coding task, or an abduction or induction triple turned into tests)
 *   is a `code` task like a coding benchmark task: prompt = the statement and the stub, tests
 *   `{ 'tests.js': tests }`, solution = the reference in a fenced block.
 * - A math task is an `answer` task: answer = the stated value (checked against its program when
 *   the task was validated), solution = that program and the answer line.
 * - A deduction triple is an `answer` task whose answer is the output JSON. The flywheel checks a
 *   number numerically and anything else as normalised text (lower case, white space runs as one
 *   space, brackets, quotes and punctuation trimmed from both ends), so the prompt asks for compact
 *   JSON: `[1, 2]` would not match `[1,2]`, while `"ABC"` matches `"abc"`.
 *
 * Throws `OuroError('config-invalid')` naming the task for one with no body the flywheel can
 * check: an abduction or induction triple without a code body, or a task with no body at all.
 *
 * @example
 * const task = toFlywheelTask(generated);
 * task.kind; // 'code'
 * task.code; // { language: 'javascript', solutionFile: 'solution.js', tests: { 'tests.js': '...' } }
 */
export function toFlywheelTask(task: GeneratedTask): FlywheelTask {
  const generator = task.category.generator;
  const tags: Record<string, string> = { generator, difficulty: task.category.difficulty, topic: task.category.topic };
  if (task.triple !== undefined) tags.mode = task.triple.mode;
  const common = { id: task.id, source: `generated:${generator}`, tags };
  if (task.triple?.mode === 'deduction') {
    return { ...common, kind: 'answer', prompt: deductionPrompt(task.statement, task.triple), answer: task.triple.output.trim() };
  }
  if (task.code !== undefined) {
    const code = task.code;
    return {
      ...common,
      kind: 'code',
      prompt: benchmarkPrompt(task.statement, code.entry, code.stub),
      solution: fenced(code.reference),
      code: { language: 'javascript', solutionFile: code.entry, tests: { [BENCHMARK_TESTS_FILE]: code.tests } },
    };
  }
  if (task.answer !== undefined) {
    const value = task.answer.value.trim();
    return {
      ...common,
      kind: 'answer',
      prompt: task.statement.trim(),
      answer: value,
      solution: `${fenced(task.answer.program)}\n\nAnswer: ${value}`,
    };
  }
  const what =
    task.triple === undefined ? 'it has no code, answer or triple body' : `a ${task.triple.mode} triple needs a code body (tests)`;
  throw new OuroError('config-invalid', `${label(task)}: the flywheel cannot check it: ${what}`, {
    field: task.triple ? 'code' : 'code, answer, triple',
  });
}

/**
 * A generated coding task as a coding benchmark task read from `origin` (the folder it is, or will
 * be, written to). Its id is a slug of the title and the start of the content-derived id, such as
 * `run-length-encoding-g3f9a1c0e`, which the benchmark's id rule accepts; the difficulty is the
 * category's; `sets` are the named sets besides `full`.
 *
 * Throws `OuroError('config-invalid')` for a task without a code body, or whose `entry` the
 * benchmark would refuse (it must be a `.js` or `.mjs` file name).
 *
 * @example
 * toCodingTask(generated, 'bench/generated/run-length-encoding-g3f9a1c0e').id; // 'run-length-encoding-g3f9a1c0e'
 */
export function toCodingTask(task: GeneratedTask, origin: string, sets: readonly string[] = []): CodingTask {
  const code = codeBodyOf(task);
  return {
    id: benchmarkId(task),
    title: task.title.trim() === '' ? task.id : task.title.trim(),
    difficulty: task.category.difficulty,
    sets,
    entry: code.entry,
    timeoutMs: DEFAULT_TEST_TIMEOUT_MS,
    statement: task.statement,
    stub: { [code.entry]: code.stub },
    tests: code.tests,
    reference: { [code.entry]: code.reference },
    origin,
  };
}

/** The task's id in a benchmark: `<slug of the title>-<start of its id>`, lower-case letters, digits and dashes. */
export function benchmarkId(task: GeneratedTask): string {
  const slug = task.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  let short = task.id.toLowerCase().replace(/[^a-z0-9]/g, '');
  // An id with no letter or digit still needs a stable, distinct suffix.
  if (short === '') short = createHash('sha256').update(task.id).digest('hex');
  short = short.slice(0, SHORT_ID_LENGTH);
  return slug === '' ? short : `${slug}-${short}`;
}

/**
 * A flywheel source over generated tasks: `load` gives the tasks (a store's kept tasks, a
 * generator's output), each converted by `toFlywheelTask` and checked like any generated source.
 *
 * @example
 * const source = generatedTasksSource('generated', async () => tasksStore.keptTasks(runId));
 * const tasks = await source.load();
 */
export function generatedTasksSource(name: string, load: () => Promise<GeneratedTask[]>): TaskSource {
  return generatedSource(name, async () => (await load()).map(toFlywheelTask));
}

/** The code body, checked against what the benchmark's loader accepts. */
export function codeBodyOf(task: GeneratedTask): CodeTaskBody {
  const code = task.code;
  if (code === undefined) {
    throw new OuroError('config-invalid', `${label(task)}: not a coding task (it has no code body)`, { field: 'code' });
  }
  if (!ENTRY_FILE.test(code.entry)) {
    throw new OuroError(
      'config-invalid',
      `${label(task)}: field "code.entry" must be a .js or .mjs file name, got ${JSON.stringify(code.entry)}`,
      {
        field: 'code.entry',
      },
    );
  }
  return code;
}

/** The statement, the program and input unless the statement shows them, and the reply's form. */
function deductionPrompt(statement: string, triple: TripleBody): string {
  const parts = [statement.trim()];
  if (!statement.includes(triple.program.trim())) parts.push('', 'The program:', '', fenced(triple.program));
  if (!statement.includes(triple.input.trim())) parts.push('', `It is called as \`f(...${triple.input.trim()})\`.`);
  parts.push('', 'End your reply with a line `Answer: <the output>`, the output as compact JSON (as JSON.stringify writes it).');
  return parts.join('\n');
}

function fenced(code: string): string {
  return `\`\`\`js\n${code.replace(/\s+$/, '')}\n\`\`\``;
}

function label(task: GeneratedTask): string {
  return `generated task ${JSON.stringify(task.id)} (${JSON.stringify(task.title)})`;
}
