import type { Operator } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { BABEL_EDITS, excerpt, firstParent, location, noSite, pickAcross } from './common.ts';
import { analyzeGenome, type NumberSite } from './sites.ts';
import { applyEdit } from './source.ts';

export interface PerturbNumberOptions {
  /** Smallest relative step scale; steps are drawn log-uniformly between the two. */
  minSigma?: number;
  /** Largest relative step scale. */
  maxSigma?: number;
}

const DEFAULTS = { minSigma: 1e-3, maxSigma: 0.5 } satisfies Required<PerturbNumberOptions>;

// A nonzero float is scaled by itself alone, so tiny constants such as 1e-9 keep their order of
// magnitude; zero needs some floor to move at all.
const FLOAT_FLOOR = 0.1;
const INTEGER_FLOOR = 1;
const INTEGER = /^(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)$/;

/**
 * Perturbs one numeric literal inside an EVOLVE block: new = v + sigma * max(|v|, floor) * N(0, 1),
 * with sigma log-uniform in [minSigma, maxSigma] so that fine and coarse steps both happen.
 * Literals written as integers stay integers; a unary minus counts as part of the literal.
 * Property keys (`{ 1: x }`) and the object of a member access (`1.5.toFixed()`) are left alone;
 * array indices are perturbed like any other integer.
 * The edit swaps one number token for another, so the child cannot fail to parse and is not
 * re-parsed.
 *
 * @example
 * const operator = perturbNumber({ maxSigma: 0.2 });
 * const result = await operator.propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(1) });
 * // { genome, description: 'perturb-number 0.5 -> 0.4731 at pack.js:11' }
 */
export function perturbNumber(options: PerturbNumberOptions = {}): Operator {
  const { minSigma, maxSigma } = { ...DEFAULTS, ...options };
  return {
    name: 'perturb-number',
    arity: 1,
    ...BABEL_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'perturb-number');
      if ('failure' in parent) return parent;
      const { files, errors } = analyzeGenome(parent.genome);
      const picked = pickAcross(context.rng, files, (analysis) => analysis.numbers);
      if (picked === undefined) return noSite('no numeric literal inside an EVOLVE block', errors);
      const { file, analysis, item: site } = picked;
      const replacement = perturbLiteral(site, context.rng, minSigma, maxSigma);
      const before = analysis.text.slice(site.start, site.end);
      if (replacement === undefined) return { failure: `cannot perturb ${excerpt(before)} at ${location(file, analysis, site.start)}` };
      const text = applyEdit(analysis.text, { start: site.start, end: site.end, text: replacement });
      return {
        genome: { ...parent.genome, [file]: text },
        description: `perturb-number ${excerpt(before)} -> ${replacement} at ${location(file, analysis, site.start)}`,
      };
    },
  };
}

/** The source text of a perturbed literal, or undefined when the value is not finite. */
export function perturbLiteral(site: NumberSite, rng: Rng, minSigma: number, maxSigma: number): string | undefined {
  const digits = site.raw.replace(/_/g, '');
  const magnitude = Number(digits);
  if (!Number.isFinite(magnitude)) return undefined;
  const value = site.negated ? -magnitude : magnitude;
  const integer = INTEGER.test(digits);
  const sigma = minSigma * (maxSigma / minSigma) ** rng.next();
  const scale = integer ? Math.max(Math.abs(value), INTEGER_FLOOR) : value !== 0 ? Math.abs(value) : FLOAT_FLOOR;
  const step = sigma * scale * rng.gaussian();
  let next: number;
  if (integer) {
    next = Math.round(value + step);
    if (next === value) next = value + (step < 0 ? -1 : 1);
  } else {
    next = compact(value + step);
    // A step below ten significant digits would round back to the same text.
    if (next === value) next = compact(value + (step < 0 ? -1 : 1) * minSigma * scale);
    if (next === value) return undefined;
  }
  if (!Number.isFinite(next)) return undefined;
  return formatNumber(next, integer ? digits : undefined, site.negated);
}

function compact(value: number): number {
  return Number(value.toPrecision(10));
}

/**
 * Writes `value` as source: integers keep the radix of `integerDigits`, floats always show a
 * point or an exponent so they stay floats on the next perturbation. A negative value that is
 * not replacing a unary minus is parenthesised, since `a-5` must not become `a--3`.
 */
export function formatNumber(value: number, integerDigits: string | undefined, negated: boolean): string {
  const magnitude = Math.abs(value);
  let body: string;
  if (integerDigits !== undefined) {
    const prefix = /^0[xXoObB]/.exec(integerDigits)?.[0];
    const radix = prefix === undefined ? 10 : { x: 16, o: 8, b: 2 }[prefix[1]?.toLowerCase() as 'x' | 'o' | 'b'];
    body = radix === 10 ? BigInt(magnitude).toString() : (prefix as string) + magnitude.toString(radix);
    if (radix === 16 && /[A-F]/.test(integerDigits.slice(2))) body = (prefix as string) + magnitude.toString(16).toUpperCase();
  } else {
    body = String(magnitude);
    if (!/[.e]/.test(body)) body += '.0';
  }
  if (value >= 0) return body;
  return negated ? `-${body}` : `(-${body})`;
}
