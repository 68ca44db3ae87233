/**
 * The dataset card written beside every export, as JSON (`<name>.card.json` beside `<name>.jsonl`),
 * so that the store, the CLI and a trainer's script can read it without parsing prose. It says
 * where the data came from and how it was filtered, pins the export by its SHA-256, and states
 * the size of the held-out split that no export contains.
 */
import { basename } from 'node:path';
import type { FlywheelTask, PreferencePair, SftExample } from '../types.ts';
import type { RoundFigures } from './figures.ts';
import type { ExportFormat } from './formats.ts';

/** What the exporter cannot see in the items themselves. */
export interface CardContext {
  /** The round the data was sampled in. */
  round: number;
  /** The policy model that sampled it. */
  model: string;
  /** The round's tasks, for the sources of the exported items. */
  tasks: readonly FlywheelTask[];
  /** The filters applied, one phrase each, such as `ReST: at most 4 replies per task, near-duplicates (3-gram Jaccard >= 0.8) dropped`. */
  filters: readonly string[];
  /** Every verdict of the round by verifier (`RoundFigures.verifiers`), to show what checked the data. */
  roundVerifiers?: RoundFigures['verifiers'];
}

export interface DatasetCard {
  kind: 'sft' | 'preference';
  format: ExportFormat;
  /** The export's file name (no folder, so the card stays true when both files move together). */
  file: string;
  /** SHA-256 of the export file's bytes, in hex. */
  sha256: string;
  lines: number;
  bytes: number;
  round: number;
  model: string;
  /** Distinct tasks in the export. */
  tasks: number;
  /** Lines per task source; `unknown` for a task not among the context's tasks (human data, say). */
  sources: Record<string, number>;
  filters: string[];
  /** SFT: lines per verifier that passed the reply (`unrecorded` when the example names none). */
  verifiers?: Record<string, number>;
  /** SFT: lines per origin (sample, rationalised, human). */
  origins?: Record<string, number>;
  /** Preference: lines per method (dpo, spin, scpo). */
  methods?: Record<string, number>;
  roundVerifiers?: RoundFigures['verifiers'];
  heldOut: {
    /** Tasks in the held-out split. */
    tasks: number;
    excluded: true;
    statement: string;
  };
}

/** Everything about the written file itself. */
export interface WrittenFile {
  path: string;
  sha256: string;
  lines: number;
  bytes: number;
}

/** The card's path for an export path: `round-3.sft.jsonl` gives `round-3.sft.card.json`. */
export function cardPath(exportPath: string): string {
  return `${exportPath.replace(/\.jsonl$/i, '')}.card.json`;
}

/** The card of an SFT export. */
export function sftCard(
  file: WrittenFile,
  format: ExportFormat,
  examples: readonly SftExample[],
  context: CardContext,
  heldOut: number,
): DatasetCard {
  return {
    ...common(file, format, examples, context, heldOut, 'sft'),
    verifiers: tally(examples.map((example) => example.verifier ?? 'unrecorded')),
    origins: tally(examples.map((example) => example.origin)),
  };
}

/** The card of a preference export. */
export function pairCard(
  file: WrittenFile,
  format: ExportFormat,
  pairs: readonly PreferencePair[],
  context: CardContext,
  heldOut: number,
): DatasetCard {
  return { ...common(file, format, pairs, context, heldOut, 'preference'), methods: tally(pairs.map((pair) => pair.method)) };
}

function common(
  file: WrittenFile,
  format: ExportFormat,
  items: ReadonlyArray<{ taskId: string }>,
  context: CardContext,
  heldOut: number,
  kind: DatasetCard['kind'],
): DatasetCard {
  const sourceOf = new Map(context.tasks.map((task) => [task.id, task.source]));
  return {
    kind,
    format,
    file: basename(file.path),
    sha256: file.sha256,
    lines: file.lines,
    bytes: file.bytes,
    round: context.round,
    model: context.model,
    tasks: new Set(items.map((item) => item.taskId)).size,
    sources: tally(items.map((item) => sourceOf.get(item.taskId) ?? 'unknown')),
    filters: [...context.filters],
    roundVerifiers: context.roundVerifiers,
    heldOut: {
      tasks: heldOut,
      excluded: true,
      statement: `The ${heldOut} tasks of the held-out split are excluded: the exporter refuses to write a line for any of them.`,
    },
  };
}

function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
