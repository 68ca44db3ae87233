// A travelling salesman tour through 24 fixed random points in the unit square. The program
// returns an order of visits; the host checks it is a permutation and measures the closed tour.
import { Rng } from '../../../core/rng.ts';
import type { StopTask } from '../task.ts';
import { numbers } from '../task.ts';

const COUNT = 24;

const INITIAL = `// Visits the points in the order given.
export function tour(points) {
  return points.map((_, index) => index);
}
`;

const HARNESS = `import { tour } from './solution.js';
export function run(points) {
  return Array.from(tour(points));
}
`;

type Point = [number, number];

function points(): Point[] {
  const rng = Rng.fromSeed(7);
  return Array.from({ length: COUNT }, () => [Math.round(rng.next() * 1000) / 1000, Math.round(rng.next() * 1000) / 1000]);
}

const distance = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Length of the closed tour visiting `order`, which must be a permutation of the points. */
export function tourLength(all: readonly Point[], order: unknown): number {
  const visits = numbers(order, 'the tour');
  if (
    visits.length !== all.length ||
    new Set(visits).size !== all.length ||
    visits.some((index) => !Number.isInteger(index) || index < 0 || index >= all.length)
  ) {
    throw new Error(`the tour must visit each of the ${all.length} points exactly once`);
  }
  return visits.reduce((sum, index, position) => sum + distance(all[index]!, all[visits[(position + 1) % visits.length]!]!), 0);
}

/** Nearest neighbour then 2-opt until no move helps: the reference tour. */
function twoOpt(all: readonly Point[]): number[] {
  const order = [0];
  const left = new Set(all.keys());
  left.delete(0);
  while (left.size > 0) {
    const last = all[order[order.length - 1]!]!;
    const next = [...left].reduce((best, index) => (distance(last, all[index]!) < distance(last, all[best]!) ? index : best));
    order.push(next);
    left.delete(next);
  }
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = 1; i < order.length - 1; i++) {
      for (let j = i + 1; j < order.length; j++) {
        const a = all[order[i - 1]!]!,
          b = all[order[i]!]!,
          c = all[order[j]!]!,
          d = all[order[(j + 1) % order.length]!]!;
        if (distance(a, c) + distance(b, d) < distance(a, b) + distance(c, d) - 1e-12) {
          order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return order;
}

/** Utility: minus the tour length. The reference is nearest neighbour improved by 2-opt. */
export function tspTask(): StopTask {
  const all = points();
  let reference: number | undefined;
  return {
    name: 'tsp',
    description:
      `a shortest closed tour through ${COUNT} points in the unit square; export function tour(points) gets [[x, y], ...] ` +
      'and returns the order of visits (a permutation of the indices). The utility is minus the tour length.',
    initial: INITIAL,
    harness: HARNESS,
    input: all,
    floor: -COUNT * Math.SQRT2,
    score: (output) => -tourLength(all, output),
    reference: () => (reference ??= -tourLength(all, twoOpt(all))),
  };
}
