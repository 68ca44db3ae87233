import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { type JsonlSourceOptions, jsonlSource } from './jsonl.ts';

const folder = mkdtempSync(join(tmpdir(), 'ouro-flywheel-jsonl-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
/** Writes `lines` (objects as JSON, strings as they are) to a fresh file and returns its path. */
function jsonl(lines: readonly unknown[]): string {
  const file = join(folder, `tasks-${++files}.jsonl`);
  writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'));
  return file;
}

/** The error `load` throws, checked to be an OuroError. */
async function loadError(options: JsonlSourceOptions): Promise<OuroError> {
  const error = await jsonlSource(options)
    .load()
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(OuroError);
  return error as OuroError;
}

describe('jsonlSource', () => {
  it('maps fields by name and by function, with tags, and ids from a field or the line', async () => {
    const file = jsonl([
      { key: 'a1', problem: 'What is 2 + 2?', final: 4, why: '2 + 2 = 4', meta: { level: 'easy', grade: 1 } },
      '',
      { key: 'a2', problem: 'Capital of France?', final: 'Paris', why: 'It is Paris.', meta: { level: 'easy' } },
    ]);
    const tasks = await jsonlSource({
      file,
      fields: {
        id: 'key',
        prompt: 'problem',
        answer: 'final',
        solution: (row) => `Because ${row.why}`,
        system: () => 'Be brief.',
        tags: 'meta',
      },
    }).load();
    expect(tasks).toEqual([
      {
        id: 'a1',
        source: file.split('/').at(-1),
        prompt: 'What is 2 + 2?',
        kind: 'answer',
        answer: '4',
        solution: 'Because 2 + 2 = 4',
        system: 'Be brief.',
        tags: { level: 'easy', grade: '1' },
      },
      {
        id: 'a2',
        source: file.split('/').at(-1),
        prompt: 'Capital of France?',
        kind: 'answer',
        answer: 'Paris',
        solution: 'Because It is Paris.',
        system: 'Be brief.',
        tags: { level: 'easy' },
      },
    ]);
    const byLine = await jsonlSource({ file, fields: { prompt: 'problem', tags: ['key'] }, source: 'mine' }).load();
    expect(byLine.map((task) => [task.id, task.source, task.answer, task.tags])).toEqual([
      ['L1', 'mine', undefined, { key: 'a1' }],
      ['L3', 'mine', undefined, { key: 'a2' }],
    ]);
  });

  it('takes the answer as a top-level function, a relative path and a file URL', async () => {
    const file = jsonl([{ q: 'one', a: ' 1 ' }]);
    const fromRelative = jsonlSource({
      file: relative(process.cwd(), file),
      fields: { prompt: 'q' },
      answer: (row) => String(row.a).trim(),
    });
    expect((await fromRelative.load())[0]?.answer).toBe('1');
    const fromUrl = jsonlSource({ file: pathToFileURL(file), fields: { prompt: 'q' } });
    expect((await fromUrl.load())[0]?.prompt).toBe('one');
    expect(() => jsonlSource({ file, fields: { prompt: 'q', answer: 'a' }, answer: () => 'x' })).toThrow(
      /either as fields.answer or as answer/,
    );
  });

  it('rejects a line that is not JSON, naming the file and line', async () => {
    const file = jsonl([{ q: 'fine' }, '{"q": "broken",']);
    const error = await loadError({ file, fields: { prompt: 'q' } });
    expect(error.message).toMatch(new RegExp(`^${file.split('/').at(-1)}:2: not JSON`));
    expect(error.file).toBe(file);
  });

  it.each([
    ['[1, 2]', 'an array'],
    ['null', 'null'],
    ['42', 'number'],
    ['"text"', 'string'],
  ])('rejects a line holding %s', async (line, shown) => {
    const file = jsonl([{ q: 'fine' }, line]);
    const error = await loadError({ file, fields: { prompt: 'q' } });
    expect(error.message).toContain(`:2: the line holds ${shown}, expected a JSON object`);
  });

  it.each([
    ['prompt', { prompt: 'q' }, 'field "q" (the prompt) is missing'],
    ['answer', { prompt: 'question', answer: 'q' }, 'field "q" (the answer) is missing'],
    ['id', { prompt: 'question', id: 'q' }, 'field "q" (the id) is missing'],
    ['solution', { prompt: 'question', solution: 'q' }, 'field "q" (the solution) is missing'],
  ])('rejects a row missing the mapped %s field, naming it', async (_role, fields, message) => {
    const file = jsonl([{ question: 'a', q: 'b' }, { question: 'c' }]);
    const error = await loadError({ file, fields });
    expect(error.message).toBe(`${file.split('/').at(-1)}:2: ${message}`);
    expect(error.field).toBe('q');
  });

  it('rejects a reused id, naming both lines', async () => {
    const file = jsonl([
      { id: 7, q: 'a' },
      { id: 8, q: 'b' },
      { id: '7', q: 'c' },
    ]);
    const error = await loadError({ file, fields: { id: 'id', prompt: 'q' } });
    expect(error.message).toContain(':3: id "7" is already used on line 1');
    expect(error.field).toBe('id');
  });

  it('rejects an empty prompt, a non-text value, a throwing function and bad tags', async () => {
    const empty = await loadError({ file: jsonl([{ q: '  ' }]), fields: { prompt: 'q' } });
    expect(empty.message).toContain(':1: the prompt is empty');
    const object = await loadError({ file: jsonl([{ q: 'x', a: { n: 1 } }]), fields: { prompt: 'q', answer: 'a' } });
    expect(object.message).toContain('field "a" (the answer) is object, expected text or a number');
    const thrown = await loadError({
      file: jsonl([{ q: 'x' }]),
      fields: {
        prompt: 'q',
        answer: () => {
          throw new Error('no final line');
        },
      },
    });
    expect(thrown.message).toContain(':1: the answer function threw: no final line');
    expect(thrown.field).toBe('answer');
    const tags = await loadError({ file: jsonl([{ q: 'x', t: ['a'] }]), fields: { prompt: 'q', tags: 't' } });
    expect(tags.message).toContain('the tags are an array, expected an object');
  });

  it('rejects an empty or missing file before anything else', async () => {
    const empty = await loadError({ file: jsonl(['', '   ']), fields: { prompt: 'q' } });
    expect(empty.message).toMatch(/holds no rows$/);
    const missing = await loadError({ file: join(folder, 'absent.jsonl'), fields: { prompt: 'q' } });
    expect(missing.code).toBe('config-missing');
    expect(missing.message).toContain('absent.jsonl cannot be read');
  });

  it('stops at the first bad line: nothing is returned when a late line is bad', async () => {
    const file = jsonl([...Array.from({ length: 50 }, (_, index) => ({ q: `task ${index}` })), { nope: 1 }]);
    const error = await loadError({ file, fields: { prompt: 'q' } });
    expect(error.message).toContain(':51: field "q" (the prompt) is missing');
  });
});
