import type { Operator } from '../../core/operator.ts';
import { MAX_DEPTH, randomCondition, randomNumber } from '../syntax/generate.ts';
import { analyzeParent, editSites, change, ingredientsAt, replacementFor, SYNTAX_EDITS } from './common.ts';

/**
 * Genetic programming's subtree mutation: replaces one expression inside an EVOLVE block with a
 * new random one of the same kind (a number stays a number, a condition a condition), built from
 * the variables in scope at that point, constants, arithmetic and comparison operators, the math
 * functions the file can call and the conditional expression, at most `MAX_DEPTH` deep.
 *
 * @example
 * const result = await replaceExpression().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(2) });
 * // { genome, description: 'replace-expression at model.py:5: a * x -> (x * x)' }
 */
export function replaceExpression(): Operator {
  return {
    name: 'replace-expression',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parsed = await analyzeParent(context, 'replace-expression');
      if ('failure' in parsed) return parsed;
      return editSites(
        'replace-expression',
        parsed.parent.genome,
        context.rng,
        parsed.files,
        (analysis) => analysis.expressions,
        'replace-expression: no number or condition inside an EVOLVE block',
        ({ analysis, site }) => {
          const ingredients = ingredientsAt(analysis, site.node, context.rng);
          const depth = 1 + context.rng.int(MAX_DEPTH);
          const fresh = site.kind === 'boolean' ? randomCondition(ingredients, depth) : randomNumber(ingredients, depth);
          const before = analysis.text.slice(site.start, site.end);
          const text = replacementFor(site, fresh);
          if (text === before) return undefined;
          return { edit: { start: site.start, end: site.end, text }, summary: change(before, text) };
        },
      );
    },
  };
}
