// Validation of what an evaluator returns. Hand checks rather than a schema, so that each
// message names the exact field and value at fault: `score is NaN`, `metrics.sum is Infinity`.
import type { EvaluationResult } from '../core/evaluator.ts';

/** An evaluator's result with every optional field filled in. */
export type CheckedResult = Required<EvaluationResult>;

export type ResultCheck = { ok: true; result: CheckedResult } | { ok: false; error: string };

const EXAMPLE = 'expected an object such as { score: 0.5 }';

/**
 * Checks an evaluator's return value and fills in defaults.
 * @example checkResult({ score: NaN }) // { ok: false, error: 'score is NaN' }
 */
export function checkResult(value: unknown): ResultCheck {
  if (value === undefined) return fail('evaluator returned nothing (undefined)');
  if (!isRecord(value)) return fail(`evaluator returned ${describeValue(value)}, ${EXAMPLE}`);
  if (!('score' in value) || value.score === undefined) return fail(`score is missing, ${EXAMPLE}`);
  const score = value.score;
  if (typeof score !== 'number') return fail(`score is ${describeValue(score)}, expected a number`);
  if (!Number.isFinite(score)) return fail(`score is ${describeValue(score)}`);

  const metrics = numberRecord(value.metrics, 'metrics');
  if (typeof metrics === 'string') return fail(metrics);
  const privateMetrics = numberRecord(value.privateMetrics, 'privateMetrics');
  if (typeof privateMetrics === 'string') return fail(privateMetrics);
  // A name in both would leave a copy of the private value where prompts read it.
  const both = Object.keys(privateMetrics).find((key) => Object.hasOwn(metrics, key));
  if (both !== undefined) return fail(`metrics.${both} is also in privateMetrics; a metric is either public or private`);
  const features = numberRecord(value.features, 'features');
  if (typeof features === 'string') return fail(features);
  const instances = numberRecord(value.instances, 'instances');
  if (typeof instances === 'string') return fail(instances);

  const feedback = value.feedback ?? '';
  if (typeof feedback !== 'string') return fail(`feedback is ${describeValue(feedback)}, expected a string`);

  const artifacts = value.artifacts ?? {};
  if (!isRecord(artifacts)) return fail(`artifacts is ${describeValue(artifacts)}, expected an object`);
  const unserialisable = findUnserialisable(artifacts, 'artifacts', []);
  if (unserialisable !== undefined) return fail(unserialisable);

  return { ok: true, result: { score, metrics, privateMetrics, features, instances, feedback, artifacts } };
}

function fail(error: string): ResultCheck {
  return { ok: false, error };
}

/** Returns the record, or a message naming the offending entry. */
function numberRecord(value: unknown, name: string): Record<string, number> | string {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return `${name} is ${describeValue(value)}, expected an object of numbers`;
  for (const key in value) {
    const entry = value[key];
    if (typeof entry !== 'number') return `${name}.${key} is ${describeValue(entry)}, expected a number`;
    if (!Number.isFinite(entry)) return `${name}.${key} is ${describeValue(entry)}`;
  }
  return value as Record<string, number>;
}

// A walk rather than JSON.stringify: it names the path, and JSON would silently turn
// functions into nothing and NaN into null.
function findUnserialisable(value: unknown, path: string, ancestors: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${describeValue(value)}, which JSON cannot hold`;
    case 'function':
    case 'symbol':
    case 'bigint':
      return `${path} is ${describeValue(value)}, which is not JSON-serialisable`;
  }
  if (value === null) return undefined;
  const object = value as Record<string, unknown>;
  if (ancestors.includes(object)) return `${path} is circular, which is not JSON-serialisable`;
  if (typeof object.toJSON === 'function') return undefined;
  ancestors.push(object);
  const isArray = Array.isArray(object);
  for (const key of Object.keys(object)) {
    const found = findUnserialisable(object[key], isArray ? `${path}[${key}]` : `${path}.${key}`, ancestors);
    if (found !== undefined) return found;
  }
  ancestors.pop();
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Says what a value is, for messages: `a string ("0.5")`, `NaN`, `an array`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
    case 'number':
      return Number.isFinite(value) ? `a number (${value})` : String(value);
    case 'boolean':
      return `a boolean (${value})`;
    case 'bigint':
      return `a bigint (${value}n)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The message of something an evaluator threw, with the first stack frame to say where. */
export function describeThrown(thrown: unknown): string {
  if (!(thrown instanceof Error)) return `evaluator threw ${describeValue(thrown)}`;
  const frame = thrown.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  const message = thrown.message || thrown.name;
  return frame === undefined ? message : `${message}\n    ${frame.trim()}`;
}
