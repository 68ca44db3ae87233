/**
 * Running a Python task's tests against one solution in the process-tier sandbox (bubblewrap,
 * prlimit, no network, a fresh scratch folder). The harness (python-harness.py) gets a fresh key
 * and the tests on stdin, never on disk, and the host trusts only a result line carrying the key:
 * the same scheme as the coding benchmark's grader.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ProcessRunResult, SandboxError } from '../../core/sandbox.ts';
import { runSandboxed } from '../../sandbox/process.ts';
import type { CodeCheck } from '../types.ts';

/** How one run of the tests went; `passed`/`total` count tests, and are 0 when the run gave no result. */
export interface TestRun {
  status: 'passed' | 'failed' | 'timeout' | 'error';
  passed: number;
  total: number;
  /** `passed`: a summary; otherwise the first failing test and why, or the error. */
  detail: string;
}

export interface PythonRunOptions {
  timeoutMs: number;
  memoryMb?: number;
  unsafe?: boolean;
  scratchParent?: string;
}

const HARNESS_FILE = '.ouro-harness/run.py';
const HARNESS = readFileSync(new URL('./python-harness.py', import.meta.url), 'utf8');
const OUTPUT_LIMIT_BYTES = 256 * 1024;

interface HarnessReport {
  passed: number;
  total: number;
  failures: { name: string; message: string }[];
}

/**
 * Runs `check.tests` against `code` written as `check.solutionFile`. Never throws for a bad
 * solution; throws `SandboxError('unavailable')` when bubblewrap is missing and `unsafe` is not set.
 *
 * @example
 * const run = await runPythonTests(task.code, 'def add(a, b):\n    return a + b\n', { timeoutMs: 5_000 });
 * run.status; // 'passed'
 */
export async function runPythonTests(check: CodeCheck, code: string, options: PythonRunOptions): Promise<TestRun> {
  const key = randomBytes(24).toString('hex');
  const prefix = `@@ouro-result:${key}:`;
  let tail = '';
  let run: ProcessRunResult;
  try {
    run = await runSandboxed({
      command: ['python3', '-I', '-B', HARNESS_FILE],
      files: { [check.solutionFile]: code, [HARNESS_FILE]: HARNESS },
      stdin: JSON.stringify({ key, tests: Object.entries(check.tests) }),
      timeoutMs: options.timeoutMs,
      outputLimitBytes: OUTPUT_LIMIT_BYTES,
      ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
      ...(options.unsafe ? { unsafe: true } : {}),
      ...(options.scratchParent === undefined ? {} : { scratchParent: options.scratchParent }),
      // The result line ends the run: lingering threads or atexit work of the solution need not be waited for.
      doneWhen: (chunk) => {
        tail += chunk;
        const at = tail.indexOf(prefix);
        if (at === -1) {
          tail = tail.slice(-prefix.length);
          return false;
        }
        tail = tail.slice(at);
        return tail.includes('\n');
      },
    });
  } catch (error) {
    if (error instanceof SandboxError && error.kind !== 'unavailable')
      return { status: 'error', passed: 0, total: 0, detail: error.message };
    throw error;
  }
  const report = resultOf(run.stdout, prefix);
  if (report === undefined) {
    if (run.timedOut)
      return { status: 'timeout', passed: 0, total: 0, detail: `timeout: the tests did not finish within ${options.timeoutMs} ms` };
    const why = run.stdoutDropped > 0 ? 'the solution printed more than the output limit' : `exit ${run.exitCode ?? run.signal}`;
    const stderr = lastLine(run.stderr);
    return {
      status: 'error',
      passed: 0,
      total: 0,
      detail: `the test run ended without a result (${why})${stderr === '' ? '' : `: ${stderr}`}`,
    };
  }
  const first = report.failures[0];
  if (report.total > 0 && report.passed === report.total && first === undefined) {
    return { status: 'passed', passed: report.passed, total: report.total, detail: `${report.passed} of ${report.total} tests passed` };
  }
  const detail = first === undefined ? 'no test ran' : `FAIL ${first.name}: ${first.message}`;
  return { status: 'failed', passed: report.passed, total: report.total, detail };
}

/** The one line that carries this run's key, parsed; undefined when there is none, or more than one. */
function resultOf(stdout: string, prefix: string): HarnessReport | undefined {
  const lines = stdout.split('\n').filter((line) => line.startsWith(prefix));
  if (lines.length !== 1) return undefined;
  try {
    const parsed = JSON.parse((lines[0] as string).slice(prefix.length)) as HarnessReport;
    if (!Number.isInteger(parsed.passed) || !Number.isInteger(parsed.total) || !Array.isArray(parsed.failures)) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}
