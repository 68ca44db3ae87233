/**
 * Grading: runs a task's hidden tests against a candidate solution in the process-tier sandbox
 * (bubblewrap, prlimit, no network, a fresh scratch folder), under Node's permission model.
 * The harness (harness/run.mjs) gets a fresh key and the tests on stdin, never on disk, argv or
 * the environment, and the host trusts only a result line that carries the key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import { SandboxError, type ProcessRunResult } from '../../core/sandbox.ts';
import { runSandboxed } from '../../sandbox/process.ts';
import type { CodingTask } from './tasks.ts';

export type GradeStatus = 'resolved' | 'unresolved' | 'timeout' | 'error';

export interface GradeResult {
  taskId: string;
  /**
   * resolved: every test passed; unresolved: a test failed or the solution did not load; timeout: over the limit;
   * error: no trustworthy result.
   */
  status: GradeStatus;
  passed: number;
  total: number;
  /** The summary, failing tests and the solution's own output: feedback for the agent. */
  output: string;
  durationMs: number;
}

export interface GradeOptions {
  /** Overrides the task's own `timeoutMs`. */
  timeoutMs?: number;
  memoryMb?: number;
  /** Run without bubblewrap where it is missing (`--unsafe`): the solution is then not isolated. */
  unsafe?: boolean;
  /** Folder for the scratch folders; the system's temporary folder by default. */
  scratchParent?: string;
}

/** A solution as files by relative name, or a folder to read them from. */
export type SolutionSource = Readonly<Record<string, string>> | string;

const HARNESS_FOLDER = '.ouro-harness';
const HARNESS_FILES = ['run.mjs', 'expect.mjs'].map(
  (name) => [`${HARNESS_FOLDER}/${name}`, readFileSync(new URL(`./harness/${name}`, import.meta.url), 'utf8')] as const,
);
const MAX_SOLUTION_BYTES = 2 * 1024 * 1024;
const OUTPUT_LIMIT_BYTES = 256 * 1024;
const FEEDBACK_LIMIT = 8_000;
/** Node 22 renamed the permission flag; the sandbox runs the host's own node. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/**
 * Grades one solution against one task's hidden tests. Never throws for a bad solution; throws
 * `SandboxError('unavailable')` when bubblewrap is missing and `unsafe` is not set.
 *
 * @example
 * const result = await gradeTask(task, { 'solution.js': 'export const add = (a, b) => a + b;' });
 * result.status; // 'resolved'
 */
export async function gradeTask(task: CodingTask, solution: SolutionSource, options: GradeOptions = {}): Promise<GradeResult> {
  const started = performance.now();
  const files = typeof solution === 'string' ? readSolutionFolder(solution) : { ...solution };
  const finish = (status: GradeStatus, passed: number, total: number, output: string): GradeResult => ({
    taskId: task.id,
    status,
    passed,
    total,
    output: clip(output),
    durationMs: Math.round(performance.now() - started),
  });
  const names = Object.keys(files).filter((name) => name !== 'package.json' && !name.startsWith(`${HARNESS_FOLDER}/`));
  const key = randomBytes(24).toString('hex');
  const timeoutMs = options.timeoutMs ?? task.timeoutMs;
  let run: ProcessRunResult;
  try {
    run = await runSandboxed({
      command: ['node', '--no-warnings', PERMISSION_FLAG, '--allow-fs-read=./', `${HARNESS_FOLDER}/run.mjs`],
      files: {
        ...Object.fromEntries(names.map((name) => [name, files[name] as string])),
        'package.json': '{ "type": "module" }\n',
        ...Object.fromEntries(HARNESS_FILES),
      },
      stdin: JSON.stringify({ key, tests: task.tests, files: names }),
      timeoutMs,
      outputLimitBytes: OUTPUT_LIMIT_BYTES,
      ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
      ...(options.unsafe ? { unsafe: true } : {}),
      ...(options.scratchParent === undefined ? {} : { scratchParent: options.scratchParent }),
    });
  } catch (error) {
    if (error instanceof SandboxError && error.kind !== 'unavailable')
      return finish('error', 0, 0, `the sandbox refused the run: ${error.message}`);
    throw error;
  }
  const { result, stdout } = extractResult(run.stdout, key);
  const ownOutput = solutionOutput(stdout, run.stderr);
  if (run.timedOut)
    return finish('timeout', 0, 0, `timeout: the tests did not finish within ${timeoutMs} ms (an endless loop?)${ownOutput}`);
  if (result === undefined) {
    const why = run.stdoutDropped > 0 ? 'the solution printed more than the output limit' : `exit ${run.exitCode ?? run.signal}`;
    return finish(
      'error',
      0,
      0,
      `error: the test run ended without a result (${why}); the solution may have exited, crashed or run out of memory${ownOutput}`,
    );
  }
  const failures = Object.values(result.failures ?? {});
  const lines =
    result.loadError === undefined
      ? [`${result.passed} of ${result.total} tests passed.`, ...failures.map((failure) => `FAIL ${failure.name}: ${failure.message}`)]
      : [`the tests could not load the solution: ${result.loadError}`];
  const resolved =
    result.loadError === undefined && result.total > 0 && result.passed === result.total && failures.length === 0 && run.exitCode === 0;
  return finish(resolved ? 'resolved' : 'unresolved', result.passed, result.total, lines.join('\n') + ownOutput);
}

