/**
 * Online bin packing as FunSearch scores it: each item, in order, goes to the feasible bin with
 * the highest priority (the first on ties). The feasible bins are the open bins that can hold the
 * item plus one empty bin, so choosing the empty bin opens a new one.
 * excess = (mean bins used - mean L1) / mean L1, with L1 = ceil(sum of items / capacity).
 */

/**
 * Rates the bins that can hold `item`. `bins` holds their remaining capacities: the open bins in
 * the order they were opened, then one empty bin (full capacity) that stands for a new bin.
 * The answer must hold one finite number per bin.
 */
export type PriorityFunction = (item: number, bins: Float64Array) => unknown;

export interface Instance {
  capacity: number;
  items: ArrayLike<number>;
}

/** Instances by id, as in the `instances` field of FunSearch's data files. */
export type Instances = Record<string, Instance>;

export interface InstanceResult {
  bins: number;
  l1: number;
}

export interface PackingSummary {
  perInstance: Record<string, InstanceResult>;
  meanBins: number;
  meanL1: number;
  /** (meanBins - meanL1) / meanL1: a ratio of means, not a mean of ratios. */
  excess: number;
}

// Candidate code runs in the same worker and may replace these globals to steer the checks.
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const ceiling = Math.ceil;
const Float64ArrayConstructor = Float64Array;
const Int32ArrayConstructor = Int32Array;

/** Priority of the first fit rule: the earliest opened bin that fits. */
export function firstFit(_item: number, bins: Float64Array): Float64Array {
  const priorities = new Float64ArrayConstructor(bins.length);
  for (let index = 0; index < bins.length; index++) priorities[index] = -index;
  return priorities;
}

/** Priority of the best fit rule: the bin left with the least room. */
export function bestFit(item: number, bins: Float64Array): Float64Array {
  const priorities = new Float64ArrayConstructor(bins.length);
  for (let index = 0; index < bins.length; index++) priorities[index] = -((bins[index] as number) - item);
  return priorities;
}

/** The lower bound on bins: ceil(sum of items / capacity). */
export function l1Bound(items: ArrayLike<number>, capacity: number): number {
  let total = 0;
  for (let index = 0; index < items.length; index++) total += items[index] as number;
  return ceiling(total / capacity);
}

/**
 * Packs `items` online and returns the number of bins used. Throws when `priority` answers
 * anything but one finite number per feasible bin, naming the item and the fault. `onChoice`
 * hears, for each item, the position of the chosen bin among those offered (the last: a new bin).
 *
 * @example
 * packOnline([60, 50, 40], 100, bestFit); // 2
 */
export function packOnline(
  items: ArrayLike<number>,
  capacity: number,
  priority: PriorityFunction,
  onChoice?: (offered: number) => void,
): number {
  const count = items.length;
  // Room left in each bin opened so far; no run can open more bins than it has items.
  const remaining = new Float64ArrayConstructor(count);
  // Bins with room left, in opening order; full bins leave it, as no positive item fits them.
  const open = new Int32ArrayConstructor(count);
  let openCount = 0;
  const feasible = new Int32ArrayConstructor(count);
  let binCount = 0;

  for (let itemIndex = 0; itemIndex < count; itemIndex++) {
    const item = items[itemIndex] as number;
    if (!(item > 0 && item <= capacity)) {
      throw new RangeError(`item ${itemIndex} is ${item}, expected a size in (0, ${capacity}]`);
    }
    let feasibleCount = 0;
    for (let position = 0; position < openCount; position++) {
      const bin = open[position] as number;
      if ((remaining[bin] as number) >= item) feasible[feasibleCount++] = bin;
    }
    // One empty bin is always offered last, so the rule itself decides when to open a bin, as in
    // FunSearch (which offers every empty bin; one suffices because empty bins are identical).
    const offered = feasibleCount + 1;
    // A fresh array for every call: the candidate may keep or scribble on what it is given.
    const bins = new Float64ArrayConstructor(offered);
    for (let index = 0; index < feasibleCount; index++) bins[index] = remaining[feasible[index] as number] as number;
    bins[feasibleCount] = capacity;
    const best = choose(priority(item, bins), offered, itemIndex, item);
    onChoice?.(best);
    let chosen: number;
    if (best === feasibleCount) {
      chosen = binCount++;
      remaining[chosen] = capacity;
      open[openCount++] = chosen;
    } else {
      chosen = feasible[best] as number;
    }
    remaining[chosen] = (remaining[chosen] as number) - item;
    if ((remaining[chosen] as number) <= 0) dropFull(open, openCount--, chosen);
  }
  return binCount;
}

