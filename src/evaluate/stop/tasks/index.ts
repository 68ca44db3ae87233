import type { StopTask } from '../task.ts';
import { binPackingTask } from './bin-packing.ts';
import { circlePackingTask } from './circle-packing.ts';
import { sortingNetworkTask } from './sorting-network.ts';
import { tspTask } from './tsp.ts';

export { binPackingTask, circlePackingTask, sortingNetworkTask, tspTask };

/** The downstream tasks STOP measures an improver on, in a fixed order. */
export function defaultTasks(): StopTask[] {
  return [binPackingTask(), circlePackingTask(), tspTask(), sortingNetworkTask()];
}
