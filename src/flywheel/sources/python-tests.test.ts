import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { taskProblem } from './check-task.ts';
import { pythonTestsSource } from './python-tests.ts';

const folder = mkdtempSync(join(tmpdir(), 'ouro-flywheel-python-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
function jsonl(lines: readonly unknown[]): string {
  const file = join(folder, `python-${++files}.jsonl`);
  writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'));
  return file;
}

async function loadError(file: string): Promise<OuroError> {
  const error = await pythonTestsSource({ file })
    .load()
    .catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(OuroError);
  return error as OuroError;
}

const ADD = { id: 'add', prompt: 'Write add(a, b) in solution.py.', tests: 'from solution import add\nassert add(2, 3) == 5\n' };

describe('pythonTestsSource', () => {
  it('reads code tasks with the tests under test_solution.py, and the optional fields', async () => {
    const file = jsonl([
      ADD,
      {
        id: 2,
        prompt: 'Write neg(x).',
        tests: 'from solution import neg\ndef test_neg():\n    assert neg(1) == -1\n',
        solution: 'def neg(x):\n    return -x\n',
        timeoutMs: 2000,
        tags: { topic: 'arithmetic' },
        extra: 'ignored',
      },
    ]);
    const tasks = await pythonTestsSource({ file, source: 'mini' }).load();
    expect(tasks).toEqual([
      {
        id: 'add',
        source: 'mini',
        prompt: ADD.prompt,
        kind: 'code',
        code: { language: 'python', solutionFile: 'solution.py', tests: { 'test_solution.py': ADD.tests } },
      },
      {
        id: '2',
        source: 'mini',
        prompt: 'Write neg(x).',
        kind: 'code',
        code: {
          language: 'python',
          solutionFile: 'solution.py',
          tests: { 'test_solution.py': expect.stringContaining('def test_neg') },
          timeoutMs: 2000,
        },
        solution: 'def neg(x):\n    return -x\n',
        tags: { topic: 'arithmetic' },
      },
    ]);
    for (const task of tasks) expect(taskProblem(task)).toBeUndefined();
  });

  it.each([
    ['a missing id', { prompt: 'p', tests: 't' }, 'id', ':1: field "id" (the id) is missing'],
    ['missing tests', { id: 'x', prompt: 'p' }, 'tests', ':1: field "tests" (the tests) is missing'],
    ['empty tests', { id: 'x', prompt: 'p', tests: '\n  ' }, 'tests', ':1: field "tests" is empty'],
    ['an empty prompt', { id: 'x', prompt: '', tests: 't' }, 'prompt', ':1: field "prompt" is empty'],
    ['a bad timeout', { id: 'x', prompt: 'p', tests: 't', timeoutMs: -5 }, 'timeoutMs', 'must be a positive whole number'],
    ['bad tags', { id: 'x', prompt: 'p', tests: 't', tags: 'easy' }, 'tags', 'field "tags" must be an object of texts'],
  ])('rejects %s, naming the field', async (_case, row, field, message) => {
    const error = await loadError(jsonl([row]));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('rejects a reused id, a non-object line and bad JSON with the line number', async () => {
    expect((await loadError(jsonl([ADD, ADD]))).message).toContain(':2: id "add" is already used on line 1');
    expect((await loadError(jsonl([ADD, '["add"]']))).message).toContain(':2: the line holds an array');
    expect((await loadError(jsonl([ADD, '', '{tests:']))).message).toContain(':3: not JSON');
  });
});
