/**
 * The curriculum decides what the flywheel trains on, too: kept tasks drawn category by category
 * in proportion to the curriculum's weights (SEC's softmax over learning progress), so that the
 * categories where the solver is learning get most of the training set.
 */
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { categoryKey, type GeneratedTask } from './types.ts';

/**
 * Draws up to `count` tasks without replacement: each draw picks a category with tasks left, with
 * probability proportional to its weight (a category the weights do not name, such as LADDER's
 * variants, gets the mean weight), then that category's earliest task left. Seeded: the same
 * tasks, weights and seed give the same draw.
 *
 * @example
 * const chosen = pickByCurriculum(tasks.keptTasks(runId), tasks.curriculum(runId).at(-1)?.weights ?? {}, 50, 0);
 */
export function pickByCurriculum(
  tasks: readonly GeneratedTask[],
  weights: Readonly<Record<string, number>>,
  count: number,
  seed = 0,
): GeneratedTask[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new OuroError('option-invalid', `--curriculum: ${count} is not a whole number of tasks of at least 1`, { field: 'curriculum' });
  }
  const known = Object.values(weights).filter((weight) => Number.isFinite(weight) && weight >= 0);
  const fallback = known.length > 0 ? known.reduce((sum, weight) => sum + weight, 0) / known.length : 1;
  const queues = new Map<string, GeneratedTask[]>();
  for (const task of tasks) {
    const key = categoryKey(task.category);
    queues.set(key, [...(queues.get(key) ?? []), task]);
  }
  const weightOf = (key: string): number => {
    const weight = weights[key];
    return weight !== undefined && Number.isFinite(weight) && weight > 0 ? weight : fallback;
  };
  const rng = Rng.fromSeed(seed >>> 0);
  const chosen: GeneratedTask[] = [];
  while (chosen.length < count) {
    const open = [...queues.entries()].filter(([, queue]) => queue.length > 0);
    if (open.length === 0) break;
    const total = open.reduce((sum, [key]) => sum + weightOf(key), 0);
    let point = rng.next() * total;
    let pick = open[open.length - 1] as [string, GeneratedTask[]];
    for (const entry of open) {
      point -= weightOf(entry[0]);
      if (point < 0) {
        pick = entry;
        break;
      }
    }
    chosen.push(pick[1].shift() as GeneratedTask);
  }
  return chosen;
}
