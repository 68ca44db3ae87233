/**
 * Runs a JavaScript program's tests in the process tier (bubblewrap, prlimit, no network, a
 * private scratch folder): the runner that `selfDebug` and similar methods take as `runTests`.
 * The report has the same shape as infer's `TestReport`, which this folder cannot import.
 */
import { randomUUID } from 'node:crypto';
import { SandboxError } from '../core/sandbox.ts';
import { runSandboxed } from './process.ts';

export interface NodeTestRunnerOptions {
  /** Wall-clock limit of one test run (5 s by default). */
  timeoutMs?: number;
  memoryMb?: number;
  /** Run without bubblewrap where it is missing (`--unsafe`): the program is then not isolated. */
  unsafe?: boolean;
}

export interface NodeTestReport {
  passed: boolean;
  output: string;
  passedCount?: number;
  total?: number;
}

/**
 * The harness: provides the globals `test` and `assert`, imports the tests (which import
 * ./solution.mjs), runs each case and prints one summary line after a marker that is fresh for
 * every run. The code under test runs in the same process, so a hostile program could still forge
 * the line after reading its own argv: this runner is for checking a model's honest attempts, not
 * for scoring adversarial candidates.
 */
const HARNESS =
  `import assert from 'node:assert/strict';
const marker = process.argv[2];
const cases = [];
globalThis.assert = assert;
globalThis.test = (name, fn) => { cases.push({ name: String(name), fn }); };
const failures = [];
let passed = 0;
try {
  await import('./tests.mjs');
} catch (error) {
  failures.push({ name: '(loading the tests and the solution)', ` +
  `message: String(error && error.stack || error).split('\\n').slice(0, 4).join('\\n') });
}
for (const { name, fn } of cases) {
  try {
    await fn();
    passed += 1;
  } catch (error) {
    failures.push({ name, message: String(error && error.message || error) });
  }
}
process.stdout.write('\\n' + marker + JSON.stringify({ passed, total: cases.length, failures }) + '\\n');
`;

/** Runs `tests` (an ES module calling `test(name, fn)`) against `code` (saved as solution.mjs). */
export function createNodeTestRunner(
  options: NodeTestRunnerOptions = {},
): (code: string, tests: string, context?: { signal?: AbortSignal }) => Promise<NodeTestReport> {
  return async (code, tests) => {
    const marker = `@@ouro-tests-${randomUUID()}@@`;
    let result: Awaited<ReturnType<typeof runSandboxed>>;
    try {
      result = await runSandboxed({
        command: ['node', 'harness.mjs', marker],
        files: { 'solution.mjs': code, 'tests.mjs': tests, 'harness.mjs': HARNESS },
        timeoutMs: options.timeoutMs ?? 5_000,
        ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
        ...(options.unsafe ? { unsafe: true } : {}),
      });
    } catch (error) {
      if (error instanceof SandboxError && error.kind !== 'unavailable')
        return { passed: false, output: `the sandbox refused the run: ${error.message}` };
      throw error;
    }
    if (result.timedOut) return { passed: false, output: `the tests timed out after ${options.timeoutMs ?? 5_000} ms (an endless loop?)` };
    const line = result.stdout
      .split('\n')
      .reverse()
      .find((text) => text.startsWith(marker));
    if (line === undefined) {
      return {
        passed: false,
        output: `the test run crashed (exit ${result.exitCode ?? result.signal}):\n${result.stderr.trim().slice(0, 2000)}`,
      };
    }
    const summary = JSON.parse(line.slice(marker.length)) as {
      passed: number;
      total: number;
      failures: Array<{ name: string; message: string }>;
    };
    const lines = [
      `${summary.passed} of ${summary.total} tests passed.`,
      ...summary.failures.map((failure) => `FAIL ${failure.name}: ${failure.message}`),
    ];
    return {
      passed: summary.total > 0 && summary.failures.length === 0 && result.exitCode === 0,
      output: lines.join('\n'),
      passedCount: summary.passed,
      total: summary.total,
    };
  };
}
