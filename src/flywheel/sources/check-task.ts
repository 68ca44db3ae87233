/**
 * The shape every flywheel task must have, checked where tasks come from code rather than from a
 * file we parsed ourselves: a generator's output, most of all.
 */
import type { CodeCheck } from '../types.ts';

const LANGUAGES: ReadonlySet<string> = new Set(['javascript', 'python']);
/** One part of a file name: no leading dot, so neither `..` nor a hidden (harness) folder. */
const NAME_PART = /^[\w-][\w.-]*$/;

/**
 * Why `task` is malformed, as `[field, reason]`, or undefined when it is sound. Checks: a non-empty
 * id, source and prompt; `kind` is `answer` or `code`; a `code` task has a `code` check (a language,
 * a solution file, at least one test file, exactly one for JavaScript) and an `answer` task has none;
 * optional texts are text and tags are an object of texts.
 */
export function taskProblem(task: unknown): [field: string, reason: string] | undefined {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) return ['(task)', 'is not an object'];
  const record = task as Record<string, unknown>;
  for (const field of ['id', 'source', 'prompt'] as const) {
    const value = record[field];
    if (typeof value !== 'string' || value.trim() === '') return [field, `must be non-empty text, got ${shown(value)}`];
  }
  for (const field of ['answer', 'solution', 'system'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string')
      return [field, `must be text when given, got ${shown(record[field])}`];
  }
  if (record.tags !== undefined) {
    const tags = record.tags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return ['tags', `must be an object of texts, got ${shown(tags)}`];
    const bad = Object.entries(tags).find(([, value]) => typeof value !== 'string');
    if (bad) return [`tags.${bad[0]}`, `must be text, got ${shown(bad[1])}`];
  }
  if (record.kind === 'answer') return record.code === undefined ? undefined : ['code', 'an answer task must not carry a code check'];
  if (record.kind !== 'code') return ['kind', `must be "answer" or "code", got ${shown(record.kind)}`];
  return codeProblem(record.code);
}

function codeProblem(code: unknown): [string, string] | undefined {
  if (typeof code !== 'object' || code === null || Array.isArray(code))
    return ['code', `a code task needs a code check, got ${shown(code)}`];
  const check = code as Partial<CodeCheck> & Record<string, unknown>;
  if (typeof check.language !== 'string' || !LANGUAGES.has(check.language)) {
    return ['code.language', `must be "javascript" or "python", got ${shown(check.language)}`];
  }
  if (typeof check.solutionFile !== 'string' || !isSafeFile(check.solutionFile)) {
    return ['code.solutionFile', `must be a relative file name such as "solution.py", got ${shown(check.solutionFile)}`];
  }
  const tests = check.tests;
  if (typeof tests !== 'object' || tests === null || Array.isArray(tests))
    return ['code.tests', `must map file names to test code, got ${shown(tests)}`];
  const entries = Object.entries(tests);
  if (entries.length === 0) return ['code.tests', 'holds no test file'];
  if (check.language === 'javascript' && entries.length !== 1) {
    return ['code.tests', `a JavaScript task has one test module, got ${entries.length} files`];
  }
  for (const [name, text] of entries) {
    if (!isSafeFile(name)) return ['code.tests', `test file name ${JSON.stringify(name)} must be a relative file name`];
    if (name === check.solutionFile) return ['code.tests', `test file ${JSON.stringify(name)} has the solution file's name`];
    if (typeof text !== 'string' || text.trim() === '') return [`code.tests.${name}`, `must be non-empty test code, got ${shown(text)}`];
  }
  if (check.benchmarkTask !== undefined && (typeof check.benchmarkTask !== 'string' || check.benchmarkTask === '')) {
    return ['code.benchmarkTask', `must be the benchmark task's folder, got ${shown(check.benchmarkTask)}`];
  }
  if (check.timeoutMs !== undefined && !(Number.isInteger(check.timeoutMs) && (check.timeoutMs as number) > 0)) {
    return ['code.timeoutMs', `must be a positive whole number of milliseconds, got ${shown(check.timeoutMs)}`];
  }
  return undefined;
}

/** A relative file name inside the sandbox's scratch folder. */
export function isSafeFile(name: string): boolean {
  return name.split('/').every((part) => NAME_PART.test(part));
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
