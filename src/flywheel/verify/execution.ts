/**
 * The execution verifier: a code sample passes when every test of its task passes in the
 * process-tier sandbox. JavaScript tasks (the coding benchmark's among them) are graded by the
 * coding benchmark's own grader; Python tasks by a harness of the same design (python-run.ts).
 */
import { type CodingTask, gradeTask, type GradeResult } from '../../agents/index.ts';
import type { CodeCheck, FlywheelTask, Verdict, Verifier } from '../types.ts';
import { codeOf } from './code-of.ts';
import { runPythonTests, type TestRun } from './python-run.ts';
import { checkSamplesOf, mapWithLimit, notAccepted, positiveInteger, verdictFor } from './verdicts.ts';

export interface ExecutionVerifierOptions {
  /** Run without bubblewrap where it is missing (`--unsafe`): the sample's code is then not isolated. */
  unsafe?: boolean;
  /** Wall-clock limit of one test run; overrides the task's own `code.timeoutMs` (as the benchmark grader's option does). */
  timeoutMs?: number;
  /** Memory cap of the sandbox, in megabytes. */
  memoryMb?: number;
  /** Sandboxes run at once for one task's samples (2 by default, for a 2-core machine). */
  concurrency?: number;
  /** Folder for the sandboxes' scratch folders; the system's temporary folder by default. */
  scratchParent?: string;
}

const LANGUAGES: ReadonlySet<string> = new Set(['javascript', 'python']);

/** A task's own limit when neither it nor the options set one. */
export const DEFAULT_TEST_TIMEOUT_MS = 5_000;

/**
 * Checks `code` tasks by running their tests on the code of each sample: the last fenced code block
 * of the reply (one tagged with the task's language first), or the whole reply when it has none.
 * `score` is passed / total tests when the run reported them; `detail` is the first failing test,
 * the timeout or the error. A JavaScript task has one test module, in the benchmark's test API
 * (`test`, `describe`, `expect`, `node:assert`); a Python task's tests are plain `assert` code, with
 * each top-level `test_*` function counted as a test.
 *
 * The sandbox keeps the sample's code from the host, the network and the test files, and a forged
 * result line lacks the run's key. It does not stop a solution that games the tests from inside the
 * test process (an object whose `__eq__` is always true, or reading the tests from the interpreter's
 * memory); the flywheel trains on what passes, so watch for such samples in the exports.
 *
 * Throws `SandboxError('unavailable')` when bubblewrap is missing and `unsafe` is not set.
 *
 * @example
 * const verifier = executionVerifier({ concurrency: 2 });
 * const verdicts = await verifier.verify(task, samples);
 * // [{ verifier: 'execution', passed: true, score: 1, detail: '5 of 5 tests passed' }, ...]
 */
export function executionVerifier(options: ExecutionVerifierOptions = {}): Verifier {
  const concurrency = positiveInteger(options.concurrency, 2, 'concurrency');
  if (options.timeoutMs !== undefined) positiveInteger(options.timeoutMs, 0, 'timeoutMs');
  if (options.memoryMb !== undefined) positiveInteger(options.memoryMb, 0, 'memoryMb');
  return {
    name: 'execution',
    accepts: (task) => task.kind === 'code' && LANGUAGES.has(task.code?.language ?? ''),
    async verify(task, samples) {
      if (task.kind !== 'code' || task.code === undefined) throw notAccepted(task, 'execution', 'it has no code check');
      if (!LANGUAGES.has(task.code.language)) throw notAccepted(task, 'execution', `it is in ${JSON.stringify(task.code.language)}`);
      checkSamplesOf(task, samples, 'execution');
      const check = task.code;
      const timeoutMs = options.timeoutMs ?? check.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
      return mapWithLimit(samples, concurrency, async (sample): Promise<Verdict> => {
        const code = codeOf(sample.text, check.language);
        if (code.trim() === '') return verdictFor(sample, 'execution', false, 'the reply holds no code', 0);
        const run =
          check.language === 'python'
            ? await runPythonTests(check, code, {
                timeoutMs,
                memoryMb: options.memoryMb,
                unsafe: options.unsafe,
                scratchParent: options.scratchParent,
              })
            : await runJavaScript(task, check, code, timeoutMs, options);
        return verdictFor(sample, 'execution', run.status === 'passed', run.detail, run.total > 0 ? run.passed / run.total : undefined);
      });
    },
  };
}

async function runJavaScript(
  task: FlywheelTask,
  check: CodeCheck,
  code: string,
  timeoutMs: number,
  options: ExecutionVerifierOptions,
): Promise<TestRun> {
  const result = await gradeTask(
    codingTaskOf(task, check, timeoutMs),
    { [check.solutionFile]: code },
    {
      timeoutMs,
      ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
      ...(options.unsafe ? { unsafe: true } : {}),
      ...(options.scratchParent === undefined ? {} : { scratchParent: options.scratchParent }),
    },
  );
  return testRunOf(result);
}

/** What the grader reads of a benchmark task (id, tests, limit), built from the flywheel task. */
function codingTaskOf(task: FlywheelTask, check: CodeCheck, timeoutMs: number): CodingTask {
  const tests = Object.values(check.tests);
  if (tests.length !== 1) throw notAccepted(task, 'execution', `a JavaScript task has one test module, it has ${tests.length}`);
  return {
    id: task.id,
    title: task.id,
    difficulty: 'medium',
    sets: [],
    entry: check.solutionFile,
    timeoutMs,
    statement: task.prompt,
    stub: {},
    tests: tests[0] as string,
    reference: {},
    origin: check.benchmarkTask ?? task.source,
  };
}

/** The grader's result as a test run: its first failing test (or load error) as the detail. */
export function testRunOf(result: GradeResult): TestRun {
  const lines = result.output.split('\n');
  if (result.status === 'resolved') {
    return { status: 'passed', passed: result.passed, total: result.total, detail: `${result.passed} of ${result.total} tests passed` };
  }
  if (result.status === 'unresolved') {
    const failure = lines.find((line) => line.startsWith('FAIL ')) ?? lines.find((line) => line.trim() !== '') ?? 'a test failed';
    return { status: 'failed', passed: result.passed, total: result.total, detail: failure.slice(0, 500) };
  }
  return { status: result.status, passed: 0, total: 0, detail: (lines[0] ?? result.status).slice(0, 500) };
}
