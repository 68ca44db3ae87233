/**
 * Validation of a coding task: static scans first, then gradings in the process sandbox. The
 * reference must pass every hidden test, twice with the same result; the stub and a few trivial
 * solutions (identity, constant 0, nothing) must not. Gradings run `concurrency` at a time, in
 * that order, and no new one starts once one has decided the task fails.
 */
import type { GradeResult } from '../../agents/index.ts';
import type { CodingTask } from '../../agents/index.ts';
import { SandboxError } from '../../core/sandbox.ts';
import type { CodeTaskBody, GeneratedTask, RejectReason } from '../types.ts';
import { type CheckLog, fail, messageOf, pass, type Rejection, type Verdict } from './checks.ts';
import type { ValidateSettings } from './options.ts';
import { describeFinding, escapeInOutput, exportedNames, findEscape, findNondeterminism } from './static.ts';

/** Solutions that compute nothing; the tests must fail each. Few, since each is one grading. */
const TRIVIALS = [
  { name: 'identity', does: 'returns its first argument', body: 'return args[0];' },
  { name: 'zero', does: 'returns 0', body: 'return 0;' },
  { name: 'empty', does: 'returns undefined', body: 'return undefined;' },
] as const;

interface Grading {
  check: string;
  reason: RejectReason;
  solution: string;
  /** Whether a good task's tests resolve this solution. */
  shouldResolve: boolean;
  judge(result: GradeResult, first: GradeResult | undefined): Verdict;
}

type Outcome = { result: GradeResult; durationMs: number } | { crash: string; durationMs: number };

export async function validateCode(task: GeneratedTask, body: CodeTaskBody, settings: ValidateSettings, log: CheckLog) {
  let names: string[] = [];
  const statics: Array<() => Promise<Rejection | undefined>> = [
    () =>
      log.run('exports', 'reference-fails', () => {
        names = exportedNames(body.reference);
        return names.length === 0
          ? fail('the reference exports nothing (no export function, const, class, { ... } or default)')
          : pass(`the reference exports ${names.join(', ')}`);
      }),
    () =>
      log.run('escape', 'escapes-sandbox', () =>
        scan({ tests: body.tests, reference: body.reference, stub: body.stub }, findEscape, 'reaches no network, process or outside file'),
      ),
    () =>
      log.run('determinism', 'nondeterministic', () => scan({ tests: body.tests }, findNondeterminism, 'read no clock or random source')),
  ];
  for (const step of statics) {
    const rejection = await step();
    if (rejection !== undefined) return rejection;
  }
  const gradings = plan(body, names);
  const outcomes = await gradeAll(toCodingTask(task, body, settings.timeoutMs), body.entry, gradings, settings);
  const first = outcomes[0] !== undefined && 'result' in outcomes[0] ? outcomes[0].result : undefined;
  for (const [index, grading] of gradings.entries()) {
    const outcome = outcomes[index];
    if (outcome === undefined) continue;
    const rejection = log.record(grading.check, grading.reason, judge(grading, outcome, first), outcome.durationMs);
    if (rejection !== undefined) return rejection;
  }
  return undefined;
}

/** The gradings, in the order their failures are reported. */
function plan(body: CodeTaskBody, names: readonly string[]): Grading[] {
  const resolvedAll = (result: GradeResult) => `all ${result.total} tests passed`;
  return [
    {
      check: 'reference',
      reason: 'reference-fails',
      solution: body.reference,
      shouldResolve: true,
      judge: (result) => (result.status === 'resolved' ? pass(resolvedAll(result)) : fail(`the reference fails: ${summary(result)}`)),
    },
    {
      check: 'repeat',
      reason: 'nondeterministic',
      solution: body.reference,
      shouldResolve: true,
      judge: (result, first) =>
        first !== undefined && fingerprint(first) === fingerprint(result)
          ? pass(`the same result twice (${result.passed} of ${result.total})`)
          : fail(`the reference gave ${first === undefined ? 'no result' : summary(first)} first, then ${summary(result)}`),
    },
    {
      check: 'stub',
      reason: 'stub-passes',
      solution: body.stub,
      shouldResolve: false,
      judge: (result) =>
        result.status === 'resolved'
          ? fail(`the stub passes all ${result.total} tests, so they cannot tell a solution from none`)
          : pass(summary(result)),
    },
    ...TRIVIALS.map(
      (trivial): Grading => ({
        check: `trivial:${trivial.name}`,
        reason: 'trivial-passes',
        solution: trivialSource(names, trivial.body),
        shouldResolve: false,
        judge: (result) =>
          result.status === 'resolved'
            ? fail(`a solution whose ${names.join(', ')} only ${trivial.does} passes all ${result.total} tests`)
            : pass(summary(result)),
      }),
    ),
  ];
}

