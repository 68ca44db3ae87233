/**
 * The coding benchmark (benchmarks/coding, or a folder of exercises in the common layout) as
 * flywheel `code` tasks, graded by the benchmark's own hidden tests and grader.
 */
import { fileURLToPath } from 'node:url';
import { type CodingTask, openBenchmark, tasksOf } from '../../agents/index.ts';
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, TaskSource } from '../types.ts';

/** The repository's own benchmark, found from this file so that it does not depend on the working folder. */
export const DEFAULT_BENCHMARK_DIR = fileURLToPath(new URL('../../../benchmarks/coding', import.meta.url));
/** The file name the hidden tests go under in `code.tests`. */
export const BENCHMARK_TESTS_FILE = 'tests.js';

export interface CodingBenchSourceOptions {
  /** The benchmark folder; the repository's `benchmarks/coding` by default. */
  dir?: string;
  /** Only these task ids (each must exist). */
  only?: readonly string[];
  /** Only the tasks of this named set (`small`, `medium`, `full`); all of them by default. */
  set?: string;
}

/**
 * The benchmark's tasks: prompt = the statement and the stub, `code.benchmarkTask` = the task's
 * folder, `solution` = the reference as a fenced block (what a right reply looks like), tagged with
 * the difficulty. Loading reads and checks every task folder.
 *
 * @example
 * const tasks = await codingBenchSource({ only: ['digital-root', 'roman-numerals'] }).load();
 * tasks[0].code; // { language: 'javascript', solutionFile: 'solution.js', tests: { 'tests.js': ... }, benchmarkTask: '.../digital-root' }
 */
export function codingBenchSource(options: CodingBenchSourceOptions = {}): TaskSource {
  const dir = options.dir ?? DEFAULT_BENCHMARK_DIR;
  return {
    name: 'coding-bench',
    async load() {
      const benchmark = openBenchmark(dir);
      let tasks: CodingTask[] = options.set === undefined ? [...benchmark.tasks] : tasksOf(benchmark, options.set);
      if (options.only !== undefined) {
        const known = new Set(benchmark.tasks.map((task) => task.id));
        const unknown = options.only.filter((id) => !known.has(id));
        if (unknown.length > 0) {
          throw new OuroError('option-invalid', `only: no task ${unknown.map((id) => `"${id}"`).join(', ')} in benchmark ${dir}`, {
            field: 'only',
            file: dir,
          });
        }
        const wanted = new Set(options.only);
        tasks = tasks.filter((task) => wanted.has(task.id));
      }
      return tasks.map(flywheelTaskOf);
    },
  };
}

/** One benchmark task as a flywheel task. */
export function flywheelTaskOf(task: CodingTask): FlywheelTask {
  const stub = task.stub[task.entry] ?? '';
  const reference = task.reference[task.entry];
  return {
    id: task.id,
    source: 'coding-bench',
    prompt: benchmarkPrompt(task.statement, task.entry, stub),
    ...(reference === undefined ? {} : { solution: fenced(reference) }),
    kind: 'code',
    code: {
      language: 'javascript',
      solutionFile: task.entry,
      tests: { [BENCHMARK_TESTS_FILE]: task.tests },
      benchmarkTask: task.origin,
      timeoutMs: task.timeoutMs,
    },
    tags: { difficulty: task.difficulty },
  };
}

/** What the model is asked: the statement, the stub to start from, and the reply's form. */
export function benchmarkPrompt(statement: string, entry: string, stub: string): string {
  return [
    statement.trim(),
    '',
    `Start from this stub, \`${entry}\`:`,
    '',
    fenced(stub),
    '',
    `Reply with the complete \`${entry}\` (an ES module) in one fenced code block.`,
  ].join('\n');
}

function fenced(code: string): string {
  return `\`\`\`js\n${code.replace(/\s+$/, '')}\n\`\`\``;
}
