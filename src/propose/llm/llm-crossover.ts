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
      precondition: (context) => {
        const [first, second] = context.parents;
        if (first === undefined || second === undefined) return { failure: 'llm-crossover needs two parents' };
        // The same program twice gives the model nothing to recombine, and the child one parent.
        if (first.entry.id === second.entry.id)
          return { failure: `llm-crossover needs two different parents, got ${first.entry.id} twice` };
        return undefined;
      },
    },
    options,
  );
}
