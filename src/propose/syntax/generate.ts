import type { Rng } from '../../core/rng.ts';
import { BINARY_FUNCTIONS, UNARY_FUNCTIONS, type Dialect, type MathFunction } from './dialect.ts';
import type { Variable } from './visible.ts';

/** What random expressions are built from at one point of a file. */
export interface Ingredients {
  dialect: Dialect;
  /** The file's text: whether `math` is imported decides which calls are offered. */
  source: string;
  variables: readonly Variable[];
  rng: Rng;
}

/** The largest depth of a generated expression tree; a leaf has depth 0. */
export const MAX_DEPTH = 3;

const CONSTANTS = [0.5, 1, 2, 3, 0.1, 10];
const NAME_SHARE = 0.6;
const INPUT_WEIGHT = 3;

/**
 * A random number-valued expression of depth at most `depth`, from the grammar: the number
 * variables in scope, constants, the four arithmetic operators, the math functions the file can
 * call (`min max abs sqrt exp log pow`) and the conditional expression. Compound results are
 * parenthesised, so they can stand wherever an operand can.
 */
export function randomNumber(ingredients: Ingredients, depth: number): string {
  const { dialect, rng } = ingredients;
  if (depth <= 0 || rng.next() < 0.3) return numberLeaf(ingredients);
  const roll = rng.next();
  if (roll < 0.6) {
    const operator = rng.pick(dialect.arithmetic);
    return `(${randomNumber(ingredients, depth - 1)} ${operator} ${randomNumber(ingredients, depth - 1)})`;
  }
  if (roll < 0.8) {
    const call = callOf(ingredients, rng.pick(UNARY_FUNCTIONS), [randomNumber(ingredients, depth - 1)]);
    if (call !== undefined) return call;
  } else if (roll < 0.93) {
    const call = callOf(ingredients, rng.pick(BINARY_FUNCTIONS), [
      randomNumber(ingredients, depth - 1),
      randomNumber(ingredients, depth - 1),
    ]);
    if (call !== undefined) return call;
  } else if (dialect.conditionalText !== undefined) {
    return dialect.conditionalText(
      randomCondition(ingredients, depth - 1),
      randomNumber(ingredients, depth - 1),
      randomNumber(ingredients, depth - 1),
    );
  }
  return `(${randomNumber(ingredients, depth - 1)} ${rng.pick(dialect.arithmetic)} ${numberLeaf(ingredients)})`;
}

/** A random condition of depth at most `depth`: comparisons of numbers, joined or negated now and then. */
export function randomCondition(ingredients: Ingredients, depth: number): string {
  const { dialect, rng } = ingredients;
  const roll = rng.next();
  if (depth >= 2 && roll < 0.15) {
    const [and, or] = dialect.logical;
    return `(${randomCondition(ingredients, depth - 1)} ${rng.next() < 0.5 ? and : or} ${randomCondition(ingredients, depth - 1)})`;
  }
  if (depth >= 2 && roll < 0.2) return dialect.not(randomCondition(ingredients, depth - 1));
  const booleans = ingredients.variables.filter((variable) => variable.kind === 'boolean');
  if (booleans.length > 0 && roll < 0.3) return rng.pick(booleans).name;
  const inner = Math.max(0, depth - 1);
  return `(${randomNumber(ingredients, inner)} ${rng.pick(dialect.comparison)} ${randomNumber(ingredients, inner)})`;
}

/**
 * A number variable in scope, or a constant: small round ones mostly, a random one now and then.
 * Inputs (parameters, loop variables) are drawn `INPUT_WEIGHT` times as often as other locals,
 * which are often constants already.
 */
export function numberLeaf(ingredients: Ingredients): string {
  const { dialect, rng } = ingredients;
  const names = ingredients.variables.filter((variable) => variable.kind === 'number');
  if (names.length > 0 && rng.next() < NAME_SHARE) {
    return (names[rng.weighted(names.map((variable) => (variable.input ? INPUT_WEIGHT : 1)))] as Variable).name;
  }
  const value = rng.next() < 0.8 ? rng.pick(CONSTANTS) : Number((rng.gaussian() * 2).toPrecision(3));
  return dialect.float(value);
}

/** A call of `fn` if the file can make it. */
export function callOf(ingredients: Ingredients, fn: MathFunction, args: readonly string[]): string | undefined {
  return ingredients.dialect.call(fn, args, ingredients.source);
}
