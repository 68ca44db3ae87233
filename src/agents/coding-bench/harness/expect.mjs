// A small, honest subset of Jest's `expect`, for spec files in the common exercise layout. It runs
// inside the sandbox next to candidate code, so it holds its own copies of the built-ins it uses:
// this module is evaluated before the candidate's code, which may patch Object.keys and the like.
import { inspect, isDeepStrictEqual } from 'node:util';

const { is, keys: objectKeys, getPrototypeOf, freeze, create } = Object;
const { isArray } = Array;
const { apply } = Reflect;
const dateTime = Date.prototype.getTime;
const regExpSource = RegExp.prototype.toString;
const regExpTest = RegExp.prototype.test;
const stringIncludes = String.prototype.includes;
const arrayIncludes = Array.prototype.includes;
const mapEntries = Map.prototype.entries;
const mapGet = Map.prototype.get;
const mapHas = Map.prototype.has;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get;
const iteratorNext = getPrototypeOf(new Map().entries()).next;
const StringOf = String;
const mathAbs = Math.abs;
const mathPow = Math.pow;

/** A printable form of any value, never throwing. */
export function show(value) {
  try {
    const text = inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
    return text.length > 300 ? `${text.slice(0, 300)}...` : text;
  } catch {
    return '(unprintable value)';
  }
}

function definedKeys(object) {
  const result = [];
  const names = objectKeys(object);
  for (let index = 0; index < names.length; index++) {
    if (object[names[index]] !== undefined) result[result.length] = names[index];
  }
  return result;
}

/** Jest's `toEqual`: recursive, ignores undefined properties and does not compare classes. */
export function equals(a, b) {
  if (is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isArray(a) !== isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && is(apply(dateTime, a, []), apply(dateTime, b, []));
  }
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && apply(regExpSource, a, []) === apply(regExpSource, b, []);
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || apply(mapSize, a, []) !== apply(mapSize, b, [])) return false;
    const entries = apply(mapEntries, a, []);
    for (let step = apply(iteratorNext, entries, []); !step.done; step = apply(iteratorNext, entries, [])) {
      const [key, value] = step.value;
      if (!apply(mapHas, b, [key]) || !equals(value, apply(mapGet, b, [key]))) return false;
    }
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && apply(setSize, a, []) === apply(setSize, b, []) && isDeepStrictEqual(a, b);
  }
  if (isArray(a)) {
    if (a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!equals(a[index], b[index])) return false;
    return true;
  }
  const aKeys = definedKeys(a);
  const bKeys = definedKeys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let index = 0; index < aKeys.length; index++) {
    const key = aKeys[index];
    if (!apply(arrayIncludes, bKeys, [key]) || !equals(a[key], b[key])) return false;
  }
  return true;
}

function thrownBy(actual) {
  if (typeof actual !== 'function') return { threw: false, error: new TypeError('expect(value).toThrow() needs a function') };
  try {
    actual();
  } catch (error) {
    return { threw: true, error };
  }
  return { threw: false };
}

function messageOf(error) {
  try {
    return error !== null && typeof error === 'object' && typeof error.message === 'string' ? error.message : StringOf(error);
  } catch {
    return '';
  }
}

function throwMatches(error, expected) {
  if (expected === undefined) return true;
  const message = messageOf(error);
  if (typeof expected === 'string') return apply(stringIncludes, message, [expected]);
  if (expected instanceof RegExp) return apply(regExpTest, expected, [message]);
  if (typeof expected === 'function') return error instanceof expected;
  if (expected instanceof Error) return message === expected.message;
  return false;
}

