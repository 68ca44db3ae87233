/**
 * Reading a JSONL task file line by line, with errors that name the file, the line and the field.
 * Every JSONL source (a mapped dataset, GSM8K, Python tasks) reads through here, so that all of
 * them check every line before the flywheel calls any model.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OuroError } from '../../core/errors.ts';

/** One parsed line: a JSON object. */
export type JsonRow = Record<string, unknown>;

/** Makes the error for one line: `field` is the row field (or option) at fault. */
export type LineError = (field: string, reason: string) => OuroError;

/** A path or a `file:` URL, as a path; a relative path is taken from the working folder. */
export function sourcePath(file: string | URL, option = 'file'): string {
  if (file instanceof URL || (typeof file === 'string' && file.startsWith('file:'))) {
    try {
      return fileURLToPath(file);
    } catch (error) {
      throw new OuroError('option-invalid', `${option}: ${String(file)} is not a file URL: ${(error as Error).message}`, {
        field: option,
      });
    }
  }
  if (typeof file !== 'string' || file.trim() === '') {
    throw new OuroError('option-invalid', `${option}: expected a file path, got ${JSON.stringify(file)}`, { field: option });
  }
  return resolve(file);
}

/**
 * Calls `each` with every non-blank line of `file` parsed as a JSON object, in order, with its
 * 1-based line number and an error maker for that line. A line that is not JSON, or not an object,
 * throws before `each` sees it; so does an unreadable or empty file.
 *
 * @example
 * readJsonlRows(path, (row, line, at) => {
 *   if (typeof row.question !== 'string') throw at('question', 'field "question" is missing');
 * });
 */
export function readJsonlRows(file: string, each: (row: JsonRow, line: number, at: LineError) => void): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OuroError('config-missing', `task file ${file} cannot be read: ${(error as Error).message}`, { file, cause: error });
  }
  const name = basename(file);
  let rows = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const content = (lines[index] as string).trim();
    if (content === '') continue;
    const line = index + 1;
    const at: LineError = (field, reason) => new OuroError('config-invalid', `${name}:${line}: ${reason}`, { file, field });
    let row: unknown;
    try {
      row = JSON.parse(content);
    } catch (error) {
      throw at('(line)', `not JSON (${(error as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      const shown = row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row;
      throw at('(line)', `the line holds ${shown}, expected a JSON object`);
    }
    rows++;
    each(row as JsonRow, line, at);
  }
  if (rows === 0) throw new OuroError('config-invalid', `${name} holds no rows`, { file });
}

/**
 * A value as task text: strings as they are, finite numbers and booleans written out. Anything
 * else (null, an object, an array) is an error naming `field`; `what` says where it came from.
 */
export function asText(value: unknown, field: string, what: string, at: LineError): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  const shown = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw at(field, `${what} ${shown}, expected text or a number`);
}

/** A row's field as text; a missing field is an error naming it. */
export function requiredText(row: JsonRow, key: string, at: LineError, role = key): string {
  if (!Object.hasOwn(row, key)) throw at(key, `field "${key}" (the ${role}) is missing`);
  return asText(row[key], key, `field "${key}" (the ${role}) is`, at);
}

/** Checks that a task's id is not used on an earlier line. */
export function idTracker(): (id: string, line: number, at: LineError, field: string) => void {
  const lineOfId = new Map<string, number>();
  return (id, line, at, field) => {
    if (id.trim() === '') throw at(field, 'the id is empty');
    const earlier = lineOfId.get(id);
    if (earlier !== undefined) throw at(field, `id ${JSON.stringify(id)} is already used on line ${earlier}`);
    lineOfId.set(id, line);
  };
}
