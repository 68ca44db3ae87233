/**
 * Coding benchmark tasks: a statement, a stub the agent starts from, hidden tests, and a reference
 * solution that only validates the task. `loadBenchmark` reads the folder layout described in
 * benchmarks/coding/README.md; `importExercises` (import.ts) builds the same shape from the common
 * exercise layout.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OuroError } from '../../core/errors.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';

export interface CodingTask {
  id: string;
  title: string;
  difficulty: Difficulty;
  /** Named sets the task belongs to besides `full`, which holds every task. */
  sets: readonly string[];
  /** The solution file the tests import (as `./solution.js`, or `./<slug>` in imported exercises). */
  entry: string;
  /** Wall-clock limit of one grading run. */
  timeoutMs: number;
  /** Markdown shown to the agent. */
  statement: string;
  /** The files the agent starts from, by relative name. */
  stub: Readonly<Record<string, string>>;
  /** The hidden tests: an ES module calling `test(name, fn)` / `describe` / `expect`; never shown to the agent. */
  tests: string;
  /** A correct solution, by relative name; used only to validate the task. */
  reference: Readonly<Record<string, string>>;
  /** The folder the task was read from, for messages. */
  origin: string;
}

export interface Benchmark {
  dir: string;
  /** Every task, sorted by difficulty, then id. */
  tasks: readonly CodingTask[];
  /** Task ids per set name, `full` included. */
  sets: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_TASK_TIMEOUT_MS = 5_000;
export const FULL_SET = 'full';
const DIFFICULTY_ORDER: Record<Difficulty, number> = { easy: 0, medium: 1, hard: 2 };

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const TaskFile = z.strictObject({
  id: z.string().regex(NAME, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  sets: z.array(z.string().regex(NAME, 'lower-case letters, digits and dashes')),
  entry: z.string().regex(/^[\w-]+\.m?js$/, 'a .js or .mjs file name in the task folder'),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
});

/**
 * Reads every task folder (one holding task.json) under `dir`. Throws `OuroError` naming the
 * file, and the field where there is one, on any bad input.
 *
 * @example
 * const benchmark = loadBenchmark('benchmarks/coding');
 * const small = tasksOf(benchmark, 'small');
 */
export function loadBenchmark(dir: string): Benchmark {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OuroError('config-missing', `benchmark folder ${dir} does not exist`, { file: dir });
  }
  const tasks = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'task.json')))
    .map((entry) => loadTask(join(dir, entry.name), entry.name));
  if (tasks.length === 0)
    throw new OuroError('config-missing', `benchmark folder ${dir} holds no task folder (one with a task.json)`, { file: dir });
  return { dir, tasks: sortTasks(tasks), sets: setsOf(tasks) };
}

/** The tasks of a named set (`full` is every task), in the benchmark's order. */
export function tasksOf(benchmark: Benchmark, set: string): CodingTask[] {
  const ids = benchmark.sets[set];
  if (ids === undefined) {
    throw new OuroError('option-invalid', `unknown task set "${set}"; this benchmark has: ${Object.keys(benchmark.sets).join(', ')}`, {
      field: 'set',
    });
  }
  return benchmark.tasks.filter((task) => ids.includes(task.id));
}

/** What the agent gets to see and edit: the statement (as STATEMENT.md) and the stub files. */
export function workspaceOf(task: CodingTask): Record<string, string> {
  return { 'STATEMENT.md': task.statement, ...task.stub };
}

export function sortTasks(tasks: readonly CodingTask[]): CodingTask[] {
  return [...tasks].sort((a, b) => DIFFICULTY_ORDER[a.difficulty] - DIFFICULTY_ORDER[b.difficulty] || a.id.localeCompare(b.id));
}

export function setsOf(tasks: readonly CodingTask[]): Record<string, string[]> {
  const sets: Record<string, string[]> = {};
  for (const task of sortTasks(tasks)) {
    for (const set of task.sets) (sets[set] ??= []).push(task.id);
  }
  sets[FULL_SET] = sortTasks(tasks).map((task) => task.id);
  return sets;
}

function loadTask(folder: string, folderName: string): CodingTask {
  const file = join(folder, 'task.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OuroError('config-invalid', `${file}: not valid JSON (${(error as Error).message})`, { file, cause: error });
  }
  const parsed = TaskFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const field = unknown || issue?.path.join('.') || '(root)';
    throw new OuroError('config-invalid', `${file}: field "${field}": ${issue?.message ?? 'invalid'}`, { file, field });
  }
  const meta = parsed.data;
  if (meta.id !== folderName) {
    throw new OuroError('config-invalid', `${file}: field "id": "${meta.id}" must match the folder name "${folderName}"`, {
      file,
      field: 'id',
    });
  }
  return {
    ...meta,
    timeoutMs: meta.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    statement: readRequired(folder, 'statement.md'),
    stub: { [meta.entry]: readRequired(folder, meta.entry) },
    tests: readRequired(folder, 'tests.js'),
    reference: readFolder(join(folder, 'reference'), meta.entry),
    origin: folder,
  };
}

export function readRequired(folder: string, name: string): string {
  const file = join(folder, name);
  if (!existsSync(file)) throw new OuroError('config-missing', `${file} is missing`, { file });
  return readFileSync(file, 'utf8');
}

/** The regular files directly inside `folder`, which must hold `required`. */
function readFolder(folder: string, required: string): Record<string, string> {
  readRequired(folder, required);
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = readFileSync(join(folder, entry.name), 'utf8');
  }
  return files;
}
