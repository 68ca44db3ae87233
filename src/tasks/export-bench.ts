/**
 * Writes generated coding tasks as a coding benchmark (benchmarks/coding/README.md's layout), so
 * that `loadBenchmark`, `ouro agents run --bench` and the flywheel's `coding-bench:<dir>` source
 * read it as they read ours, with a README and a card (`generated.json`) saying where each task
 * came from and how it was checked.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodingTask } from '../agents/index.ts';
import { OuroError } from '../core/errors.ts';
import { BENCHMARK_NAME, benchmarkId, toCodingTask } from './convert.ts';
import { type Attempts, DIFFICULTIES, type GeneratedTask, type Validation } from './types.ts';

/** The card's file name. */
export const CARD_FILE = 'generated.json';
/**
 * The sizes of the staged sets the DGM evaluates on, as the benchmark's importer gives exercises:
 * the easiest 6 tasks are `small`, the easiest 15 `medium` (fewer when there are fewer tasks).
 */
export const EXPORT_SET_SIZES = { small: 6, medium: 15 } as const;

export interface ExportBenchOptions {
  /** Write into a folder that already holds files. */
  force?: boolean;
  /** Each task's validation, by generated task id, for the card. */
  validations?: Readonly<Record<string, Validation>>;
  /** Each task's solver attempts, by generated task id, for the card (its pass rate). */
  attempts?: Readonly<Record<string, Attempts>>;
}

export interface ExportBenchResult {
  folder: string;
  /** The benchmark ids of the task folders written, in the benchmark's order. */
  written: string[];
  /** Tasks given that are not coding tasks, so not written. */
  skipped: number;
}

/** One task's entry in the card. */
export interface CardEntry {
  id: string;
  taskId: string;
  title: string;
  generator: string;
  difficulty: string;
  topic: string;
  /** The proposer model, or `scripted`. */
  model: string;
  parent?: string;
  depth?: number;
  validation?: { kept: boolean; reason?: string; checks: Array<{ check: string; passed: boolean; detail: string }> };
  attempts?: { model: string; attempts: number; passed: number; passRate: number };
}

/**
 * Writes every coding task of `tasks` under `folder`: `<id>/task.json` (id, title, difficulty,
 * sets, entry), `statement.md`, the stub as `<entry>`, `tests.js` and `reference/<entry>`, then
 * `README.md` and the card `generated.json`. Tasks are ordered easiest first; the first ones form
 * the `small` and `medium` sets (see `EXPORT_SET_SIZES`). Other tasks are skipped and counted.
 *
 * A folder that holds files is refused unless `force`; with `force`, task folders that an earlier
 * export listed in its card are removed first, so the folder holds exactly this export's tasks, and
 * other files are left alone. Throws `OuroError` for no coding task, or two tasks with one id.
 *
 * @example
 * const { written, skipped } = exportBench('bench/generated', keptTasks, { validations });
 * loadBenchmark('bench/generated').tasks.length === written.length; // true
 */
export function exportBench(folder: string, tasks: readonly GeneratedTask[], options: ExportBenchOptions = {}): ExportBenchResult {
  checkFolder(folder, options.force === true);
  const coding = tasks.filter((task) => task.code !== undefined);
  const skipped = tasks.length - coding.length;
  if (coding.length === 0) {
    throw new OuroError(
      'config-invalid',
      `none of the ${tasks.length} task(s) is a coding task, so there is no benchmark to write to ${folder}`,
      {
        field: 'tasks',
        file: folder,
      },
    );
  }
  const ordered = orderedTasks(coding);
  const converted = ordered.map((task, index) => toCodingTask(task, join(folder, benchmarkId(task)), setsAt(index, ordered.length)));
  if (options.force) removeEarlierExport(folder);
  mkdirSync(folder, { recursive: true });
  for (const task of converted) writeTask(task);
  writeFileSync(join(folder, 'README.md'), readmeOf(converted, skipped));
  const card = { tasks: ordered.map((task, index) => cardEntry(task, converted[index] as CodingTask, options)), skipped };
  writeFileSync(join(folder, CARD_FILE), `${JSON.stringify(card, null, 2)}\n`);
  return { folder, written: converted.map((task) => task.id), skipped };
}

function checkFolder(folder: string, force: boolean): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) throw new OuroError('option-invalid', `${folder} is a file, not a folder`, { file: folder });
  if (!force && readdirSync(folder).length > 0) {
    throw new OuroError(
      'option-invalid',
      `the benchmark folder ${folder} already holds files; choose another, or pass --force to write over them`,
      {
        file: folder,
        field: 'force',
      },
    );
  }
}

