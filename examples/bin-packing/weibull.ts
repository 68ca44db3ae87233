import { Rng } from 'ouroboros';
import type { Instances } from './packing.ts';

export interface WeibullOptions {
  seed: number;
  /** How many instances; FunSearch's set has 5. */
  count?: number;
  /** Items per instance; FunSearch's set has 5,000. */
  items?: number;
  capacity?: number;
  scale?: number;
  shape?: number;
}

/**
 * Instances drawn the way FunSearch drew its Weibull 5k set: sizes from Weibull(scale 45,
 * shape 3), clipped to [1, capacity] and truncated to integers. Equal seeds give equal
 * instances, named `weibull_0`, `weibull_1`, ...
 *
 * @example
 * const instances = weibullInstances({ seed: 1 }); // 5 x 5,000 items, capacity 100
 */
export function weibullInstances(options: WeibullOptions): Instances {
  const { seed, count = 5, items = 5_000, capacity = 100, scale = 45, shape = 3 } = options;
  const rng = Rng.fromSeed(seed);
  const instances: Instances = {};
  for (let instance = 0; instance < count; instance++) {
    const sizes: number[] = new Array<number>(items);
    for (let index = 0; index < items; index++) {
      // Inverse CDF of the Weibull distribution; 1 - U lies in (0, 1], so the log is finite.
      const draw = scale * (-Math.log(1 - rng.next())) ** (1 / shape);
      sizes[index] = Math.trunc(Math.min(Math.max(draw, 1), capacity));
    }
    instances[`weibull_${instance}`] = { capacity, items: sizes };
  }
  return instances;
}
