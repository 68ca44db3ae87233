// Numeric literals: how a value is perturbed and written back as source. Shared by the Babel and
// tree-sitter versions of perturb-number, so both step and format numbers the same way.
import type { Rng } from '../../core/rng.ts';

/** The part of a number site the perturbation reads: its digits as written and whether a minus precedes them. */
export interface LiteralDigits {
  raw: string;
  negated: boolean;
}

// A nonzero float is scaled by itself alone, so tiny constants such as 1e-9 keep their order of
// magnitude; zero needs some floor to move at all.
const FLOAT_FLOOR = 0.1;
const INTEGER_FLOOR = 1;
/** Digits (separators removed) that a language reads as an integer. */
export const INTEGER = /^(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)$/;

/** The source text of a perturbed literal, or undefined when the value is not finite. */
export function perturbLiteral(site: LiteralDigits, rng: Rng, minSigma: number, maxSigma: number): string | undefined {
  const digits = site.raw.replace(/_/g, '');
  const magnitude = Number(digits);
  if (!Number.isFinite(magnitude)) return undefined;
  const integer = INTEGER.test(digits);
  const next = perturbValue(site.negated ? -magnitude : magnitude, integer, rng, minSigma, maxSigma);
  return next === undefined ? undefined : formatNumber(next, integer ? digits : undefined, site.negated);
}

/**
 * A new value for a literal: v + sigma * max(|v|, floor) * N(0, 1), with sigma log-uniform in
 * [minSigma, maxSigma]. An integer stays an integer and always moves by at least one; a float is
 * rounded to ten significant digits. Undefined when no finite, different value comes out.
 */
export function perturbValue(value: number, integer: boolean, rng: Rng, minSigma: number, maxSigma: number): number | undefined {
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
  return Number.isFinite(next) ? next : undefined;
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
  const body = formatMagnitude(Math.abs(value), integerDigits);
  if (value >= 0) return body;
  return negated ? `-${body}` : `(-${body})`;
}

/** The digits of a non-negative value, in the radix of `integerDigits` or as a float when it is undefined. */
export function formatMagnitude(magnitude: number, integerDigits: string | undefined): string {
  if (integerDigits === undefined) {
    const body = String(magnitude);
    return /[.e]/.test(body) ? body : `${body}.0`;
  }
  const prefix = /^0[xXoObB]/.exec(integerDigits)?.[0];
  const radix = prefix === undefined ? 10 : { x: 16, o: 8, b: 2 }[prefix[1]?.toLowerCase() as 'x' | 'o' | 'b'];
  if (radix === 10) return BigInt(magnitude).toString();
  const digits = magnitude.toString(radix);
  return (prefix as string) + (radix === 16 && /[A-F]/.test(integerDigits.slice(2)) ? digits.toUpperCase() : digits);
}
