// Circle packing: ten circles in the unit square with the largest sum of radii, checked on the
// host with zero tolerance (no overlap, nothing outside the square).
import type { StopTask } from '../task.ts';
import { numbers } from '../task.ts';

const COUNT = 10;

const INITIAL = `// A 4 x 3 grid of equal circles; the first ${COUNT} cells are used.
export function pack(n) {
  const circles = [];
  for (let index = 0; index < n; index++) {
    circles.push([0.125 + 0.25 * (index % 4), 0.125 + 0.25 * Math.floor(index / 4), 0.125]);
  }
  return circles;
}
`;

const HARNESS = `import { pack } from './solution.js';
export function run(n) {
  return Array.from(pack(n), (circle) => Array.from(circle));
}
`;

/** Sum of radii of `output` as [x, y, r] circles, or throws naming the first fault. */
export function sumOfRadii(output: unknown, count = COUNT): number {
  if (!Array.isArray(output) || output.length !== count) throw new Error(`expected ${count} circles`);
  const circles = output.map((circle, index) => {
    const values = numbers(circle, `circle ${index}`);
    if (values.length !== 3) throw new Error(`circle ${index} is not [x, y, r]`);
    const [x, y, r] = values as [number, number, number];
    if (r < 0 || x - r < 0 || x + r > 1 || y - r < 0 || y + r > 1) throw new Error(`circle ${index} leaves the unit square`);
    return [x, y, r] as const;
  });
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const [xi, yi, ri] = circles[i]!;
      const [xj, yj, rj] = circles[j]!;
      if ((xi - xj) ** 2 + (yi - yj) ** 2 < (ri + rj) ** 2) throw new Error(`circles ${i} and ${j} overlap`);
    }
  }
  return circles.reduce((sum, [, , r]) => sum + r, 0);
}

/** Utility: the sum of radii of ten circles (the 4 x 3 grid start gives 1.25). */
export function circlePackingTask(): StopTask {
  return {
    name: 'circle-packing',
    description:
      `pack ${COUNT} disjoint circles in the unit square; export function pack(n) returns n circles as [x, y, r]. ` +
      'The utility is the sum of radii (0 for an invalid packing).',
    initial: INITIAL,
    harness: HARNESS,
    input: COUNT,
    floor: 0,
    score: (output) => sumOfRadii(output),
    // A good packing, not the best known: normalised utilities above it clip at 1.
    reference: () => 1.58,
  };
}
