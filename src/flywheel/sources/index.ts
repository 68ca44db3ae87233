// Where flywheel tasks come from: a mapped JSONL dataset (GSM8K as a preset), the coding
// benchmark, Python tasks with assert tests, whole tasks stored one a line, and tasks that code
// generates. Each is a TaskSource whose load() checks every task before the flywheel calls any model.
export { taskProblem } from './check-task.ts';
export {
  BENCHMARK_TESTS_FILE,
  benchmarkPrompt,
  type CodingBenchSourceOptions,
  codingBenchSource,
  DEFAULT_BENCHMARK_DIR,
} from './coding-bench.ts';
export { checkTasks, generatedSource } from './generated.ts';
export { gsm8kAnswer, gsm8kSolution, gsm8kSource } from './gsm8k.ts';
export { type FieldChoice, type JsonlFields, type JsonlSourceOptions, jsonlSource, type TagsChoice } from './jsonl.ts';
export type { JsonRow } from './jsonl-lines.ts';
export { tasksFileSource } from './tasks-file.ts';
export { PYTHON_SOLUTION_FILE, PYTHON_TEST_FILE, type PythonTestsSourceOptions, pythonTestsSource } from './python-tests.ts';
