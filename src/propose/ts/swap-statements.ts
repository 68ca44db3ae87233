import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { firstCharFrom, glues, lastCharBefore } from '../common.ts';
import { excerpt, regionHolding } from '../source.ts';
import type { SyntaxAnalysis } from '../syntax/analysis.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, finishSyntaxEdit, noSyntaxSite, type Route, SYNTAX_EDITS } from './common.ts';
import { isScript, nextStatement } from './nodes.ts';
import { type StatementInfo, statementInfos, usedWithin } from './statements.ts';

/**
 * Swaps two adjacent statements of the same block, keeping the text between them (blank lines,
 * comments) in place, in any language a grammar covers, like the Babel swap-statements. Skips
 * pairs that could only fail or change nothing: a fixed statement, a case or labelled statement,
 * identical statements, a second statement that exits (and would turn the first into dead code),
 * and a statement that binds names the second one uses (a declaration, or a Python assignment
 * that first binds a name), which would move the use before the binding.
 *
 * @example
 * const result = await treeSitterSwapStatements().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(5) });
 * // { genome, description: 'swap-statements at model.py:6: count = 0 <-> best = -1.5' }
 */
export function treeSitterSwapStatements(): Operator {
  return {
    name: 'swap-statements',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'swap-statements needs a parent' };
      return (await swapStatementsRoute(parent, context.rng, EVERY_FILE)).propose();
    },
  };
}

/** The tree-sitter swap-statements on the files `accept` lets through, as a route the public operator can draw. */
export async function swapStatementsRoute(parent: ParentView, rng: Rng, accept: FileFilter): Promise<Route> {
  const { files, errors } = await analyzeFiles(parent.genome, accept);
  const choices = files.flatMap(({ file, analysis }) =>
    statementInfos(analysis)
      .filter((info) => swappable(analysis, info, info.members[info.position + 1]))
      .map((info) => ({ file, analysis, info })),
  );
  return {
    files: files.length + errors.length,
    sites: choices.length,
    propose: async (): Promise<ProposalResult> => {
      if (choices.length === 0) return noSyntaxSite('no two adjacent statements inside an EVOLVE block can be swapped', errors);
      const { file, analysis, info } = rng.pick(choices);
      const first = info.site;
      const second = (info.members[info.position + 1] as StatementInfo).site;
      const text = analysis.text;
      const firstCode = text.slice(first.start, first.end);
      const secondCode = text.slice(second.start, second.end);
      const edit = { start: first.start, end: second.end, text: secondCode + text.slice(first.end, second.start) + firstCode };
      const summary = `${excerpt(firstCode, 40)} <-> ${excerpt(secondCode, 40)}`;
      return finishSyntaxEdit('swap-statements', parent.genome, file, analysis, edit, summary);
    },
  };
}

function swappable(analysis: SyntaxAnalysis, first: StatementInfo, second: StatementInfo | undefined): boolean {
  if (second === undefined || nextStatement(first.node)?.id !== second.node.id) return false;
  if (first.fixed || second.fixed || second.terminator || first.labelled || second.labelled) return false;
  if (regionHolding(analysis.regions, first.site.start, second.site.end) === undefined) return false;
  const text = analysis.text;
  const firstCode = text.slice(first.site.start, first.site.end);
  const secondCode = text.slice(second.site.start, second.site.end);
  if (firstCode === secondCode) return false;
  if (usedWithin(analysis, first.names, second.site.start, second.site.end)) return false;
  if (!isScript(analysis)) return true;
  // In code without semicolons the new neighbours must not glue into one statement.
  return !(
    glues(lastCharBefore(text, first.site.start), secondCode[0] ?? '') ||
    glues(secondCode[secondCode.length - 1] ?? '', firstCode[0] ?? '') ||
    glues(firstCode[firstCode.length - 1] ?? '', firstCharFrom(text, second.site.end))
  );
}
