import type { Node } from 'web-tree-sitter';
import type { Operator } from '../../core/operator.ts';
import type { ExpressionSite, SyntaxAnalysis } from '../syntax/analysis.ts';
import { analyzeSyntax } from '../syntax/analysis.ts';
import { variablesAt } from '../syntax/visible.ts';
import { analyzeParent, editSites, change, isCompound, replacementFor, SYNTAX_EDITS } from './common.ts';

/**
 * Subtree crossover that respects scope: an expression inside an EVOLVE block of the first parent
 * is replaced by an expression of the same kind from the same file of the second parent, chosen
 * among those whose local variables are all in scope at the receiving point. Names that are not
 * local to the donor (globals, `Math`, `math`) travel freely.
 *
 * @example
 * const result = await subtreeCrossover().propose({ parents: [first, second], inspirations: [], rng: Rng.fromSeed(6) });
 * // { genome, description: 'subtree-crossover at model.py:5: a * x -> (a * x * x) from test-1' }
 */
export function subtreeCrossover(): Operator {
  return {
    name: 'subtree-crossover',
    arity: 2,
    ...SYNTAX_EDITS,
    async propose(context) {
      const [first, second] = context.parents;
      if (first === undefined || second === undefined) return { failure: 'subtree-crossover needs two parents' };
      if (first.entry.id === second.entry.id)
        return { failure: `subtree-crossover needs two different parents, got ${first.entry.id} twice` };
      const parsed = await analyzeParent(context, 'subtree-crossover');
      if ('failure' in parsed) return parsed;
      const donors = new Map<string, SyntaxAnalysis>();
      for (const { file, analysis } of parsed.files) {
        const text = second.genome[file];
        if (text === undefined || text === analysis.text) continue;
        const donor = await analyzeSyntax(file, text);
        if (donor !== undefined && !('error' in donor)) donors.set(file, donor);
      }
      if (donors.size === 0) return { failure: 'subtree-crossover: the parents do not differ in any file it can parse' };
      const files = parsed.files.filter(({ file }) => donors.has(file));
      return editSites(
        'subtree-crossover',
        first.genome,
        context.rng,
        files,
        (analysis) => analysis.expressions,
        'subtree-crossover: no expression of the second parent fits the scope of the first',
        ({ file, analysis, site }) => {
          const donor = donors.get(file) as SyntaxAnalysis;
          const inScope = new Set(variablesAt(analysis, site.node).map((variable) => variable.name));
          const before = analysis.text.slice(site.start, site.end);
          const fits = donor.expressions.filter(
            (candidate) =>
              candidate.kind === site.kind &&
              donor.text.slice(candidate.start, candidate.end) !== before &&
              usesOnly(donor, candidate, inScope),
          );
          if (fits.length === 0) return undefined;
          const chosen = context.rng.pick(fits);
          const donated = donor.text.slice(chosen.start, chosen.end);
          const text = replacementFor(site, isCompound(chosen.node) ? `(${donated})` : donated);
          const summary = `${change(before, text)} from ${second.entry.id}`;
          return { edit: { start: site.start, end: site.end, text }, summary };
        },
      );
    },
  };
}

/** Whether every variable local to the donor that `site` reads is in `scope`. */
function usesOnly(donor: SyntaxAnalysis, site: ExpressionSite, scope: ReadonlySet<string>): boolean {
  const locals = new Set(variablesAt(donor, site.node).map((variable) => variable.name));
  const stack: Node[] = [site.node];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'identifier' && locals.has(node.text) && !scope.has(node.text)) return false;
    for (let index = 0; index < node.namedChildCount; index++) {
      const child = node.namedChild(index);
      if (child !== null) stack.push(child);
    }
  }
  return true;
}
