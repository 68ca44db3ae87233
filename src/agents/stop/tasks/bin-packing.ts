// Online bin packing, FunSearch style, on three small fixed instances. The program's
// `priority(item, bins)` ranks the open bins that can hold the item (plus one empty bin, last);
// the harness only reports which bin it chose per item. The host replays those choices under the
// packing rules, so any answer is a legal packing, and counts the bins itself.
import { Rng } from '../../../core/rng.ts';
import type { JsonValue } from '../../../core/sandbox.ts';
import type { StopTask } from '../task.ts';

const CAPACITY = 100;
const ITEMS = 60;

const INITIAL = `// First fit: the earliest bin that can hold the item wins.
export function priority(item, bins) {
  return bins.map((_, index) => -index);
}
`;

const HARNESS = `import { priority } from './solution.js';
export function run({ capacity, instances }) {
  return instances.map((items) => {
    const bins = [];
    return items.map((item) => {
      const open = [];
      const room = [];
      bins.forEach((left, index) => { if (left >= item) { open.push(index); room.push(left); } });
      room.push(capacity);
      const scores = Array.from(priority(item, room));
      let best = 0;
      for (let index = 1; index < room.length; index++) if (scores[index] > scores[best]) best = index;
      if (best === open.length) bins.push(capacity - item); else bins[open[best]] -= item;
      return best;
    });
  });
}
`;

function instances(): number[][] {
  const rng = Rng.fromSeed(2023);
  return [0, 1, 2].map(() => Array.from({ length: ITEMS }, () => 20 + rng.int(50)));
}

/** Bins used when each item goes where `choices` say (a position among the bins that can hold it, or a new bin). */
export function replay(items: readonly number[], choices: JsonValue, capacity = CAPACITY): number {
  if (!Array.isArray(choices) || choices.length !== items.length) throw new Error('expected one choice per item');
  const bins: number[] = [];
  items.forEach((item, position) => {
    const open = bins.flatMap((left, index) => (left >= item ? [index] : []));
    const choice = choices[position];
    if (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 0 || choice > open.length) {
      throw new Error(`item ${position}: choice ${JSON.stringify(choice)} is not one of the ${open.length + 1} bins that can hold it`);
    }
    if (choice === open.length) bins.push(capacity - item);
    else bins[open[choice]!]! -= item;
  });
  return bins.length;
}

/** Utility: minus the mean excess of bins over the lower bound ceil(sum / capacity); 0 is perfect. */
export function binPackingTask(): StopTask {
  const data = instances();
  const bounds = data.map((items) => Math.ceil(items.reduce((sum, item) => sum + item, 0) / CAPACITY));
  return {
    name: 'bin-packing',
    description:
      `online bin packing of ${data.length} instances of ${ITEMS} items (sizes 20 to 69) into bins of ${CAPACITY}; ` +
      'export function priority(item, bins) returns one number per bin ' +
      '(bins holds the remaining room of the bins that fit the item, then an empty bin); ' +
      'the highest wins. The utility is minus the mean share of bins above the lower bound (0 is perfect).',
    initial: INITIAL,
    harness: HARNESS,
    input: { capacity: CAPACITY, instances: data },
    floor: -1,
    score(output) {
      if (!Array.isArray(output) || output.length !== data.length) throw new Error(`expected choices for ${data.length} instances`);
      const excess = data.map((items, index) => (replay(items, output[index]!) - bounds[index]!) / bounds[index]!);
      return -excess.reduce((sum, value) => sum + value, 0) / excess.length;
    },
    reference: () => 0,
  };
}
