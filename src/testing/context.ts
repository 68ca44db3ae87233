import { SandboxError } from '../core/sandbox.ts';
import type { EvaluateContext, TaskModels } from '../core/evaluator.ts';
import type { Genome } from '../core/types.ts';
import { CandidateSandbox, IMPORT_REFUSED } from '../evaluate/candidate-sandbox.ts';
import { NO_TASK_MODELS } from '../evaluate/task-models-client.ts';

export interface TestContextOptions {
  experimentDir?: string;
  options?: Record<string, unknown>;
  /** The isolate's heap limit (default 128). */
  memoryMb?: number;
  /** One isolate call's limit, and the process tier's default timeout (default 2,000). */
  timeoutMs?: number;
  stage?: string;
  /** `context.models`; by default a run with no model, whose calls are refused. */
  models?: TaskModels;
  parent?: EvaluateContext['parent'];
  purpose?: EvaluateContext['purpose'];
}

/**
 * An `EvaluateContext` for testing an evaluator outside a run, with the real sandbox behind
 * `isolate` and `run` (as the engine's workers have it, without `--unsafe`). Dispose it after use.
 *
 * @example
 * const context = testContext(genome, { experimentDir: import.meta.dirname });
 * try { expect((await evaluate(genome, context)).score).toBeGreaterThan(2); } finally { context.dispose(); }
 */
export function testContext(genome: Genome, options: TestContextOptions = {}): EvaluateContext & { dispose(): void } {
  const sandbox = new CandidateSandbox({ memoryMb: options.memoryMb ?? 128, timeoutMs: options.timeoutMs ?? 2_000, unsafe: false });
  return {
    candidateId: 'test-1',
    options: options.options ?? {},
    experimentDir: options.experimentDir ?? process.cwd(),
    stage: options.stage ?? 'final',
    purpose: options.purpose ?? 'search',
    models: options.models ?? NO_TASK_MODELS,
    ...(options.parent ? { parent: options.parent } : {}),
    importGenome: async () => {
      throw new SandboxError('refused', IMPORT_REFUSED);
    },
    isolate: sandbox.isolateFor(genome),
    run: sandbox.runFor(genome),
    dispose: () => sandbox.dispose(),
  };
}
