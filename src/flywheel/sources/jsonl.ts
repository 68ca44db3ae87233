/**
 * A JSONL dataset as flywheel tasks, through a field mapping: each task field is a row field's name
 * or a function of the row. Every line is checked when the source loads, before any model call.
 */
import { basename } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, TaskSource } from '../types.ts';
import { asText, idTracker, type JsonRow, type LineError, readJsonlRows, requiredText, sourcePath } from './jsonl-lines.ts';

/** A row field's name, or a function that computes the value from the row (it may throw to reject the row). */
export type FieldChoice = string | ((row: JsonRow) => unknown);

/** Tags: an object-valued field, a list of fields taken as tags under their own names, or a function. */
export type TagsChoice = string | readonly string[] | ((row: JsonRow) => Record<string, unknown>);

export interface JsonlFields {
  /** The task id; `L<line>` when not mapped. */
  id?: FieldChoice;
  /** The problem shown to the model. */
  prompt: FieldChoice;
  /** The reference final answer; leave it unmapped for an unlabelled dataset. */
  answer?: FieldChoice;
  /** A reference solution or rationale. */
  solution?: FieldChoice;
  system?: FieldChoice;
  tags?: TagsChoice;
}

export interface JsonlSourceOptions {
  /** The JSONL file: a path (relative to the working folder) or a `file:` URL. */
  file: string | URL;
  fields: JsonlFields;
  /** The reference answer as a function of the row: a shorthand for a function in `fields.answer`. */
  answer?: (row: JsonRow) => string;
  /** The tasks' `source`; the file's name by default. */
  source?: string;
}

/**
 * Tasks of kind `answer` from a JSONL file. A line that is not a JSON object, lacks a mapped field,
 * has an empty prompt or reuses an id throws an `OuroError` naming the file, the line and the field.
 *
 * @example
 * const fields = { id: 'unique_id', prompt: 'problem', answer: 'answer', tags: ['level'] };
 * const tasks = await jsonlSource({ file: 'data/math.jsonl', fields }).load();
 * // [{ id: 'test/algebra/1.json', kind: 'answer', prompt: '...', answer: '3', tags: { level: 'Level 2' } }, ...]
 */
export function jsonlSource(options: JsonlSourceOptions): TaskSource {
  const file = sourcePath(options.file);
  if (options.fields?.prompt === undefined) {
    throw new OuroError('option-invalid', 'fields.prompt must name the field (or give a function) that holds the prompt', {
      field: 'fields.prompt',
    });
  }
  if (options.answer !== undefined && options.fields.answer !== undefined) {
    throw new OuroError('option-invalid', 'give the answer either as fields.answer or as answer, not both', { field: 'answer' });
  }
  const fields: JsonlFields = options.answer === undefined ? options.fields : { ...options.fields, answer: options.answer };
  const source = options.source ?? basename(file);
  return {
    name: source,
    async load() {
      return readJsonlTasks(file, fields, source);
    },
  };
}

/** Reads every task of `file` through `fields` (synchronously: the checks come before anything else). */
export function readJsonlTasks(file: string, fields: JsonlFields, source: string): FlywheelTask[] {
  const tasks: FlywheelTask[] = [];
  const checkId = idTracker();
  readJsonlRows(file, (row, line, at) => {
    const id = fields.id === undefined ? `L${line}` : pick(row, fields.id, 'id', at);
    checkId(id, line, at, fieldName(fields.id, 'id'));
    const prompt = pick(row, fields.prompt, 'prompt', at);
    if (prompt.trim() === '') throw at(fieldName(fields.prompt, 'prompt'), 'the prompt is empty');
    const task: FlywheelTask = { id, source, prompt, kind: 'answer' };
    if (fields.answer !== undefined) task.answer = pick(row, fields.answer, 'answer', at);
    if (fields.solution !== undefined) task.solution = pick(row, fields.solution, 'solution', at);
    if (fields.system !== undefined) task.system = pick(row, fields.system, 'system', at);
    if (fields.tags !== undefined) task.tags = tagsOf(row, fields.tags, at);
    tasks.push(task);
  });
  return tasks;
}

function fieldName(choice: FieldChoice | undefined, role: string): string {
  return typeof choice === 'string' ? choice : role;
}

function pick(row: JsonRow, choice: FieldChoice, role: string, at: LineError): string {
  if (typeof choice === 'string') return requiredText(row, choice, at, role);
  let value: unknown;
  try {
    value = choice(row);
  } catch (error) {
    throw at(role, `the ${role} function threw: ${(error as Error).message}`);
  }
  if (value === undefined) throw at(role, `the ${role} function returned nothing`);
  return asText(value, role, `the ${role} function returned`, at);
}

function tagsOf(row: JsonRow, choice: TagsChoice, at: LineError): Record<string, string> {
  let value: unknown;
  if (typeof choice === 'function') {
    try {
      value = choice(row);
    } catch (error) {
      throw at('tags', `the tags function threw: ${(error as Error).message}`);
    }
  } else if (typeof choice === 'string') {
    if (!Object.hasOwn(row, choice)) throw at(choice, `field "${choice}" (the tags) is missing`);
    value = row[choice];
  } else {
    return Object.fromEntries(choice.map((key) => [key, requiredText(row, key, at, 'tag')]));
  }
  const field = typeof choice === 'string' ? choice : 'tags';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw at(field, `the tags are ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, expected an object`);
  }
  return Object.fromEntries(Object.entries(value).map(([key, tag]) => [key, asText(tag, field, `tag "${key}" is`, at)]));
}
