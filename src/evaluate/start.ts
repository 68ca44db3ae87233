// The local evaluators for an evaluator file: a pool of Node worker processes for TypeScript and
// JavaScript, sandboxed Python processes for `.py`.
import type { Evaluators } from '../core/evaluators.ts';
import { EvaluatorPool, type PoolOptions } from './pool.ts';

/** True for an evaluator that runs in Python rather than in a Node worker. */
export function isPythonEvaluator(file: string): boolean {
  return file.endsWith('.py');
}

/** Starts the evaluators for `options.evaluatorFile`; the Python side is loaded only when needed. */
export async function startLocalEvaluators(options: PoolOptions): Promise<Evaluators> {
  if (!isPythonEvaluator(options.evaluatorFile)) return EvaluatorPool.start(options);
  const { PythonEvaluators } = await import('./python/evaluators.ts');
  return PythonEvaluators.start(options);
}
