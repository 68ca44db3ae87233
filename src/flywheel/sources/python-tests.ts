/**
 * Python coding tasks from a JSONL file: each row states a problem and carries plain `assert` tests
 * (no pytest needed), which the execution verifier runs against a sample's `solution.py`.
 */
import { basename } from 'node:path';
import type { CodeCheck, FlywheelTask, TaskSource } from '../types.ts';
import { asText, idTracker, type JsonRow, type LineError, readJsonlRows, requiredText, sourcePath } from './jsonl-lines.ts';

/** Where the sample's code is written; the tests import from it (`from solution import add`). */
export const PYTHON_SOLUTION_FILE = 'solution.py';
/** The name the tests run under, which tracebacks and failure details show. */
export const PYTHON_TEST_FILE = 'test_solution.py';

export interface PythonTestsSourceOptions {
  /** The JSONL file: a path (relative to the working folder) or a `file:` URL. */
  file: string | URL;
  /** The tasks' `source`; the file's name by default. */
  source?: string;
}

/**
 * Tasks of kind `code` from rows `{ id, prompt, tests, solution?, system?, tags?, timeoutMs? }`.
 * `tests` is Python that imports the solution and asserts: either `def test_...():` functions,
 * each counted as one test, or top-level asserts, counted as one test. Other fields are ignored.
 * A bad row throws an `OuroError` naming the file, the line and the field.
 *
 * @example
 * // tasks.jsonl: {"id":"add","prompt":"Write add(a, b) in solution.py.","tests":"from solution import add\nassert add(2, 3) == 5\n"}
 * const tasks = await pythonTestsSource({ file: 'tasks.jsonl' }).load();
 * tasks[0].code; // { language: 'python', solutionFile: 'solution.py', tests: { 'test_solution.py': 'from solution import add\n...' } }
 */
export function pythonTestsSource(options: PythonTestsSourceOptions): TaskSource {
  const file = sourcePath(options.file);
  const source = options.source ?? basename(file);
  return {
    name: source,
    async load() {
      const tasks: FlywheelTask[] = [];
      const checkId = idTracker();
      readJsonlRows(file, (row, line, at) => {
        const id = requiredText(row, 'id', at);
        checkId(id, line, at, 'id');
        const prompt = nonEmpty(row, 'prompt', at);
        const tests = nonEmpty(row, 'tests', at);
        const code: CodeCheck = { language: 'python', solutionFile: PYTHON_SOLUTION_FILE, tests: { [PYTHON_TEST_FILE]: tests } };
        const timeoutMs = row.timeoutMs;
        if (timeoutMs !== undefined) {
          if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
            throw at('timeoutMs', `field "timeoutMs" must be a positive whole number of milliseconds, got ${JSON.stringify(timeoutMs)}`);
          }
          code.timeoutMs = timeoutMs;
        }
        const task: FlywheelTask = { id, source, prompt, kind: 'code', code };
        for (const field of ['solution', 'system'] as const) {
          if (row[field] !== undefined && row[field] !== null) task[field] = asText(row[field], field, `field "${field}" is`, at);
        }
        if (row.tags !== undefined) task.tags = tagsOf(row.tags, at);
        tasks.push(task);
      });
      return tasks;
    },
  };
}

function nonEmpty(row: JsonRow, field: string, at: LineError): string {
  const text = requiredText(row, field, at);
  if (text.trim() === '') throw at(field, `field "${field}" is empty`);
  return text;
}

function tagsOf(value: unknown, at: LineError): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw at('tags', 'field "tags" must be an object of texts');
  return Object.fromEntries(Object.entries(value).map(([key, tag]) => [key, asText(tag, 'tags', `tag "${key}" is`, at)]));
}