function judge(grading: Grading, outcome: Outcome, first: GradeResult | undefined): Verdict {
  if ('crash' in outcome) return fail(`the grading crashed: ${outcome.crash}`);
  try {
    const denied = escapeInOutput(outcome.result.output);
    if (denied !== undefined)
      return fail(`the sandbox refused an access (${denied}) while grading: ${summary(outcome.result)}`, 'escapes-sandbox');
    return grading.judge(outcome.result, first);
  } catch (error) {
    return fail(`the grading's result could not be read: ${messageOf(error)}`);
  }
}

/** Runs the gradings `concurrency` at a time, in order; stops starting new ones once one has gone the wrong way. */
async function gradeAll(task: CodingTask, entry: string, gradings: readonly Grading[], settings: ValidateSettings) {
  const outcomes: Array<Outcome | undefined> = new Array(gradings.length);
  let next = 0;
  let stop = false;
  const options = {
    timeoutMs: settings.timeoutMs,
    ...(settings.memoryMb === undefined ? {} : { memoryMb: settings.memoryMb }),
    ...(settings.unsafe ? { unsafe: true } : {}),
  };
  const worker = async (): Promise<void> => {
    while (!stop && next < gradings.length) {
      const index = next++;
      const grading = gradings[index] as Grading;
      const started = performance.now();
      try {
        const result = await settings.grade(task, { [entry]: grading.solution }, options);
        outcomes[index] = { result, durationMs: result.durationMs };
        if ((result.status === 'resolved') !== grading.shouldResolve || escapeInOutput(result.output) !== undefined) stop = true;
      } catch (error) {
        stop = true;
        if (error instanceof SandboxError && error.kind === 'unavailable') throw error;
        outcomes[index] = { crash: messageOf(error), durationMs: performance.now() - started };
      }
    }
  };
  const workers = Array.from({ length: Math.min(settings.concurrency, gradings.length) }, worker);
  // Every worker finishes its grading before a missing sandbox is reported, so none outlives the call.
  const settled = await Promise.allSettled(workers);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return outcomes;
}

function scan(sources: Record<string, string>, find: typeof findEscape, clean: string): Verdict {
  for (const [where, source] of Object.entries(sources)) {
    const found = find(source);
    if (found !== undefined) return fail(describeFinding(where, found));
  }
  return pass(`${Object.keys(sources).join(', ')}: ${clean}`);
}

/** The benchmark's task shape, so that the grader runs a generated task as it runs a shipped one. */
export function toCodingTask(task: GeneratedTask, body: CodeTaskBody, timeoutMs: number): CodingTask {
  return {
    id: task.id,
    title: task.title,
    difficulty: task.category.difficulty,
    sets: [],
    entry: body.entry,
    timeoutMs,
    statement: task.statement,
    stub: { [body.entry]: body.stub },
    tests: body.tests,
    reference: { [body.entry]: body.reference },
    origin: `generated/${task.id}`,
  };
}

/** A module exporting, under every name the reference exports, a function with `body`. */
export function trivialSource(names: readonly string[], body: string): string {
  return names.map((name) => `export ${name === 'default' ? 'default function' : `function ${name}`}(...args) {\n  ${body}\n}\n`).join('');
}

/** One line: the status, the count, and the first failure or the reason there was no result. */
function summary(result: GradeResult): string {
  const lines = result.output.split('\n');
  const failure = lines.findIndex((line) => line.startsWith('FAIL '));
  // A failure's message may run over several lines (an assertion's diff): keep them, up to the next failure.
  const end = lines.findIndex((line, index) => index > failure && (line.startsWith('FAIL ') || line.startsWith('--- ')));
  const why =
    failure === -1
      ? lines.find((line) => line.trim() !== '' && !/^\d+ of \d+/.test(line))
      : lines.slice(failure, end === -1 ? undefined : end).join(' ');
  const count = `${result.status}, ${result.passed} of ${result.total} tests passed`;
  return why === undefined ? count : `${count}; ${why.replace(/\s+/g, ' ').trim().slice(0, 240)}`;
}

function fingerprint(result: GradeResult): string {
  const failures = result.output.split('\n').filter((line) => line.startsWith('FAIL '));
  return [result.status, result.passed, result.total, ...failures].join('\n');
}