/** Easiest first, then by benchmark id; a repeated task id is refused, since the benchmark needs distinct ids. */
function orderedTasks(tasks: readonly GeneratedTask[]): GeneratedTask[] {
  const byId = new Map<string, GeneratedTask>();
  for (const task of tasks) {
    const id = benchmarkId(task);
    const earlier = byId.get(id);
    if (earlier !== undefined) {
      throw new OuroError(
        'config-invalid',
        `tasks ${JSON.stringify(earlier.id)} and ${JSON.stringify(task.id)} both become benchmark task "${id}"`,
        {
          field: 'id',
        },
      );
    }
    byId.set(id, task);
  }
  const rank = (task: GeneratedTask): number => DIFFICULTIES.indexOf(task.category.difficulty);
  return [...byId.entries()].sort(([a, x], [b, y]) => rank(x) - rank(y) || a.localeCompare(b)).map(([, task]) => task);
}

function setsAt(index: number, total: number): string[] {
  const sets: string[] = [];
  if (index < Math.min(EXPORT_SET_SIZES.small, total)) sets.push('small');
  if (index < Math.min(EXPORT_SET_SIZES.medium, total)) sets.push('medium');
  return sets;
}

/** Only folders the earlier card names, with a benchmark id and a task.json: never anything the card did not write. */
function removeEarlierExport(folder: string): void {
  const card = join(folder, CARD_FILE);
  if (!existsSync(card)) return;
  let ids: unknown[] = [];
  try {
    const parsed = JSON.parse(readFileSync(card, 'utf8')) as { tasks?: Array<{ id?: unknown }> };
    ids = Array.isArray(parsed.tasks) ? parsed.tasks.map((entry) => entry?.id) : [];
  } catch {
    return; // Not our card: leave everything as it is and write over it.
  }
  for (const id of ids) {
    if (typeof id === 'string' && BENCHMARK_NAME.test(id) && existsSync(join(folder, id, 'task.json'))) {
      rmSync(join(folder, id), { recursive: true, force: true });
    }
  }
}

function writeTask(task: CodingTask): void {
  rmSync(task.origin, { recursive: true, force: true });
  mkdirSync(join(task.origin, 'reference'), { recursive: true });
  const meta = { id: task.id, title: task.title, difficulty: task.difficulty, sets: task.sets, entry: task.entry };
  writeFileSync(join(task.origin, 'task.json'), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(join(task.origin, 'statement.md'), endLine(task.statement));
  writeFileSync(join(task.origin, task.entry), endLine(task.stub[task.entry] ?? ''));
  writeFileSync(join(task.origin, 'tests.js'), endLine(task.tests));
  writeFileSync(join(task.origin, 'reference', task.entry), endLine(task.reference[task.entry] ?? ''));
}

function cardEntry(task: GeneratedTask, coding: CodingTask, options: ExportBenchOptions): CardEntry {
  const validation = options.validations?.[task.id];
  const attempts = options.attempts?.[task.id];
  return {
    id: coding.id,
    taskId: task.id,
    title: coding.title,
    generator: task.provenance.generator,
    difficulty: task.category.difficulty,
    topic: task.category.topic,
    model: task.provenance.model,
    parent: task.provenance.parent,
    depth: task.provenance.depth,
    validation: validation && {
      kept: validation.kept,
      reason: validation.reason,
      checks: validation.checks.map(({ check, passed, detail }) => ({ check, passed, detail })),
    },
    attempts: attempts && { model: attempts.model, attempts: attempts.attempts, passed: attempts.passed, passRate: attempts.passRate },
  };
}

function readmeOf(tasks: readonly CodingTask[], skipped: number): string {
  const count = (difficulty: string): number => tasks.filter((task) => task.difficulty === difficulty).length;
  const small = tasks.filter((task) => task.sets.includes('small')).length;
  const medium = tasks.filter((task) => task.sets.includes('medium')).length;
  return [
    '# Generated coding tasks',
    '',
    `${tasks.length} JavaScript tasks that a proposer model wrote and the sandbox validated (each reference passes its tests,`,
    `each stub fails them): ${DIFFICULTIES.map((difficulty) => `${count(difficulty)} ${difficulty}`).join(', ')}.`,
    skipped > 0 ? `${skipped} generated task(s) that were not coding tasks are not here.` : '',
    '',
    "The layout is the coding benchmark's (benchmarks/coding/README.md): one folder per task with `task.json`,",
    '`statement.md`, the stub, the hidden `tests.js` and `reference/`. `generated.json` records, per task, the generator,',
    "the proposer model, the validation checks and the solver's pass rate where known.",
    '',
    `Sets: \`small\` (the ${small} easiest), \`medium\` (the ${medium} easiest) and \`full\` (all ${tasks.length}).`,
    '',
  ]
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n');
}

function endLine(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