/**
 * Grades many tasks, `concurrency` sandboxes at a time (2 by default); results follow `tasks`.
 * A task that times out or errs does not stop the others.
 */
export async function gradeTasks(
  tasks: readonly CodingTask[],
  solutionFor: (task: CodingTask, index: number) => SolutionSource,
  options: GradeOptions & { concurrency?: number } = {},
): Promise<GradeResult[]> {
  const results: GradeResult[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index] as CodingTask;
      results[index] = await gradeTask(task, solutionFor(task, index), options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, tasks.length)) }, worker));
  return results;
}

/** The fraction of tasks resolved, in [0, 1]: the score an agent gets on a set. */
export function resolvedRate(results: readonly GradeResult[]): number {
  return results.length === 0 ? 0 : results.filter((result) => result.status === 'resolved').length / results.length;
}

interface HarnessResult {
  passed: number;
  total: number;
  failures?: Record<string, { name: string; message: string }>;
  loadError?: string;
}

/** Finds the one line that carries this run's key, and the output without it. */
function extractResult(stdout: string, key: string): { result?: HarnessResult; stdout: string } {
  const prefix = `@@ouro-result:${key}:`;
  const lines = stdout.split('\n');
  const found = lines.filter((line) => line.startsWith(prefix));
  const rest = lines.filter((line) => !line.startsWith(prefix)).join('\n');
  if (found.length !== 1) return { stdout: rest };
  try {
    const parsed = JSON.parse((found[0] as string).slice(prefix.length)) as HarnessResult;
    if (!Number.isInteger(parsed.passed) || !Number.isInteger(parsed.total)) return { stdout: rest };
    return { result: parsed, stdout: rest };
  } catch {
    return { stdout: rest };
  }
}

function solutionOutput(stdout: string, stderr: string): string {
  const parts = [
    ['stdout', stdout.trim()],
    ['stderr', stderr.trim()],
  ].filter(([, text]) => text !== '');
  return parts.map(([name, text]) => `\n--- the solution's ${name} ---\n${(text as string).slice(0, 2_000)}`).join('');
}

function clip(text: string): string {
  return text.length <= FEEDBACK_LIMIT ? text : `${text.slice(0, FEEDBACK_LIMIT)}\n... (${text.length - FEEDBACK_LIMIT} more characters)`;
}

/** The solution files under `folder` (skipping node_modules and dot folders), by relative name. */
export function readSolutionFolder(folder: string): Record<string, string> {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new OuroError('config-missing', `solution folder ${folder} does not exist`, { file: folder });
  const files: Record<string, string> = {};
  let bytes = 0;
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile()) {
        bytes += statSync(path).size;
        if (bytes > MAX_SOLUTION_BYTES)
          throw new OuroError('config-invalid', `solution folder ${folder} holds more than ${MAX_SOLUTION_BYTES} bytes`, { file: folder });
        files[relative(folder, path).split('\\').join('/')] = readFileSync(path, 'utf8');
      }
    }
  };
  walk(folder);
  return files;
}
