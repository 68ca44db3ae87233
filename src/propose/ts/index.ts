// The tree-sitter versions of the six original embedded operators. The public operators use them
// for every language but JavaScript and TypeScript; these read JavaScript and TypeScript too, so
// that the two parsers can be compared on the same files.
export { treeSitterCrossover } from './crossover.ts';
export { treeSitterDeleteStatement } from './delete-statement.ts';
export { treeSitterDuplicateStatement } from './duplicate-statement.ts';
export { type SyntaxPerturbOptions, treeSitterPerturbNumber } from './perturb-number.ts';
export { treeSitterSwapOperator } from './swap-operator.ts';
export { treeSitterSwapStatements } from './swap-statements.ts';