/** Packs every instance and sums up as FunSearch does. */
export function packInstances(instances: Instances, priority: PriorityFunction): PackingSummary {
  return packInstancesWith(instances, () => priority);
}

/** Like `packInstances`, with a priority function of its own for each instance. */
export function packInstancesWith(instances: Instances, priorityFor: (id: string) => PriorityFunction): PackingSummary {
  const perInstance: Record<string, InstanceResult> = {};
  let totalBins = 0;
  let totalL1 = 0;
  const ids = Object.keys(instances);
  if (ids.length === 0) throw new Error('no instances to pack');
  for (const id of ids) {
    const { items, capacity } = instances[id] as Instance;
    let bins: number;
    try {
      bins = packOnline(items, capacity, priorityFor(id));
    } catch (error) {
      throw new Error(`instance ${id}: ${(error as Error).message}`, { cause: error });
    }
    const l1 = l1Bound(items, capacity);
    perInstance[id] = { bins, l1 };
    totalBins += bins;
    totalL1 += l1;
  }
  const meanBins = totalBins / ids.length;
  const meanL1 = totalL1 / ids.length;
  return { perInstance, meanBins, meanL1, excess: (meanBins - meanL1) / meanL1 };
}

/**
 * FunSearch's excess: (mean bins - mean L1) / mean L1 over the instances.
 *
 * @example
 * excess(instances, firstFit); // 0.0423 on the Weibull 5k set
 */
export function excess(instances: Instances, priority: PriorityFunction): number {
  return packInstances(instances, priority).excess;
}

/** Reads the candidate's answer once per value and returns the first index of the highest. */
function choose(priorities: unknown, count: number, itemIndex: number, item: number): number {
  if (!isArray(priorities) && !isView(priorities)) {
    throw new Error(`priority returned ${describe(priorities)} ${where(itemIndex, item)}, expected an array of ${count} numbers`);
  }
  const length: unknown = (priorities as ArrayLike<unknown>).length;
  if (length !== count) {
    throw new Error(`priority returned ${String(length)} values for ${count} bins ${where(itemIndex, item)}`);
  }
  let best = 0;
  let bestValue = -Infinity;
  for (let index = 0; index < count; index++) {
    const value: unknown = (priorities as ArrayLike<unknown>)[index];
    if (typeof value !== 'number') throw new Error(`priority[${index}] is ${describe(value)} ${where(itemIndex, item)}, expected a number`);
    if (Number.isNaN(value)) throw new Error(`priority[${index}] is NaN ${where(itemIndex, item)}`);
    if (value === Infinity || value === -Infinity) throw new Error(`priority[${index}] is ${value} ${where(itemIndex, item)}`);
    if (value > bestValue) {
      bestValue = value;
      best = index;
    }
  }
  return best;
}

/** Removes `bin` from the first `length` entries of `open`, keeping their order. */
function dropFull(open: Int32Array, length: number, bin: number): void {
  let position = length - 1;
  while (position > 0 && open[position] !== bin) position--;
  for (; position < length - 1; position++) open[position] = open[position + 1] as number;
}

function where(itemIndex: number, item: number): string {
  return `for item ${itemIndex} (size ${item})`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/**
 * A priority function that replays recorded choices (as `onChoice` heard them): for each item it
 * gives the recorded position 1 and every other bin 0. A choice out of range, or too few of
 * them, throws, so a replay can only ever produce a packing the rules allow.
 */
export function replayChoices(choices: readonly unknown[]): PriorityFunction {
  let next = 0;
  return (_item, bins) => {
    const choice = choices[next];
    if (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 0 || choice >= bins.length) {
      throw new Error(`choice ${next} is ${JSON.stringify(choice)}, expected a whole number below ${bins.length}`);
    }
    next++;
    const priorities = new Float64ArrayConstructor(bins.length);
    priorities[choice] = 1;
    return priorities;
  };
}
