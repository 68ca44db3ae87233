import type { Operator } from '../../core/operator.ts';
import { editOperator, type LlmOperatorOptions } from './kit.ts';

/**
 * Shows the model two parents (the engine takes them from different islands or niches where it
 * can) and asks for SEARCH/REPLACE edits to the first that bring in the strengths of the second.
 *
 * @example
 * const operator = llmCrossover({ templates: loadTemplates() });
 * await operator.propose({ parents: [first, second], inspirations: [], rng, model });
 */
export function llmCrossover(options: LlmOperatorOptions): Operator {
  return editOperator(
    {
      name: 'llm-crossover',
      arity: 2,
      precondition: (context) => (context.parents.length < 2 ? { failure: 'llm-crossover needs two parents' } : undefined),
    },
    options,
  );
}