/** Each matcher says whether it passes and how to describe it: "expected <actual> <words>". */
const MATCHERS = {
  toBe: (actual, expected) => [is(actual, expected), `to be ${show(expected)}`],
  toEqual: (actual, expected) => [equals(actual, expected), `to equal ${show(expected)}`],
  toStrictEqual: (actual, expected) => [isDeepStrictEqual(actual, expected), `to strictly equal ${show(expected)}`],
  toBeCloseTo: (actual, expected, digits = 2) => [
    typeof actual === 'number' && mathAbs(actual - expected) < mathPow(10, -digits) / 2,
    `to be close to ${show(expected)} (${digits} digits)`,
  ],
  toBeTruthy: (actual) => [!!actual, 'to be truthy'],
  toBeFalsy: (actual) => [!actual, 'to be falsy'],
  toBeNull: (actual) => [actual === null, 'to be null'],
  toBeUndefined: (actual) => [actual === undefined, 'to be undefined'],
  toBeDefined: (actual) => [actual !== undefined, 'to be defined'],
  toBeNaN: (actual) => [is(actual, NaN), 'to be NaN'],
  toBeGreaterThan: (actual, expected) => [actual > expected, `to be greater than ${show(expected)}`],
  toBeGreaterThanOrEqual: (actual, expected) => [actual >= expected, `to be at least ${show(expected)}`],
  toBeLessThan: (actual, expected) => [actual < expected, `to be less than ${show(expected)}`],
  toBeLessThanOrEqual: (actual, expected) => [actual <= expected, `to be at most ${show(expected)}`],
  toBeInstanceOf: (actual, expected) => [actual instanceof expected, `to be an instance of ${show(expected)}`],
  toHaveLength: (actual, expected) => [actual !== null && actual !== undefined && actual.length === expected, `to have length ${expected}`],
  toMatch: (actual, expected) => [
    typeof actual === 'string' &&
      (expected instanceof RegExp ? apply(regExpTest, expected, [actual]) : apply(stringIncludes, actual, [expected])),
    `to match ${show(expected)}`,
  ],
  toContain: (actual, expected) => [
    typeof actual === 'string' ? apply(stringIncludes, actual, [expected]) : isArray(actual) && apply(arrayIncludes, actual, [expected]),
    `to contain ${show(expected)}`,
  ],
  toContainEqual: (actual, expected) => {
    let found = false;
    if (isArray(actual)) for (let index = 0; index < actual.length && !found; index++) found = equals(actual[index], expected);
    return [found, `to contain an item equal to ${show(expected)}`];
  },
};

/** The AssertionError-like failure a matcher raises. */
class ExpectationError extends Error {}
freeze(ExpectationError.prototype);

function matchers(actual, negated) {
  const result = create(null);
  const names = objectKeys(MATCHERS);
  for (let index = 0; index < names.length; index++) {
    const name = names[index];
    const matcher = MATCHERS[name];
    result[name] = (...args) => {
      let pass;
      let words;
      const throwing = name === 'toThrow' || name === 'toThrowError';
      if (throwing) {
        const outcome = thrownBy(actual);
        pass = outcome.threw && throwMatches(outcome.error, args[0]);
        words =
          `to throw${args[0] === undefined ? '' : ` ${show(args[0])}`}` +
          `${outcome.threw ? ` (it threw ${show(messageOf(outcome.error))})` : ''}`;
      } else {
        [pass, words] = apply(matcher, undefined, [actual, ...args]);
      }
      if (pass === negated) {
        throw new ExpectationError(`expected ${throwing ? 'the function' : show(actual)} ${negated ? 'not ' : ''}${words}`);
      }
    };
  }
  return freeze(result);
}
MATCHERS.toThrow = () => [false, ''];
MATCHERS.toThrowError = MATCHERS.toThrow;
freeze(MATCHERS);

/**
 * `expect(actual).toBe(...)`, `.not.toBe(...)` and the other matchers above.
 *
 * @example
 * expect([1, 2]).toEqual([1, 2]);
 * expect(() => parse('')).toThrow(/empty/);
 */
export function expect(actual) {
  const positive = create(null);
  const base = matchers(actual, false);
  const names = objectKeys(base);
  for (let index = 0; index < names.length; index++) positive[names[index]] = base[names[index]];
  positive.not = matchers(actual, true);
  return freeze(positive);
}
freeze(expect);
