// A sorting network for 8 inputs with as few comparators as possible. The program returns the
// comparators; the host proves the network sorts by the 0-1 principle (all 256 binary inputs).
import type { StopTask } from '../task.ts';

const WIRES = 8;
const MAX_COMPARATORS = 200;
/** Knuth, TAOCP vol. 3: 19 comparators is optimal for 8 inputs. */
const OPTIMAL = 19;

const INITIAL = `// Bubble sort as a network: n(n-1)/2 comparators.
export function network(n) {
  const comparators = [];
  for (let end = n - 1; end > 0; end--) {
    for (let i = 0; i < end; i++) comparators.push([i, i + 1]);
  }
  return comparators;
}
`;

const HARNESS = `import { network } from './solution.js';
export function run(n) {
  return Array.from(network(n), (pair) => Array.from(pair));
}
`;

/** The comparator count of `output` if it sorts every input of `wires` wires; throws otherwise. */
export function checkNetwork(output: unknown, wires = WIRES): number {
  if (!Array.isArray(output) || output.length > MAX_COMPARATORS)
    throw new Error(`expected an array of at most ${MAX_COMPARATORS} comparators`);
  const pairs = output.map((pair, index) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`comparator ${index} is not [i, j]`);
    const [i, j] = pair as unknown[];
    if (!Number.isInteger(i) || !Number.isInteger(j) || (i as number) < 0 || (j as number) >= wires || (i as number) >= (j as number)) {
      throw new Error(`comparator ${index} must be [i, j] with 0 <= i < j < ${wires}`);
    }
    return [i as number, j as number] as const;
  });
  for (let input = 0; input < 1 << wires; input++) {
    const values = Array.from({ length: wires }, (_, wire) => (input >> wire) & 1);
    for (const [i, j] of pairs) {
      if (values[i]! > values[j]!) [values[i], values[j]] = [values[j]!, values[i]!];
    }
    for (let wire = 1; wire < wires; wire++) {
      if (values[wire - 1]! > values[wire]!) throw new Error(`the network does not sort ${input.toString(2).padStart(wires, '0')}`);
    }
  }
  return pairs.length;
}

/** Utility: minus the number of comparators of a correct network (bubble sort starts at -28). */
export function sortingNetworkTask(): StopTask {
  return {
    name: 'sorting-network',
    description:
      `a sorting network for ${WIRES} inputs; export function network(n) returns comparators [i, j] (i < j) applied in order. ` +
      `The utility is minus the number of comparators of a network that sorts every input (${OPTIMAL} is optimal).`,
    initial: INITIAL,
    harness: HARNESS,
    input: WIRES,
    floor: -MAX_COMPARATORS,
    score: (output) => -checkNetwork(output),
    reference: () => -OPTIMAL,
  };
}
