/**
 * Writes kept examples and preference pairs as JSONL in the formats trainers read, each with its
 * dataset card beside it. Two guarantees: no line belongs to a held-out task (checked here, on
 * every export, whatever the caller filtered), and every line matches its format's schema.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import type { PreferencePair, SftExample } from '../types.ts';
import { type CardContext, cardPath, type DatasetCard, pairCard, sftCard, type WrittenFile } from './card.ts';
import { type PairFormat, pairRecord, type SftFormat, sftRecord } from './formats.ts';
import { describeIssues, EXPORT_SCHEMAS } from './schemas.ts';

export interface ExportOptions {
  /** The held-out split's task ids: an export that would contain one is refused. */
  heldOut: ReadonlySet<string>;
  /** Overwrite an existing export or card. Default false: an existing path is refused. */
  force?: boolean;
  card: CardContext;
}

export interface ExportResult extends WrittenFile {
  cardPath: string;
  card: DatasetCard;
}

/**
 * Writes kept examples to `path` in `format`, and the card beside it.
 *
 * @example
 * await exportSft('runs/gsm8k/round-3.sft.jsonl', examples, 'openai-chat', {
 *   heldOut, card: { round: 3, model: 'qwen2.5-7b-r2', tasks, filters: ['STaR: passing replies only'] },
 * });
 */
export async function exportSft(
  path: string,
  examples: readonly SftExample[],
  format: SftFormat,
  options: ExportOptions,
): Promise<ExportResult> {
  assertNoHeldOut(examples, options.heldOut, path);
  const lines = examples.map((example, index) => checkedLine(sftRecord(example, format), format, example.taskId, path, index));
  const written = await writeLines(path, lines, options.force === true, cardPath(path));
  return finish(written, sftCard(written, format, examples, options.card, options.heldOut.size), options.force === true);
}

/**
 * Writes preference pairs to `path` in `format`, and the card beside it.
 *
 * @example
 * await exportPairs('runs/gsm8k/round-3.dpo.jsonl', pairs, 'trl-dpo', { heldOut, card: { round: 3, model, tasks, filters } });
 */
export async function exportPairs(
  path: string,
  pairs: readonly PreferencePair[],
  format: PairFormat,
  options: ExportOptions,
): Promise<ExportResult> {
  assertNoHeldOut(pairs, options.heldOut, path);
  const lines = pairs.map((pair, index) => checkedLine(pairRecord(pair, format), format, pair.taskId, path, index));
  const written = await writeLines(path, lines, options.force === true, cardPath(path));
  return finish(written, pairCard(written, format, pairs, options.card, options.heldOut.size), options.force === true);
}

/**
 * Writes records as JSONL, one per line, and returns the file's SHA-256. Refuses an existing path
 * unless `force`; the refusal is atomic (the file is opened with O_EXCL), so two writers cannot
 * both believe they made it.
 */
export async function writeJsonl(path: string, records: readonly unknown[], options: { force?: boolean } = {}): Promise<WrittenFile> {
  return writeLines(
    path,
    records.map((record) => JSON.stringify(record)),
    options.force === true,
  );
}

/** Throws an OuroError naming the first item that belongs to a held-out task, and where it would have gone. */
export function assertNoHeldOut(items: ReadonlyArray<{ taskId: string }>, heldOut: ReadonlySet<string>, destination: string): void {
  const index = items.findIndex((item) => heldOut.has(item.taskId));
  if (index === -1) return;
  throw new OuroError(
    'option-invalid',
    `${destination}: item ${index + 1} belongs to held-out task ${(items[index] as { taskId: string }).taskId}; ` +
      'held-out tasks never enter an export (leave them out before exporting, with withoutHeldOut)',
    { field: 'heldOut', file: destination },
  );
}

/** The items that do not belong to a held-out task. */
export function withoutHeldOut<T extends { taskId: string }>(items: readonly T[], heldOut: ReadonlySet<string>): T[] {
  return items.filter((item) => !heldOut.has(item.taskId));
}

function checkedLine(
  record: Record<string, unknown>,
  format: keyof typeof EXPORT_SCHEMAS,
  taskId: string,
  path: string,
  index: number,
): string {
  const result = EXPORT_SCHEMAS[format].safeParse(record);
  if (!result.success) {
    throw new OuroError(
      'option-invalid',
      `${path}: line ${index + 1} (task ${taskId}) is not valid ${format}: ${describeIssues(result.error)}`,
      {
        field: 'format',
        file: path,
      },
    );
  }
  return JSON.stringify(record);
}

async function writeLines(path: string, lines: readonly string[], force: boolean, companion?: string): Promise<WrittenFile> {
  if (!force) {
    for (const target of companion === undefined ? [path] : [path, companion]) {
      if (await exists(target)) throw refusal(target);
    }
  }
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  const bytes = Buffer.from(text, 'utf8');
  await writeText(path, bytes, force);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), lines: lines.length, bytes: bytes.length };
}

async function finish(written: WrittenFile, card: DatasetCard, force: boolean): Promise<ExportResult> {
  const path = cardPath(written.path);
  await writeText(path, Buffer.from(`${JSON.stringify(card, null, 2)}\n`, 'utf8'), force);
  return { ...written, cardPath: path, card };
}

async function writeText(path: string, bytes: Buffer, force: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, bytes, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw refusal(path);
    throw error;
  }
}

function refusal(path: string): OuroError {
  return new OuroError('option-invalid', `${path} exists; pass force to overwrite it`, { field: 'force', file: path });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
