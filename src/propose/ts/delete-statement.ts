import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { firstCharFrom, glues, lastCharBefore } from '../common.ts';
import { excerpt, regionHolding, startsLine, type Edit } from '../source.ts';
import type { SyntaxAnalysis } from '../syntax/analysis.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, finishSyntaxEdit, noSyntaxSite, type Route, SYNTAX_EDITS } from './common.ts';
import { isScript, statementCount } from './nodes.ts';
import { leavesUnused, type StatementInfo, statementInfos, usedOutside } from './statements.ts';

/**
 * Deletes one statement of a block, with its line when it stands alone on it, in any language a
 * grammar covers, like the Babel delete-statement. Never deletes fixed statements, empty ones, the
 * `return` that ends a function body, nor a statement that binds a name used elsewhere in its
 * function (a declaration; a label; in Python, an assignment that first binds a name). In Go it
 * also keeps a statement holding the last use of a variable or import, which Go would refuse as
 * unused. In Python the only statement of a block becomes `pass`, since a block cannot be empty.
 *
 * @example
 * const result = await treeSitterDeleteStatement().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(4) });
 * // { genome, description: 'delete-statement at model.py:14: count = count + 1' }
 */
export function treeSitterDeleteStatement(): Operator {
  return {
    name: 'delete-statement',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'delete-statement needs a parent' };
      return (await deleteStatementRoute(parent, context.rng, EVERY_FILE)).propose();
    },
  };
}

/** The tree-sitter delete-statement on the files `accept` lets through, as a route the public operator can draw. */
export async function deleteStatementRoute(parent: ParentView, rng: Rng, accept: FileFilter): Promise<Route> {
  const { files, errors } = await analyzeFiles(parent.genome, accept);
  const choices = files.flatMap(({ file, analysis }) =>
    statementInfos(analysis)
      .filter((info) => deletable(analysis, info))
      .map((info) => ({ file, analysis, info })),
  );
  return {
    files: files.length + errors.length,
    sites: choices.length,
    propose: async (): Promise<ProposalResult> => {
      if (choices.length === 0) return noSyntaxSite('no statement inside an EVOLVE block that can be deleted', errors);
      const { file, analysis, info } = rng.pick(choices);
      const code = analysis.text.slice(info.site.start, info.site.end);
      return finishSyntaxEdit('delete-statement', parent.genome, file, analysis, removal(analysis, info), excerpt(code), info.site.start);
    },
  };
}

function deletable(analysis: SyntaxAnalysis, info: StatementInfo): boolean {
  if (info.fixed || info.empty || info.finalReturn) return false;
  return !usedOutside(analysis, info, info.names) && !leavesUnused(analysis, info);
}

function removal(analysis: SyntaxAnalysis, info: StatementInfo): Edit {
  const text = analysis.text;
  const { start, end } = info.site;
  const block = info.node.parent;
  if (analysis.dialect.id === 'python' && block?.type === 'block' && statementCount(block) === 1) return { start, end, text: 'pass' };
  // Without semicolons, `f()` and a following `(g)()` would glue together once the statement
  // between them is gone; an empty statement keeps them apart.
  if (isScript(analysis) && glues(lastCharBefore(text, start), firstCharFrom(text, end))) return { start, end, text: ';' };
  const region = regionHolding(analysis.regions, start, end);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const alone = startsLine(text, start) && lineEnd !== -1 && text.slice(end, lineEnd).trim() === '';
  if (alone && region !== undefined && region.start <= lineStart && lineEnd < region.end)
    return { start: lineStart, end: lineEnd + 1, text: '' };
  // Python and Go separate statements on one line with a `;` outside them: it goes too.
  const after = /^[ \t]*;[ \t]*/.exec(text.slice(end));
  if (after !== null && !info.node.text.endsWith(';')) return { start, end: end + after[0].length, text: '' };
  const before = /;[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', start - 1) + 1, start));
  if (before !== null && analysis.dialect.id !== 'c' && analysis.dialect.id !== 'cpp' && !isScript(analysis)) {
    return { start: start - before[0].length, end, text: '' };
  }
  return { start, end, text: '' };
}
