import type { Operator } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { BINARY_FUNCTIONS, UNARY_FUNCTIONS } from '../syntax/dialect.ts';
import { callOf, numberLeaf, randomCondition, randomNumber } from '../syntax/generate.ts';
import {
  analyzeParent,
  editSites,
  change,
  ingredientsAt,
  isCompound,
  MAX_EXPRESSION_NODES,
  replacementFor,
  SYNTAX_EDITS,
} from './common.ts';

/**
 * Grows an expression inside an EVOLVE block around what it already computes. A number `e`
 * becomes `w * e` with a weight w near 1 (a coefficient that constant tuning can then fit; about
 * half of such children beat their parent a little), `e + v * t` with a small weight v (about
 * ±0.1: a new term that changes the result only a little, so a term that helps shows at once as
 * a small gain, and tuning then fits v), `f(e)`, `e op t`, `t op e` or `min(e, t)`; a
 * condition becomes `c and d`, `c or d` or `not c`, where `t` and `d` are small random
 * expressions over the variables in scope. The old
 * expression survives whole inside the new one, so a wrap often keeps most of the parent's
 * fitness. Expressions beyond `MAX_EXPRESSION_NODES` nodes are not grown further.
 *
 * @example
 * const result = await wrapExpression().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(4) });
 * // { genome, description: 'wrap-expression at model.js:5: x -> (x * x)' }
 */
export function wrapExpression(): Operator {
  return {
    name: 'wrap-expression',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parsed = await analyzeParent(context, 'wrap-expression');
      if ('failure' in parsed) return parsed;
      const { rng } = context;
      return editSites(
        'wrap-expression',
        parsed.parent.genome,
        rng,
        parsed.files,
        (analysis) => analysis.expressions,
        'wrap-expression: no number or condition inside an EVOLVE block small enough to grow',
        ({ analysis, site }) => {
          if (site.node.descendantCount > MAX_EXPRESSION_NODES) return undefined;
          const ingredients = ingredientsAt(analysis, site.node, rng);
          const before = analysis.text.slice(site.start, site.end);
          const inner = isCompound(site.node) ? `(${before})` : before;
          const { dialect } = analysis;
          let wrapped: string | undefined;
          if (site.kind === 'boolean') {
            const [and, or] = dialect.logical;
            const roll = rng.next();
            wrapped = roll < 0.2 ? dialect.not(before) : `(${inner} ${roll < 0.6 ? and : or} ${randomCondition(ingredients, 1)})`;
          } else {
            const roll = rng.next();
            const other = rng.next() < 0.75 ? numberLeaf(ingredients) : randomNumber(ingredients, 1);
            if (roll < 0.15) wrapped = `(${dialect.float(weight(rng))} * ${inner})`;
            else if (roll < 0.35) wrapped = `(${inner} + ${dialect.float(smallWeight(rng))} * ${termOf(randomNumber(ingredients, 1))})`;
            else if (roll < 0.45) wrapped = callOf(ingredients, rng.pick(UNARY_FUNCTIONS), [before]);
            else if (roll < 0.55)
              wrapped = callOf(ingredients, rng.pick(BINARY_FUNCTIONS), rng.next() < 0.5 ? [before, other] : [other, before]);
            wrapped ??=
              rng.next() < 0.7
                ? `(${inner} ${rng.pick(dialect.arithmetic)} ${other})`
                : `(${other} ${rng.pick(dialect.arithmetic)} ${inner})`;
          }
          const text = replacementFor(site, wrapped);
          return { edit: { start: site.start, end: site.end, text }, summary: change(before, text) };
        },
      );
    },
  };
}

/** A weight near 1 (about 1 ± 0.1), written with four significant digits. */
function weight(rng: Rng): number {
  return Number((1 + 0.1 * rng.gaussian()).toPrecision(4));
}

/** A small weight for a new term, about ±0.1 (one in two draws negative), with four significant digits. */
function smallWeight(rng: Rng): number {
  return Number((0.1 * rng.gaussian()).toPrecision(4)) || 0.01;
}

/** A term as a factor: parenthesised unless it is a single name or number, or bracketed whole already. */
function termOf(term: string): string {
  return /^[\w.]+$/.test(term) || closesAtEnd(term) ? term : `(${term})`;
}

/** Whether the text opens with a bracket that closes at its very end, as in `(a + b)` but not `(a) * (b)`. */
function closesAtEnd(text: string): boolean {
  if (!text.startsWith('(')) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index === text.length - 1;
  }
  return false;
}
