// Loads the user's evaluator module inside a worker and checks its exports.
import { pathToFileURL } from 'node:url';
import type { EvaluateFunction, Stage } from '../core/evaluator.ts';
import { describeValue } from './result.ts';

/** The stage that runs the evaluator's default export, after every cheap stage passed. */
export const FINAL_STAGE = 'final';

const USAGE = 'export default async function (genome, context) { ... }';
const PACKAGE_HINT = ' (put a package.json containing {"type": "module"} in its folder or a parent folder)';

/** Thrown with a message that names the evaluator file and what is wrong with it. */
export class EvaluatorLoadError extends Error {}

/** Imports the evaluator and returns its stages in order, the default export last as `final`. */
export async function loadEvaluator(file: string): Promise<Stage[]> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(file).href);
  } catch (error) {
    const message = error instanceof Error ? error.message : describeValue(error);
    // tsx's ESM hook trips over ES module syntax in a folder with no package.json "type": "module".
    const hint = (error as { code?: unknown }).code === 'ERR_REQUIRE_CYCLE_MODULE' ? PACKAGE_HINT : '';
    throw new EvaluatorLoadError(`evaluator ${file} failed to load: ${message}${hint}`);
  }
  return readEvaluatorExports(exports, file);
}

/** Checks a loaded evaluator module: a default (or `evaluate`) function and optional `stages`. */
export function readEvaluatorExports(exports: Record<string, unknown>, file: string): Stage[] {
  const main = exports.default ?? exports.evaluate;
  if (main === undefined) throw new EvaluatorLoadError(`${file} exports nothing to evaluate: ${USAGE}`);
  if (typeof main !== 'function') {
    const name = exports.default === undefined ? 'evaluate' : 'default';
    throw new EvaluatorLoadError(`${file}: the ${name} export is ${describeValue(main)}, not a function: ${USAGE}`);
  }
  const stages = exports.stages === undefined ? [] : readStages(exports.stages, file);
  return [...stages, { name: FINAL_STAGE, evaluate: main as EvaluateFunction, threshold: -Infinity }];
}

function readStages(stages: unknown, file: string): Stage[] {
  const shape = '{ name: string, evaluate: function, threshold: number }';
  if (!Array.isArray(stages)) {
    throw new EvaluatorLoadError(`${file}: stages is ${describeValue(stages)}, expected an array of ${shape}`);
  }
  const names = new Set<string>([FINAL_STAGE]);
  return stages.map((stage: unknown, index): Stage => {
    const at = `${file}: stages[${index}]`;
    if (typeof stage !== 'object' || stage === null || Array.isArray(stage)) {
      throw new EvaluatorLoadError(`${at} is ${describeValue(stage)}, expected ${shape}`);
    }
    const { name, evaluate, threshold } = stage as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') {
      throw new EvaluatorLoadError(`${at}.name is ${describeValue(name)}, expected a non-empty string`);
    }
    if (names.has(name)) {
      const reason = name === FINAL_STAGE ? 'is reserved for the default export' : 'is used by an earlier stage';
      throw new EvaluatorLoadError(`${at}.name "${name}" ${reason}`);
    }
    names.add(name);
    if (typeof evaluate !== 'function') {
      throw new EvaluatorLoadError(`${at}.evaluate is ${describeValue(evaluate)}, expected a function`);
    }
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new EvaluatorLoadError(`${at}.threshold is ${describeValue(threshold)}, expected a finite number`);
    }
    return { name, evaluate: evaluate as EvaluateFunction, threshold };
  });
}
