import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask } from '../types.ts';
import { generatedSource } from './generated.ts';

const answerTask: FlywheelTask = { id: 'a', source: 'gen', prompt: 'What is 6 * 7?', kind: 'answer', answer: '42' };
const codeTask: FlywheelTask = {
  id: 'c',
  source: 'gen',
  prompt: 'Write double(x).',
  kind: 'code',
  code: {
    language: 'python',
    solutionFile: 'solution.py',
    tests: { 'test_solution.py': 'from solution import double\nassert double(2) == 4\n' },
  },
};

async function problemWith(tasks: unknown[]): Promise<OuroError> {
  const error = await generatedSource('ladder', async () => tasks as FlywheelTask[])
    .load()
    .catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(OuroError);
  return error as OuroError;
}

describe('generatedSource', () => {
  it('hands over sound tasks as produced', async () => {
    const source = generatedSource('ladder', async () => [answerTask, codeTask]);
    expect(source.name).toBe('ladder');
    expect(await source.load()).toEqual([answerTask, codeTask]);
  });

  it('names the source, the task and the field of the first bad task', async () => {
    const error = await problemWith([answerTask, { ...answerTask, id: 'b', prompt: ' ' }]);
    expect(error.message).toBe('generated source "ladder": task 2 (id "b"): field "prompt" must be non-empty text, got " "');
    expect(error.field).toBe('prompt');
  });

  it('rejects reused ids', async () => {
    const error = await problemWith([answerTask, codeTask, { ...answerTask }]);
    expect(error.message).toBe('generated source "ladder": task 3 (id "a"): the id is already used by task 1');
  });

  it.each([
    ['a code task without a check', { ...codeTask, code: undefined }, 'code', 'a code task needs a code check'],
    ['an answer task with a check', { ...answerTask, code: codeTask.code }, 'code', 'an answer task must not carry a code check'],
    ['an unknown kind', { ...answerTask, kind: 'essay' }, 'kind', 'must be "answer" or "code", got "essay"'],
    ['an unknown language', { ...codeTask, code: { ...codeTask.code, language: 'ruby' } }, 'code.language', 'got "ruby"'],
    [
      'a solution file outside the folder',
      { ...codeTask, code: { ...codeTask.code, solutionFile: '../x.py' } },
      'code.solutionFile',
      'relative file name',
    ],
    ['no test files', { ...codeTask, code: { ...codeTask.code, tests: {} } }, 'code.tests', 'holds no test file'],
    ['an empty test file', { ...codeTask, code: { ...codeTask.code, tests: { 't.py': '' } } }, 'code.tests.t.py', 'non-empty test code'],
    [
      'two JavaScript test modules',
      { ...codeTask, code: { language: 'javascript', solutionFile: 'solution.js', tests: { 'a.js': 'x', 'b.js': 'y' } } },
      'code.tests',
      'one test module, got 2 files',
    ],
    ['a bad timeout', { ...codeTask, code: { ...codeTask.code, timeoutMs: 0 } }, 'code.timeoutMs', 'positive whole number'],
    ['a missing id', { ...answerTask, id: undefined }, 'id', 'must be non-empty text, got nothing'],
    ['a numeric answer', { ...answerTask, answer: 42 }, 'answer', 'must be text when given, got number 42'],
    ['a non-text tag', { ...answerTask, tags: { level: 3 } }, 'tags.level', 'must be text'],
    ['not an object', 'a task', '(task)', 'is not an object'],
  ])('rejects %s', async (_case, task, field, message) => {
    const error = await problemWith([answerTask, task]);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`task 2`);
    expect(error.message).toContain(message);
  });

  it('rejects a produce that returns no list, and a nameless source', async () => {
    await expect(generatedSource('g', async () => ({}) as FlywheelTask[]).load()).rejects.toThrow(
      'produced object, expected a list of tasks',
    );
    expect(() => generatedSource(' ', async () => [])).toThrow('needs a name');
  });
});
