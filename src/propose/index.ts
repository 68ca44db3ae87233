import { OuroError } from '../core/errors.ts';
import type { Operator } from '../core/operator.ts';
import { crossover } from './crossover.ts';
import { deleteStatement } from './delete-statement.ts';
import { duplicateStatement } from './duplicate-statement.ts';
import { hoistExpression, insertStatement, replaceExpression, subtreeCrossover, wrapExpression } from './gp/index.ts';
import { perturbNumber } from './perturb-number.ts';
import { pruneTokens } from './prune-tokens.ts';
import { swapOperator } from './swap-operator.ts';
import { swapStatements } from './swap-statements.ts';
import { tuneConstants } from './tune/tune-constants.ts';

const FACTORIES = {
  'perturb-number': () => perturbNumber(),
  'swap-operator': () => swapOperator(),
  'duplicate-statement': () => duplicateStatement(),
  'delete-statement': () => deleteStatement(),
  'swap-statements': () => swapStatements(),
  crossover: () => crossover(),
  'replace-expression': () => replaceExpression(),
  'wrap-expression': () => wrapExpression(),
  'hoist-expression': () => hoistExpression(),
  'insert-statement': () => insertStatement(),
  'subtree-crossover': () => subtreeCrossover(),
  'tune-constants': () => tuneConstants(),
  'prune-tokens': () => pruneTokens(),
} satisfies Record<string, () => Operator>;

/** Names of the operators that need no LLM, as used in config files. */
export const EMBEDDED_OPERATORS: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/**
 * Builds embedded operators by name, all of them by default.
 * Throws `config-invalid` on field `operators` for a name it does not know.
 *
 * @example
 * const operators = createOperators(['perturb-number', 'crossover']);
 */
export function createOperators(names: readonly string[] = EMBEDDED_OPERATORS): Operator[] {
  return names.map((name) => {
    if (!Object.hasOwn(FACTORIES, name)) {
      throw new OuroError(
        'config-invalid',
        `operators: unknown operator "${name}"; the embedded operators are ${EMBEDDED_OPERATORS.join(', ')}`,
        { field: 'operators' },
      );
    }
    return FACTORIES[name as keyof typeof FACTORIES]();
  });
}

export { parseProblem } from './parse-check.ts';
export { OperatorBandit, improvementReward, type ArmStats, type OperatorBanditOptions } from './bandit.ts';
export { hoistExpression, insertStatement, replaceExpression, subtreeCrossover, wrapExpression };
export { crossover, deleteStatement, duplicateStatement, perturbNumber, swapOperator, swapStatements };
export type { PerturbNumberOptions } from './perturb-number.ts';
export { isTextFile, pruneTokens, TEXT_LANGUAGES, type PruneMove, type PruneTokensOptions } from './prune-tokens.ts';
export * from './ts/index.ts';
