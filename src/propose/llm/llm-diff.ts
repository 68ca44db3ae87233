import type { Operator } from '../../core/operator.ts';
import { editOperator, type LlmOperatorOptions } from './kit.ts';

/**
 * Asks the model for SEARCH/REPLACE edits to the EVOLVE blocks of its parent, with the parent's
 * feedback, artifacts, inspirations and the run's lessons in the prompt.
 *
 * @example
 * const operator = llmDiff({ templates: loadTemplates() });
 * await operator.propose({ ...context, model }); // { genome, description: 'llm-diff: 1 block (1 exact) by compat:qwen', rationale }
 */
export function llmDiff(options: LlmOperatorOptions): Operator {
  return editOperator({ name: 'llm-diff', arity: 1 }, options);
}
