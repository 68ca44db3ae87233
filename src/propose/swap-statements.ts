import type { Operator, ParentView } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { EMBEDDED_EDITS, outsideBabel, excerpt, finishEdit, firstCharFrom, firstParent, glues, lastCharBefore, noSite } from './common.ts';
import { analyzeGenome, type FileAnalysis, type StatementSite } from './sites.ts';
import { regionHolding } from './source.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { swapStatementsRoute } from './ts/swap-statements.ts';
import { statementChoices, usedWithin } from './statements.ts';

/**
 * Swaps two adjacent statements of the same block, keeping the text between them (blank lines,
 * comments) in place. Skips pairs that could only fail or change nothing: identical statements,
 * a second statement that exits (`return`, `throw`, `break`, `continue`) and would turn the
 * first into dead code, and a variable or class declaration followed by a use of its names, which
 * would move the use before the declaration.
 * Files in other languages go to the tree-sitter version (see treeSitterSwapStatements).
 *
 * @example
 * const result = await swapStatements().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(5) });
 * // { genome, description: 'swap-statements at pack.js:5: const centers = []; <-> const rows = [5, 6, 5, 6, 4];' }
 */
export function swapStatements(): Operator {
  return {
    name: 'swap-statements',
    arity: 1,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'swap-statements');
      if ('failure' in parent) return parent;
      const syntax = await swapStatementsRoute(parent, context.rng, outsideBabel);
      return proposeOnRoutes(context.rng, babelRoute(parent, context.rng), syntax);
    },
  };
}

function babelRoute(parent: ParentView, rng: Rng): Route {
  const { files, errors } = analyzeGenome(parent.genome);
  const choices = statementChoices(files, (site, { analysis, block, position }) => swappable(analysis, site, block[position + 1]));
  return {
    files: files.length + errors.length,
    sites: choices.length,
    async propose() {
      if (choices.length === 0) return noSite('no two adjacent statements inside an EVOLVE block can be swapped', errors);
      const { file, analysis, block, position } = rng.pick(choices);
      const first = block[position] as StatementSite;
      const second = block[position + 1] as StatementSite;
      const text = analysis.text;
      const firstCode = text.slice(first.start, first.end);
      const secondCode = text.slice(second.start, second.end);
      const edit = { start: first.start, end: second.end, text: secondCode + text.slice(first.end, second.start) + firstCode };
      return finishEdit('swap-statements', parent.genome, file, analysis, edit, `${excerpt(firstCode, 40)} <-> ${excerpt(secondCode, 40)}`);
    },
  };
}

function swappable(analysis: FileAnalysis, first: StatementSite, second: StatementSite | undefined): boolean {
  if (second === undefined || second.index !== first.index + 1 || second.terminator) return false;
  if (regionHolding(analysis.regions, first.start, second.end) === undefined) return false;
  const text = analysis.text;
  const firstCode = text.slice(first.start, first.end);
  const secondCode = text.slice(second.start, second.end);
  if (firstCode === secondCode) return false;
  const declares = first.declaration === 'binding' && first.type !== 'FunctionDeclaration';
  if (declares && usedWithin(analysis, first.names, second.start, second.end)) return false;
  // In code without semicolons the new neighbours must not glue into one statement.
  return !(
    glues(lastCharBefore(text, first.start), secondCode[0] ?? '') ||
    glues(secondCode[secondCode.length - 1] ?? '', firstCode[0] ?? '') ||
    glues(firstCode[firstCode.length - 1] ?? '', firstCharFrom(text, second.end))
  );
}
