// The tree-sitter versions of the six embedded operators, which also read JavaScript and TypeScript:
// the conformance suite on every language, JavaScript children checked by Babel as well.
import { runOperatorConformance } from '../operator.conformance.ts';
import { treeSitterCrossover } from './crossover.ts';
import { treeSitterDeleteStatement } from './delete-statement.ts';
import { treeSitterDuplicateStatement } from './duplicate-statement.ts';
import { treeSitterPerturbNumber } from './perturb-number.ts';
import { treeSitterSwapOperator } from './swap-operator.ts';
import { treeSitterSwapStatements } from './swap-statements.ts';

runOperatorConformance(() => treeSitterPerturbNumber());
runOperatorConformance(() => treeSitterSwapOperator());
runOperatorConformance(() => treeSitterDuplicateStatement());
runOperatorConformance(() => treeSitterDeleteStatement());
runOperatorConformance(() => treeSitterSwapStatements());
runOperatorConformance(() => treeSitterCrossover());
