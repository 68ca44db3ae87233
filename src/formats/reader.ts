import { OuroError } from '../core/errors.ts';
import type { YamlSource } from './yaml-source.ts';

export type KeyPath = readonly (string | number)[];

/** `llm.models[0].weight`: a key as the foreign config writes it. */
export function dotted(path: KeyPath): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`), '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a foreign config key by key. Every key read is marked as used, so that what is left at the
 * end is exactly the list of settings with no equivalent (`unmapped()`). Values of the wrong type
 * throw `config-invalid` naming the file, the line and the key, as the foreign tool would have
 * refused them too. Without a file (a folder with no YAML), every read finds nothing.
 */
export class ConfigReader {
  readonly file: string | undefined;
  private readonly data: Record<string, unknown>;
  private readonly used = new Set<string>();
  /** Where each Ouroboros field came from, to name the foreign key when the schema refuses a value. */
  readonly origins = new Map<string, KeyPath>();

  constructor(private readonly source: YamlSource | undefined) {
    this.file = source?.file;
    const data = source?.data ?? {};
    if (!isRecord(data)) this.fail([], 'expected a mapping of settings (key: value lines) at the top of the file');
    this.data = data;
  }

  /** The value at a path, or undefined when absent or null (YAML's "use the default"). Marks nothing. */
  peek(path: KeyPath): unknown {
    let value: unknown = this.data;
    for (const key of path) {
      if (typeof key === 'number' ? !Array.isArray(value) : !isRecord(value)) return undefined;
      value = (value as Record<string | number, unknown>)[key];
    }
    return value ?? undefined;
  }

  /** Whether the file writes this key at all, null included. */
  written(path: KeyPath): boolean {
    let value: unknown = this.data;
    for (const key of path) {
      if (typeof key === 'number' ? !Array.isArray(value) : !isRecord(value)) return false;
      if (!Object.hasOwn(value as object, key)) return false;
      value = (value as Record<string | number, unknown>)[key];
    }
    return true;
  }

  /** Marks a key, and everything under it, as mapped. */
  use(path: KeyPath): void {
    this.used.add(dotted(path));
  }

  /** Records that the Ouroboros field `field` holds what the foreign key at `path` said. */
  origin(field: string, path: KeyPath): void {
    this.origins.set(field, path);
  }

  /** A number, checked; `mark: false` checks it without marking it mapped (a weight that may not map). */
  number(path: KeyPath, check: { integer?: boolean; min?: number; max?: number; mark?: boolean } = {}): number | undefined {
    const value = this.peek(path);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `expected a number, got ${describe(value)}`);
    if (check.integer && !Number.isInteger(value)) this.fail(path, `expected a whole number, got ${value}`);
    if (check.min !== undefined && value < check.min) this.fail(path, `expected at least ${check.min}, got ${value}`);
    if (check.max !== undefined && value > check.max) this.fail(path, `expected at most ${check.max}, got ${value}`);
    if (check.mark !== false) this.use(path);
    return value;
  }

  string(path: KeyPath): string | undefined {
    const value = this.peek(path);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(path, `expected text, got ${describe(value)}`);
    this.use(path);
    return value;
  }

  boolean(path: KeyPath): boolean | undefined {
    const value = this.peek(path);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
    this.use(path);
    return value;
  }

  /** A list, unmarked: its items are read (and marked) one by one. */
  list(path: KeyPath): unknown[] | undefined {
    const value = this.peek(path);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.fail(path, `expected a list, got ${describe(value)}`);
    return value;
  }

  /** A list of numbers, marked as a whole. */
  numbers(path: KeyPath): number[] | undefined {
    const list = this.list(path);
    if (list === undefined) return undefined;
    list.forEach((item, index) => {
      if (typeof item !== 'number' || !Number.isFinite(item)) this.fail([...path, index], `expected a number, got ${describe(item)}`);
    });
    this.use(path);
    return list as number[];
  }

  /** The first of several spellings of a section that the file uses (`evo_config` or `evo`). */
  section(...names: string[]): string {
    return names.find((name) => this.peek([name]) !== undefined) ?? (names[0] as string);
  }

  /** Throws `config-invalid`: `<file> line <n>: <key>: <message>`. */
  fail(path: KeyPath, message: string): never {
    const line = this.source?.lineOf(path);
    const where = `${this.file ?? 'config'}${line === undefined ? '' : ` line ${line}`}`;
    throw new OuroError('config-invalid', `${where}: ${path.length > 0 ? `${dotted(path)}: ` : ''}${message}`, {
      ...(this.file ? { file: this.file } : {}),
      field: dotted(path),
    });
  }

  /**
   * The keys no mapping used, as dotted paths, in file order. A section none of whose keys was used
   * is named once (`evolution_trace`), not key by key. Null values and empty lists say "default"
   * and are skipped, and so are Hydra's `_target_` class paths, which name code rather than settings.
   */
  unmapped(): string[] {
    const out: string[] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      const entries: Array<[string | number, unknown]> = isRecord(value)
        ? Object.entries(value)
        : Array.isArray(value)
          ? value.map((item, index) => [index, item])
          : [];
      for (const [key, child] of entries) {
        const childPath = [...path, key];
        const name = dotted(childPath);
        if (isEmpty(child) || key === '_target_' || this.covered(name)) continue;
        if ((isRecord(child) || Array.isArray(child)) && this.usedBelow(name)) walk(child, childPath);
        else out.push(name);
      }
    };
    walk(this.data, []);
    return out;
  }

  private covered(name: string): boolean {
    for (const used of this.used) {
      if (name === used || name.startsWith(`${used}.`) || name.startsWith(`${used}[`)) return true;
    }
    return false;
  }

  private usedBelow(name: string): boolean {
    for (const used of this.used) if (used.startsWith(`${name}.`) || used.startsWith(`${name}[`)) return true;
    return false;
  }
}

/** Null, an empty list, or a mapping with nothing but a `_target_`: ways of saying "no setting here". */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).every((key) => key === '_target_');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
