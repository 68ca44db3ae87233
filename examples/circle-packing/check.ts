/**
 * Validity and score of a circle packing in the unit square, with zero tolerance.
 *
 * OpenEvolve's checker lets circles overlap or cross a wall by 1e-6. Summed over 26 circles
 * and their pairs, that slack lets the sum of radii grow by about 1e-5, which is more than the
 * gap between published records (2.6358627564 against 2.635983): with slack, a "record" can
 * be nothing but tolerance. So every inequality here is exact, as in AlphaEvolve's checker.
 */

export const CIRCLE_COUNT = 26;

/** AlphaEvolve (2025), n = 26. Later LLM-driven systems report 2.635983. */
export const BEST_KNOWN_SUM = 2.6358627564;

/** A circle as [x, y, r]. */
export type Circle = readonly [number, number, number];

export interface PackingReport {
  sumRadii: number;
  minRadius: number;
  maxRadius: number;
  /** Standard deviation of the radii. */
  spread: number;
}

// Candidate code runs in the same worker as this module and may replace globals such as
// Math.sqrt to hide an overlap. These references are taken when the evaluator loads, before
// any candidate is imported.
const squareRoot = Math.sqrt;
const isArray = Array.isArray;

const FIELDS = ['x', 'y', 'radius'] as const;
const MAX_MESSAGES = 5;

/**
 * Copies what a candidate returned into plain numbers, reading every value exactly once so
 * that getters or proxies cannot show one value to the check and another to the score.
 * Throws an Error naming the circle and field at fault.
 */
export function readCircles(output: unknown, expected: number = CIRCLE_COUNT): Circle[] {
  if (!isArray(output)) {
    throw new Error(`pack(${expected}) returned ${describe(output)}, expected an array of [x, y, r]`);
  }
  const count: unknown = output.length;
  if (count !== expected) throw new Error(`expected ${expected} circles, got ${String(count)}`);
  const circles: Circle[] = [];
  for (let index = 0; index < expected; index++) {
    const entry: unknown = output[index];
    if (!isArray(entry)) throw new Error(`circle ${index} is ${describe(entry)}, expected [x, y, r]`);
    const length: unknown = entry.length;
    if (length !== 3) throw new Error(`circle ${index} has ${String(length)} values, expected [x, y, r]`);
    const values: number[] = [];
    for (let field = 0; field < 3; field++) {
      const value: unknown = entry[field];
      const name = FIELDS[field] as string;
      if (typeof value !== 'number') {
        throw new Error(`circle ${index} ${name} is ${describe(value)}, expected a number`);
      }
      if (Number.isNaN(value)) throw new Error(`circle ${index} ${name} is NaN`);
      if (value === Infinity || value === -Infinity) throw new Error(`circle ${index} ${name} is ${value}`);
      values.push(value);
    }
    circles.push([values[0] as number, values[1] as number, values[2] as number]);
  }
  return circles;
}

/**
 * Checks that the circles lie in the unit square without overlapping, with no tolerance, and
 * returns the sum of radii computed here. Throws an Error listing the first violations.
 *
 * @example
 * checkPacking(readCircles(pack(26))).sumRadii;
 */
export function checkPacking(circles: readonly Circle[]): PackingReport {
  const problems: string[] = [];
  let problemCount = 0;
  const report = (message: string): void => {
    problemCount++;
    if (problems.length < MAX_MESSAGES) problems.push(message);
  };

  for (let index = 0; index < circles.length; index++) {
    const [x, y, r] = circles[index] as Circle;
    if (r < 0) report(`circle ${index} radius is negative: ${r}`);
    if (!(x - r >= 0)) report(`circle ${index} leaves the square at x: x - r = ${x - r}`);
    if (!(x + r <= 1)) report(`circle ${index} leaves the square at x: x + r = ${x + r}`);
    if (!(y - r >= 0)) report(`circle ${index} leaves the square at y: y - r = ${y - r}`);
    if (!(y + r <= 1)) report(`circle ${index} leaves the square at y: y + r = ${y + r}`);
  }
  for (let i = 0; i < circles.length; i++) {
    const [xi, yi, ri] = circles[i] as Circle;
    for (let j = i + 1; j < circles.length; j++) {
      const [xj, yj, rj] = circles[j] as Circle;
      const dx = xi - xj;
      const dy = yi - yj;
      const distance = squareRoot(dx * dx + dy * dy);
      if (!(distance >= ri + rj)) {
        report(`circles ${i} and ${j} overlap by ${formatSmall(ri + rj - distance)}`);
      }
    }
  }
  if (problemCount > 0) {
    const more = problemCount - problems.length;
    throw new Error(problems.join('; ') + (more > 0 ? `; and ${more} more` : ''));
  }

  let sumRadii = 0;
  let minRadius = Infinity;
  let maxRadius = -Infinity;
  for (const [, , r] of circles) {
    sumRadii += r;
    if (r < minRadius) minRadius = r;
    if (r > maxRadius) maxRadius = r;
  }
  const mean = circles.length > 0 ? sumRadii / circles.length : 0;
  let squares = 0;
  for (const [, , r] of circles) squares += (r - mean) * (r - mean);
  const spread = circles.length > 0 ? squareRoot(squares / circles.length) : 0;
  if (circles.length === 0) {
    minRadius = 0;
    maxRadius = 0;
  }
  return { sumRadii, minRadius, maxRadius, spread };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 20))})`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** Three significant digits, so that an overlap of 2.1e-9 reads as such. */
function formatSmall(value: number): string {
  return String(Number(value.toPrecision(3)));
}
