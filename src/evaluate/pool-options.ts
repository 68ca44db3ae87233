// Checks made before any worker starts, so that bad input fails fast with a clear message.
import { stat } from 'node:fs/promises';
import { OuroError } from '../core/errors.ts';
import type { PoolOptions as RunPoolOptions } from '../core/evaluators.ts';

/** A run's pool options, plus settings of the local pool that runs leave at their defaults. */
export interface PoolOptions extends RunPoolOptions {
  /**
   * How long a worker process may take to start and load the evaluator. Default: 30 s, or
   * `timeoutMs` when that is longer. A worker takes about half a second on an idle machine and
   * one to two seconds on a busy one (the Node runtime, tsx's hooks with cached transpiles, the
   * evaluator's own imports). At the start of a run a load that fails is fatal; later, a
   * replacement that fails is retried (see load-failures.ts).
   */
  loadTimeoutMs?: number;
}

/** Throws an `option-invalid` OuroError naming the first bad field. */
export function checkPoolOptions(options: PoolOptions): void {
  const positiveIntegers = ['concurrency', 'memoryMb', 'maxEvaluationsPerWorker'] as const;
  for (const field of positiveIntegers) {
    const value = options[field];
    if (value === undefined && field === 'maxEvaluationsPerWorker') continue;
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new OuroError('option-invalid', `${field} must be a positive integer, got ${String(value)}`, { field });
    }
  }
  if (!(options.timeoutMs > 0) || !Number.isFinite(options.timeoutMs)) {
    throw new OuroError('option-invalid', `timeoutMs must be a positive number, got ${String(options.timeoutMs)}`, {
      field: 'timeoutMs',
    });
  }
  const { loadTimeoutMs } = options;
  if (loadTimeoutMs !== undefined && (!(loadTimeoutMs > 0) || !Number.isFinite(loadTimeoutMs))) {
    throw new OuroError('option-invalid', `loadTimeoutMs must be a positive number, got ${String(loadTimeoutMs)}`, {
      field: 'loadTimeoutMs',
    });
  }
}

/** Throws `evaluator-missing` when the file does not exist, naming it. */
export async function checkEvaluatorFile(file: string): Promise<void> {
  try {
    if ((await stat(file)).isFile()) return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new OuroError('evaluator-missing', `evaluator ${file} does not exist`, { file });
    }
    throw new OuroError('evaluator-invalid', `evaluator ${file} cannot be read: ${String(error)}`, { file, cause: error });
  }
  throw new OuroError('evaluator-invalid', `evaluator ${file} is not a file`, { file });
}
