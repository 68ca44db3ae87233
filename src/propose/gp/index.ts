export { hoistExpression } from './hoist-expression.ts';
export { insertStatement } from './insert-statement.ts';
export { replaceExpression } from './replace-expression.ts';
export { subtreeCrossover } from './subtree-crossover.ts';
export { wrapExpression } from './wrap-expression.ts';
