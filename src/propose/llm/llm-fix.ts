import type { Operator } from '../../core/operator.ts';
import { editOperator, type LlmOperatorOptions } from './kit.ts';

const FAILED = new Set(['error', 'timeout', 'invalid']);

/**
 * Repairs a candidate whose evaluation failed (status error, timeout or invalid): shows the
 * error and asks for a fix as SEARCH/REPLACE edits. Its parents come from the run's failures;
 * handed a parent that did not fail, it gives a failure without calling the model.
 *
 * @example
 * const operator = llmFix({ templates: loadTemplates() });
 * await operator.propose({ parents: [failedView], inspirations: [], rng, model });
 */
export function llmFix(options: LlmOperatorOptions): Operator {
  return editOperator(
    {
      name: 'llm-fix',
      arity: 1,
      parentSource: 'failures',
      precondition: (context) => {
        const parent = context.parents[0];
        const status = parent?.evaluation?.status;
        if (status !== undefined && FAILED.has(status)) return undefined;
        return { failure: `llm-fix: parent ${parent?.entry.id ?? '?'} did not fail (status ${status ?? 'unknown'}); nothing to repair` };
      },
    },
    options,
  );
}
