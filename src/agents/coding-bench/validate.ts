/**
 * Validates a benchmark's tasks through the real sandbox: every reference solution passes all
 * its hidden tests, and every stub fails at least one, so that a task can tell right from wrong.
 */
import { join } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import { gradeTasks, type GradeOptions, type GradeResult } from './grade.ts';
import type { Benchmark, CodingTask } from './tasks.ts';

export interface ValidationReport {
  tasks: number;
  /** One result per task: the reference solution's grading. */
  references: GradeResult[];
  /** One result per task: the stub's grading. */
  stubs: GradeResult[];
  durationMs: number;
}

/**
 * Grades every reference and every stub (`concurrency` sandboxes at a time, 2 by default).
 * Throws one `OuroError('config-invalid')` that names every task whose reference fails or whose
 * stub passes, with the test output; `file` is the first such task's folder.
 *
 * @example
 * const report = await validateBenchmark(loadBenchmark('benchmarks/coding'));
 * report.tasks; // 42
 */
export async function validateBenchmark(
  benchmark: Benchmark | readonly CodingTask[],
  options: GradeOptions & { concurrency?: number } = {},
): Promise<ValidationReport> {
  const started = performance.now();
  const tasks = 'tasks' in benchmark ? benchmark.tasks : benchmark;
  const ids = new Set<string>();
  for (const task of tasks) {
    if (ids.has(task.id))
      throw new OuroError('config-invalid', `two tasks have the id "${task.id}" (${task.origin})`, { file: task.origin, field: 'id' });
    ids.add(task.id);
  }
  const graded = await gradeTasks([...tasks, ...tasks], (task, index) => (index < tasks.length ? task.reference : task.stub), options);
  const references = graded.slice(0, tasks.length);
  const stubs = graded.slice(tasks.length);
  const problems: Array<{ task: CodingTask; text: string; file: string }> = [];
  tasks.forEach((task, index) => {
    const reference = references[index] as GradeResult;
    const stub = stubs[index] as GradeResult;
    if (reference.status !== 'resolved') {
      problems.push({
        task,
        file: join(task.origin, 'reference'),
        text:
          `task "${task.id}": its reference solution does not pass its tests (${reference.status}, ${reference.passed} of ` +
          `${reference.total} passed):\n${indent(reference.output)}`,
      });
    }
    if (stub.status === 'resolved') {
      problems.push({
        task,
        file: join(task.origin, task.entry),
        text: `task "${task.id}": its stub passes every test, so the tests cannot tell a solution from none`,
      });
    }
  });
  const first = problems[0];
  if (first !== undefined) {
    throw new OuroError(
      'config-invalid',
      `${problems.length} benchmark task problem(s):\n${problems.map((problem) => problem.text).join('\n')}`,
      { file: first.file, field: first.task.id },
    );
  }
  return { tasks: tasks.length, references, stubs, durationMs: Math.round(performance.now() - started) };
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(0, 20)
    .map((line) => `    ${line}`)
    .join('\n');
}
