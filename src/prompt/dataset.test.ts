import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { datasetPath, readDataset } from './dataset.ts';
import { jsonl, temporaryFolder } from './test-kit.ts';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.remove());

/** The error `run` throws, checked to be an OuroError. */
function errorOf(run: () => unknown): OuroError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OuroError);
    return error as OuroError;
  }
  throw new Error('expected an error');
}

const fields = { input: 'question', target: 'answer' };

describe('readDataset', () => {
  it('reads rows as instances named by line, skipping blank lines', () => {
    const file = folder.write('data.jsonl', '{"question":"2+2","answer":4}\n\n  \n{"question":"3+3","answer":"6","extra":true}\r\n');
    const instances = readDataset(file, fields);
    expect(instances.map(({ id, line, input, target }) => ({ id, line, input, target }))).toEqual([
      { id: 'L1', line: 1, input: '2+2', target: '4' },
      { id: 'L4', line: 4, input: '3+3', target: '6' },
    ]);
    expect(instances[1]?.row).toEqual({ question: '3+3', answer: '6', extra: true });
  });

  it('takes ids from the id field, and input and target from functions', () => {
    const file = folder.write(
      'data.jsonl',
      jsonl([
        { key: 7, q: { text: 'a' }, a: 'x' },
        { key: 'b', q: { text: 'b' }, a: 'y' },
      ]),
    );
    const instances = readDataset(file, { id: 'key', input: (row) => (row.q as { text: string }).text, target: (row) => `${row.a}!` });
    expect(instances.map(({ id, input, target }) => [id, input, target])).toEqual([
      ['7', 'a', 'x!'],
      ['b', 'b', 'y!'],
    ]);
  });

  it('names the file and line of a line that is not JSON', () => {
    const file = folder.write('data.jsonl', '{"question":"a","answer":1}\n{"question": oops}\n');
    const error = errorOf(() => readDataset(file, fields));
    expect(error.message).toMatch(/^data\.jsonl:2: not JSON/);
    expect(error.file).toBe(file);
  });

  it('refuses a line holding an array, a number or null', () => {
    for (const [line, shown] of [
      ['[1,2]', 'an array'],
      ['42', 'number'],
      ['null', 'null'],
    ]) {
      const file = folder.write('data.jsonl', `{"question":"a","answer":1}\n${line}\n`);
      expect(errorOf(() => readDataset(file, fields)).message).toBe(`data.jsonl:2: the line holds ${shown}, expected a JSON object`);
    }
  });

  it('names the file, line and field of a missing input or target', () => {
    const file = folder.write('qa.jsonl', jsonl([{ question: 'a', answer: 1 }, { answer: 2 }]));
    const input = errorOf(() => readDataset(file, fields));
    expect(input.message).toBe('qa.jsonl:2: field "question" (the input) is missing');
    expect(input.field).toBe('input');
    const other = folder.write('qa2.jsonl', jsonl([{ question: 'a' }]));
    expect(errorOf(() => readDataset(other, fields)).message).toBe('qa2.jsonl:1: field "answer" (the target) is missing');
  });

  it('refuses a field that is not text or a number, and a throwing field function', () => {
    const file = folder.write('data.jsonl', jsonl([{ question: { nested: 1 }, answer: 1 }]));
    expect(errorOf(() => readDataset(file, fields)).message).toBe(
      'data.jsonl:1: field "question" (the input) is object, expected text or a number',
    );
    const throwing = () => {
      throw new Error('no answer here');
    };
    expect(errorOf(() => readDataset(file, { input: 'answer', target: throwing })).message).toBe(
      'data.jsonl:1: the target function threw: no answer here',
    );
  });

  it('names the line of a missing id and both lines of a duplicate id', () => {
    const missing = folder.write(
      'data.jsonl',
      jsonl([
        { id: 'a', question: 'q', answer: 1 },
        { question: 'q', answer: 1 },
      ]),
    );
    expect(errorOf(() => readDataset(missing, { ...fields, id: 'id' })).message).toBe('data.jsonl:2: field "id" (the id) is missing');
    // A blank line between the two rows: the second is line 3.
    const file = folder.write(
      'twice.jsonl',
      `${jsonl([{ id: 'a', question: 'q', answer: 1 }])}\n${jsonl([{ id: 'a', question: 'r', answer: 2 }])}`,
    );
    const error = errorOf(() => readDataset(file, { ...fields, id: 'id' }));
    expect(error.message).toBe('twice.jsonl:3: id "a" is already used on line 1');
    expect(error.field).toBe('id');
  });

  it('refuses an empty file and a file that cannot be read', () => {
    const empty = folder.write('empty.jsonl', '\n\n');
    expect(errorOf(() => readDataset(empty, fields)).message).toBe('empty.jsonl holds no rows');
    expect(errorOf(() => readDataset(`${folder.path}/absent.jsonl`, fields)).message).toMatch(/absent\.jsonl cannot be read/);
  });
});

describe('datasetPath', () => {
  it('takes file URLs and absolute paths, and refuses relative paths with the way to name a file', () => {
    const file = folder.write('data.jsonl', '');
    expect(datasetPath(pathToFileURL(file))).toBe(file);
    expect(datasetPath(pathToFileURL(file).href)).toBe(file);
    expect(datasetPath(file)).toBe(file);
    const error = errorOf(() => datasetPath('./data.jsonl'));
    expect(error.message).toContain("new URL('./data.jsonl', import.meta.url)");
    expect(error.field).toBe('dataset');
  });
});
