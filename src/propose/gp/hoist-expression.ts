import type { Node } from 'web-tree-sitter';
import type { Operator } from '../../core/operator.ts';
import type { ExpressionSite } from '../syntax/analysis.ts';
import { numberLeaf } from '../syntax/generate.ts';
import { analyzeParent, editSites, change, ingredientsAt, isCompound, replacementFor, SYNTAX_EDITS } from './common.ts';
import { parentOf } from '../syntax/nodes.ts';

const SHRINK_SHARE = 0.25;

/**
 * Makes the genome smaller, GP's answer to bloat: an expression inside an EVOLVE block is
 * replaced by one of its own subexpressions of the same kind (hoist: `(a * x) + b` -> `a * x`),
 * or, one time in four, a number expression by a single variable in scope or a constant
 * (shrink). The child always has fewer syntax nodes than the parent.
 *
 * @example
 * const result = await hoistExpression().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(5) });
 * // { genome, description: 'hoist-expression at model.rs:4: a * x + b -> a * x' }
 */
export function hoistExpression(): Operator {
  return {
    name: 'hoist-expression',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parsed = await analyzeParent(context, 'hoist-expression');
      if ('failure' in parsed) return parsed;
      const { rng } = context;
      const compound = (analysis: { expressions: readonly ExpressionSite[] }): ExpressionSite[] =>
        analysis.expressions.filter((site) => site.node.namedChildCount > 0);
      return editSites(
        'hoist-expression',
        parsed.parent.genome,
        rng,
        parsed.files,
        compound,
        'hoist-expression: no compound expression inside an EVOLVE block',
        ({ analysis, site }) => {
          const before = analysis.text.slice(site.start, site.end);
          let replacement: string | undefined;
          if (site.kind === 'number' && rng.next() < SHRINK_SHARE) {
            replacement = numberLeaf(ingredientsAt(analysis, site.node, rng));
          } else {
            const inner = analysis.expressions.filter(
              (other) => other.kind === site.kind && other.start >= site.start && other.end <= site.end && isBelow(other.node, site.node),
            );
            if (inner.length === 0) return undefined;
            const chosen = rng.pick(inner);
            const text = analysis.text.slice(chosen.start, chosen.end);
            replacement = isCompound(chosen.node) ? `(${text})` : text;
          }
          const text = replacementFor(site, replacement);
          if (text.length >= before.length) return undefined;
          return { edit: { start: site.start, end: site.end, text }, summary: change(before, text) };
        },
      );
    },
  };
}

function isBelow(node: Node, ancestor: Node): boolean {
  for (let current = parentOf(node); current !== null; current = parentOf(current)) {
    if (current.id === ancestor.id) return true;
  }
  return false;
}
