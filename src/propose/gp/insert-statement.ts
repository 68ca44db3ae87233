import type { Operator } from '../../core/operator.ts';
import type { StatementSite } from '../syntax/analysis.ts';
import { randomCondition, randomNumber } from '../syntax/generate.ts';
import { declaredNames } from '../syntax/scope.ts';
import { indentAt, startsLine } from '../source.ts';
import { analyzeParent, editSites, change, freshName, indentUnit, ingredientsAt, SYNTAX_EDITS } from './common.ts';

/**
 * Inserts code before or around a statement inside an EVOLVE block: a new local bound to a random
 * number expression (`const t1 = (x * x);`), an assignment of a random expression to a mutable
 * number variable in scope (`b = (b * x);`), or an `if` guard around a statement that declares
 * nothing (`if (x < 0.5) { y += 1; }`). Every expression is built from the variables in scope at
 * that point; a new local is in scope for the statements after it, where other operators can use it.
 *
 * @example
 * const result = await insertStatement().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(1) });
 * // { genome, description: 'insert-statement at model.py:4: t1 = (x * x)' }
 */
export function insertStatement(): Operator {
  return {
    name: 'insert-statement',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parsed = await analyzeParent(context, 'insert-statement');
      if ('failure' in parsed) return parsed;
      const { rng } = context;
      const open = (analysis: { statements: readonly StatementSite[] }): StatementSite[] =>
        analysis.statements.filter((site) => !site.fixed);
      return editSites(
        'insert-statement',
        parsed.parent.genome,
        rng,
        parsed.files,
        open,
        'insert-statement: no statement inside an EVOLVE block to insert at',
        ({ analysis, site }) => {
          const { dialect, text } = analysis;
          const ingredients = ingredientsAt(analysis, site.node, rng);
          const indent = indentAt(text, site.start);
          const ownLine = startsLine(text, site.start);
          if (dialect.id === 'python' && !ownLine) return undefined;
          const separator = ownLine ? `\n${indent}` : ' ';
          const roll = rng.next();
          const statement = text.slice(site.start, site.end);
          if (roll < 0.3 && declaredNames(dialect, site.node).length === 0) {
            const guarded = dialect.guard(randomCondition(ingredients, 2), statement, indent, indentUnit(text));
            return { edit: { start: site.start, end: site.end, text: guarded }, summary: change(statement, guarded) };
          }
          const mutable = ingredients.variables.filter((variable) => variable.kind === 'number' && variable.mutable);
          const value = randomNumber(ingredients, 2);
          const line =
            roll < 0.6 && mutable.length > 0 ? dialect.assign(rng.pick(mutable).name, value) : dialect.declare(freshName(text), value);
          return { edit: { start: site.start, end: site.start, text: line + separator }, summary: line };
        },
      );
    },
  };
}
