/**
 * A benchmark folder of either layout: ours (one folder per task with a task.json) or the common
 * exercise layout that `importExercises` reads, so that `ouro agents run --bench` takes both.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import { importExercises } from './import.ts';
import { FULL_SET, loadBenchmark, type Benchmark } from './tasks.ts';

/** Staged evaluation's sets for imported exercises, which record no difficulty: the first tasks by id. */
export const IMPORTED_SET_SIZES = { small: 6, medium: 15 } as const;

/**
 * Loads `dir` as a benchmark. Exercises in the common layout get `small` (the first 6 by id),
 * `medium` (the first 15) and `full` (all), since that layout records neither sets nor difficulty.
 *
 * @example
 * const benchmark = openBenchmark('../exercism-javascript/exercises/practice');
 */
export function openBenchmark(dir: string): Benchmark {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OuroError('config-missing', `benchmark folder ${dir} does not exist`, { file: dir });
  }
  const folders = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
  if (folders.some((entry) => existsSync(join(dir, entry.name, 'task.json')))) return loadBenchmark(dir);
  if (!folders.some((entry) => ['.docs', '.meta'].some((name) => existsSync(join(dir, entry.name, name))))) {
    throw new OuroError(
      'config-missing',
      `benchmark folder ${dir} holds neither task folders (with a task.json) nor exercises in the common layout (with .docs/ and .meta/)`,
      { file: dir },
    );
  }
  const tasks = importExercises(dir);
  const ids = tasks.map((task) => task.id).sort();
  return {
    dir,
    tasks,
    sets: { small: ids.slice(0, IMPORTED_SET_SIZES.small), medium: ids.slice(0, IMPORTED_SET_SIZES.medium), [FULL_SET]: ids },
  };
}
