import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { parseSourceSpec } from '../settings.ts';
import { sourceOf } from '../tasks.ts';
import type { FlywheelTask } from '../types.ts';
import { tasksFileSource } from './tasks-file.ts';

const ANSWER: FlywheelTask = {
  id: 'g-math',
  source: 'generated:math',
  prompt: 'What is 6 * 7?',
  kind: 'answer',
  answer: '42',
  solution: 'Six sevens.\n\nAnswer: 42',
  tags: { generator: 'math', difficulty: 'easy', topic: 'arithmetic' },
};
const CODE: FlywheelTask = {
  id: 'g-code',
  source: 'generated:coding',
  prompt: 'Write double(x) in solution.js.',
  kind: 'code',
  code: {
    language: 'javascript',
    solutionFile: 'solution.js',
    tests: { 'tests.js': "import { double } from './solution.js';\ntest('doubles', () => expect(double(2)).toBe(4));\n" },
  },
};

/** A task file of these lines (objects as JSON, strings as they are) in a fresh folder. */
function fileOf(lines: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ouro-tasks-file-')), 'tasks.jsonl');
  writeFileSync(file, `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`);
  return file;
}

async function loadError(file: string): Promise<OuroError> {
  const error = await tasksFileSource(file)
    .load()
    .catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(OuroError);
  return error as OuroError;
}

describe('tasksFileSource', () => {
  it('loads whole tasks as written, in order, leaving out fields a task does not have', async () => {
    const file = fileOf([ANSWER, '', { ...CODE, note: 'not a task field' }]);
    const source = tasksFileSource(file);
    expect(source.name).toBe('tasks.jsonl');
    expect(await source.load()).toEqual([ANSWER, CODE]);
  });

  it('names the file and line of a line that is not JSON', async () => {
    const file = fileOf([ANSWER, '{"id": "broken", ']);
    const error = await loadError(file);
    expect(error.message).toMatch(/^tasks\.jsonl:2: not JSON/);
    expect(error.file).toBe(file);
  });

  it.each([
    ['a missing prompt', { ...ANSWER, prompt: undefined }, 'prompt', 'tasks.jsonl:2: field "prompt" must be non-empty text, got nothing'],
    ['a code task without its check', { ...CODE, code: undefined }, 'code', 'tasks.jsonl:2: field "code" a code task needs a code check'],
    ['an unknown kind', { ...ANSWER, kind: 'essay' }, 'kind', 'tasks.jsonl:2: field "kind" must be "answer" or "code", got "essay"'],
    ['a numeric answer', { ...ANSWER, answer: 42 }, 'answer', 'tasks.jsonl:2: field "answer" must be text when given, got number 42'],
  ])('names the file, line and field of %s', async (_case, bad, field, message) => {
    const file = fileOf([CODE, bad]);
    const error = await loadError(file);
    expect(error.message).toContain(message);
    expect(error.field).toBe(field);
    expect(error.file).toBe(file);
  });

  it('names the line of a reused id and the line that used it first', async () => {
    const file = fileOf([ANSWER, CODE, { ...CODE, prompt: 'Another prompt.' }]);
    const error = await loadError(file);
    expect(error.message).toBe('tasks.jsonl:3: id "g-code" is already used on line 2');
    expect(error.field).toBe('id');
  });

  it('is the source `--source tasks:<file>` names', async () => {
    const file = fileOf([ANSWER]);
    const spec = parseSourceSpec(`tasks:${file}`);
    expect(spec).toEqual({ kind: 'tasks', file });
    expect(await sourceOf(spec).load()).toEqual([ANSWER]);
    expect(() => parseSourceSpec('tasks:')).toThrow('--source tasks:: give a file, as tasks:<file>');
  });
});
