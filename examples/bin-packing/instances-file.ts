import { readFileSync } from 'node:fs';
import type { Instances } from './packing.ts';

/**
 * Reads instances in FunSearch's format:
 * `{ name, source, instances: { <id>: { capacity, num_items, items: [...] } } }`.
 * Throws an Error naming the file and the field at fault.
 *
 * @example
 * readInstancesFile('../shared/data/binpacking-weibull-5k.json');
 */
export function readInstancesFile(file: string): Instances {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new Error(`instances file ${file}: ${reason}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`instances file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseInstances(data, file);
}

/** Checks parsed JSON in FunSearch's format; `file` only names the source in messages. */
export function parseInstances(data: unknown, file: string): Instances {
  const fail = (field: string, problem: string): never => {
    throw new Error(`instances file ${file}: ${field} ${problem}`);
  };
  if (!isRecord(data)) return fail('(root)', 'is not an object');
  const entries = data.instances;
  if (!isRecord(entries)) return fail('instances', 'is missing or not an object of instances by id');
  const ids = Object.keys(entries);
  if (ids.length === 0) fail('instances', 'is empty');
  const instances: Instances = {};
  for (const id of ids) {
    const field = `instances.${id}`;
    const entry = entries[id];
    if (!isRecord(entry)) return fail(field, 'is not an object');
    const { capacity, items, num_items: declared } = entry;
    if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity <= 0) {
      fail(`${field}.capacity`, 'is not a positive number');
    }
    if (!Array.isArray(items)) return fail(`${field}.items`, 'is not an array');
    if (items.length === 0) fail(`${field}.items`, 'is empty');
    items.forEach((item: unknown, index) => {
      if (typeof item !== 'number' || !Number.isFinite(item) || item <= 0) {
        fail(`${field}.items[${index}]`, 'is not a positive number');
      }
      if ((item as number) > (capacity as number)) fail(`${field}.items[${index}]`, `exceeds the capacity ${String(capacity)}`);
    });
    if (declared !== undefined && declared !== items.length) {
      fail(`${field}.num_items`, `is ${String(declared)} but items has ${items.length} entries`);
    }
    instances[id] = { capacity: capacity as number, items: items as number[] };
  }
  return instances;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
