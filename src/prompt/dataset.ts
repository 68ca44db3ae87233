import { readFileSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OuroError } from '../core/errors.ts';
import type { DatasetRow, PromptTaskOptions } from './options.ts';

/** One dataset row as the task uses it: its id, where it came from, and its input and target as text. */
export interface DatasetInstance {
  id: string;
  /** The 1-based line of the JSONL file it was read from. */
  line: number;
  input: string;
  target: string;
  row: DatasetRow;
}

/** How rows become instances: the `input`, `target` and `id` options of `promptTask`. */
export type FieldOptions = Pick<PromptTaskOptions, 'input' | 'target' | 'id'>;

/**
 * The dataset's file path. A string must be absolute or a `file:` URL: an evaluator module has no
 * working folder to resolve a relative path against, so `new URL('./data.jsonl', import.meta.url)` is the way.
 */
export function datasetPath(dataset: string | URL): string {
  if (dataset instanceof URL || (typeof dataset === 'string' && dataset.startsWith('file:'))) {
    try {
      return fileURLToPath(dataset);
    } catch (error) {
      throw new OuroError('option-invalid', `dataset: ${String(dataset)} is not a file URL: ${(error as Error).message}`, {
        field: 'dataset',
      });
    }
  }
  if (typeof dataset !== 'string' || !isAbsolute(dataset)) {
    throw new OuroError(
      'option-invalid',
      `dataset: ${JSON.stringify(dataset)} is not an absolute path; write new URL('./data.jsonl', import.meta.url) ` +
        'to name a file beside evaluate.ts',
      { field: 'dataset' },
    );
  }
  return dataset;
}

/**
 * Reads and checks a JSONL dataset, every line before any model is called. Blank lines are
 * skipped; a line that is not a JSON object, or that lacks the input, target or id, is an error
 * naming the file, the line and the field, and so is an id used twice.
 *
 * @example
 * const instances = readDataset('/data/gsm8k.jsonl', { input: 'question', target: gsm8kTarget });
 * // [{ id: 'L1', line: 1, input: 'Janet’s ducks lay...', target: '18', row: {...} }, ...]
 */
export function readDataset(file: string, fields: FieldOptions): DatasetInstance[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OuroError('option-invalid', `dataset ${file} cannot be read: ${(error as Error).message}`, {
      field: 'dataset',
      file,
      cause: error,
    });
  }
  const name = basename(file);
  const instances: DatasetInstance[] = [];
  const lineOfId = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return;
    const at = (field: string, reason: string): OuroError =>
      new OuroError('evaluator-invalid', `${name}:${line}: ${reason}`, { file, field });
    let row: unknown;
    try {
      row = JSON.parse(content);
    } catch (error) {
      throw at('dataset', `not JSON (${(error as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw at('dataset', `the line holds ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}, expected a JSON object`);
    }
    const record = row as DatasetRow;
    const id = fields.id === undefined ? `L${line}` : readField(record, fields.id, 'id', at);
    const earlier = lineOfId.get(id);
    if (earlier !== undefined) throw at('id', `id ${JSON.stringify(id)} is already used on line ${earlier}`);
    lineOfId.set(id, line);
    instances.push({
      id,
      line,
      input: readField(record, fields.input, 'input', at),
      target: readField(record, fields.target, 'target', at),
      row: record,
    });
  });
  if (instances.length === 0) throw new OuroError('evaluator-invalid', `${name} holds no rows`, { file, field: 'dataset' });
  return instances;
}

/** A row's field (or a function's answer) as text; `option` names the promptTask option in errors. */
function readField(
  row: DatasetRow,
  choice: string | ((row: DatasetRow) => unknown),
  option: 'input' | 'target' | 'id',
  at: (field: string, reason: string) => OuroError,
): string {
  if (typeof choice === 'function') {
    let value: unknown;
    try {
      value = choice(row);
    } catch (error) {
      throw at(option, `the ${option} function threw: ${(error as Error).message}`);
    }
    return asText(value, `the ${option} function returned`, option, at);
  }
  if (!Object.hasOwn(row, choice)) throw at(option, `field "${choice}" (the ${option}) is missing`);
  return asText(row[choice], `field "${choice}" (the ${option}) is`, option, at);
}

function asText(value: unknown, what: string, option: string, at: (field: string, reason: string) => OuroError): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  const shown = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw at(option, `${what} ${shown}, expected text or a number`);
}
