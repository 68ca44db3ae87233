/**
 * Imports a folder in the common exercise layout, one folder per exercise:
 *
 *     <slug>/.docs/instructions.md          the statement (+ optional .docs/instructions.append.md)
 *     <slug>/<slug>.js                      the stub
 *     <slug>/<slug>.spec.js                 Jest-style tests (describe/test/xtest/expect)
 *     <slug>/.meta/config.json              optional: files.solution, files.test, files.example
 *     <slug>/.meta/proof.ci.js              the reference, unless files.example names another
 *
 * Users grade agents on their own checkouts of public exercise sets; we ship none of them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_TASK_TIMEOUT_MS, readRequired, sortTasks, type CodingTask, type Difficulty } from './tasks.ts';

export interface ImportOptions {
  /** Difficulty given to every imported task (`medium` by default); the layout does not record one. */
  difficulty?: Difficulty;
  /** Sets every imported task joins besides `full`. */
  sets?: string[];
  timeoutMs?: number;
  /** Prepended to each slug to make the task id, e.g. `ex-`. */
  idPrefix?: string;
}

const ExerciseConfig = z.object({
  files: z
    .object({
      solution: z.array(z.string()).min(1).optional(),
      test: z.array(z.string()).min(1).optional(),
      example: z.array(z.string()).min(1).optional(),
    })
    .optional(),
});

const REFERENCE_FALLBACKS = ['.meta/proof.ci.js', '.meta/example.js', '.meta/exemplar.js'];

/**
 * Reads every exercise folder under `folder` (one holding `.docs/` or `.meta/`) as a task that
 * `gradeTask` can run. Throws `OuroError` naming the file when a piece is missing or malformed.
 *
 * @example
 * const tasks = importExercises('exercises/practice', { sets: ['imported'] });
 * const report = await validateBenchmark(tasks);
 */
export function importExercises(folder: string, options: ImportOptions = {}): CodingTask[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new OuroError('config-missing', `exercise folder ${folder} does not exist`, { file: folder });
  }
  const tasks = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .filter((entry) => ['.docs', '.meta'].some((name) => existsSync(join(folder, entry.name, name))))
    .map((entry) => importExercise(join(folder, entry.name), entry.name, options));
  if (tasks.length === 0)
    throw new OuroError('config-missing', `${folder} holds no exercise folder (one with .docs/ or .meta/)`, { file: folder });
  return sortTasks(tasks);
}

function importExercise(dir: string, slug: string, options: ImportOptions): CodingTask {
  const files = readConfig(dir).files ?? {};
  const entry = files.solution?.[0] ?? `${slug}.js`;
  const spec = files.test?.[0] ?? `${slug}.spec.js`;
  const reference = files.example?.[0] ?? REFERENCE_FALLBACKS.find((name) => existsSync(join(dir, name)));
  if (!existsSync(join(dir, spec))) {
    throw new OuroError('config-missing', `exercise ${slug}: its spec file ${join(dir, spec)} is missing`, { file: join(dir, spec) });
  }
  if (reference === undefined) {
    throw new OuroError(
      'config-missing',
      `exercise ${slug}: no reference solution in ${join(dir, '.meta')} (tried ${REFERENCE_FALLBACKS.join(', ')}; ` +
        `or name one in .meta/config.json files.example)`,
      { file: join(dir, '.meta') },
    );
  }
  const append = join(dir, '.docs', 'instructions.append.md');
  const statement = readRequired(dir, join('.docs', 'instructions.md')) + (existsSync(append) ? `\n\n${readFileSync(append, 'utf8')}` : '');
  return {
    id: `${options.idPrefix ?? ''}${slug}`,
    title: slug
      .split('-')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(' '),
    difficulty: options.difficulty ?? 'medium',
    sets: options.sets ?? [],
    entry,
    timeoutMs: options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    statement,
    stub: { [entry]: readRequired(dir, entry) },
    tests: readRequired(dir, spec),
    reference: { [entry]: readRequired(dir, reference) },
    origin: dir,
  };
}

function readConfig(dir: string): z.infer<typeof ExerciseConfig> {
  const file = join(dir, '.meta', 'config.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OuroError('config-invalid', `${file}: not valid JSON (${(error as Error).message})`, { file, cause: error });
  }
  const parsed = ExerciseConfig.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new OuroError('config-invalid', `${file}: field "${field}": ${parsed.error.issues[0]?.message ?? 'invalid'}`, { file, field });
  }
  return parsed.data;
}
