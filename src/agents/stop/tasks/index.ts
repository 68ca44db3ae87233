import { OuroError } from '../../../core/errors.ts';
import type { StopTask } from '../task.ts';
import { binPackingTask } from './bin-packing.ts';
import { circlePackingTask } from './circle-packing.ts';
import { sortingNetworkTask } from './sorting-network.ts';
import { tspTask } from './tsp.ts';

export { binPackingTask, circlePackingTask, sortingNetworkTask, tspTask };

const BY_NAME: Record<string, () => StopTask> = {
  'bin-packing': binPackingTask,
  'circle-packing': circlePackingTask,
  tsp: tspTask,
  'sorting-network': sortingNetworkTask,
};

/** The downstream tasks STOP measures an improver on, in a fixed order. */
export function defaultTasks(): StopTask[] {
  return [binPackingTask(), circlePackingTask(), tspTask(), sortingNetworkTask()];
}

/**
 * The shipped tasks by name, as a stored STOP run names them; throws naming an unknown one.
 *
 * @example
 * tasksNamed(['tsp', 'sorting-network']).map((task) => task.name); // ['tsp', 'sorting-network']
 */
export function tasksNamed(names: readonly string[]): StopTask[] {
  return names.map((name) => {
    const make = BY_NAME[name];
    if (!make)
      throw new OuroError('config-invalid', `STOP has no downstream task ${name}; it has ${Object.keys(BY_NAME).join(', ')}`, {
        field: 'tasks',
      });
    return make();
  });
}
