import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { firstCharFrom, glues, lastCharBefore } from '../common.ts';
import { excerpt, indentAt, regionHolding, reindent, startsLine, type Edit } from '../source.ts';
import type { SyntaxAnalysis } from '../syntax/analysis.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, finishSyntaxEdit, noSyntaxSite, type Route, SYNTAX_EDITS } from './common.ts';
import { isScript } from './nodes.ts';
import { type StatementInfo, statementInfos } from './statements.ts';

/**
 * Copies one statement of a block and inserts the copy after it or after a later statement of the
 * same block, in any language a grammar covers, like the Babel duplicate-statement: on its own line
 * with the indentation of the statement it follows (a Python statement is re-indented to it), or
 * on the same line when that statement shares its line (after `; ` in Python and Go). Never copies
 * fixed statements, `return`/`throw`/`break`/`continue`, empty statements, labelled statements
 * and cases, nor declarations, except in Python and Rust, where a second assignment or a
 * shadowing `let` is legal.
 *
 * @example
 * const result = await treeSitterDuplicateStatement().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(2) });
 * // { genome, description: 'duplicate-statement at model.py:14: count = count + 1' }
 */
export function treeSitterDuplicateStatement(): Operator {
  return {
    name: 'duplicate-statement',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'duplicate-statement needs a parent' };
      return (await duplicateStatementRoute(parent, context.rng, EVERY_FILE)).propose();
    },
  };
}

/** The tree-sitter duplicate-statement on the files `accept` lets through, as a route the public operator can draw. */
export async function duplicateStatementRoute(parent: ParentView, rng: Rng, accept: FileFilter): Promise<Route> {
  const { files, errors } = await analyzeFiles(parent.genome, accept);
  const choices = files.flatMap(({ file, analysis }) =>
    statementInfos(analysis)
      .filter((info) => copyable(analysis, info))
      .map((info) => ({ file, analysis, info })),
  );
  return {
    files: files.length + errors.length,
    sites: choices.length,
    propose: async (): Promise<ProposalResult> => {
      if (choices.length === 0) return noSyntaxSite('no statement inside an EVOLVE block that can be duplicated', errors);
      const { file, analysis, info } = rng.pick(choices);
      const anchor = info.members[info.position + rng.int(info.members.length - info.position)] as StatementInfo;
      const code = analysis.text.slice(info.site.start, info.site.end);
      return finishSyntaxEdit(
        'duplicate-statement',
        parent.genome,
        file,
        analysis,
        insertion(analysis, info, anchor),
        excerpt(code),
        info.site.start,
      );
    },
  };
}

function copyable(analysis: SyntaxAnalysis, info: StatementInfo): boolean {
  if (info.fixed || info.terminator || info.empty || info.labelled) return false;
  const redeclares = analysis.dialect.id === 'python' || analysis.dialect.id === 'rust';
  return redeclares || !analysis.dialect.declarations.has(info.node.type);
}

function insertion(analysis: SyntaxAnalysis, original: StatementInfo, anchor: StatementInfo): Edit {
  const text = analysis.text;
  const id = analysis.dialect.id;
  let code = text.slice(original.site.start, original.site.end);
  let edit: Edit = { start: anchor.site.end, end: anchor.site.end, text: '' };
  let separator = id === 'python' || id === 'go' ? '; ' : ' ';
  const region = regionHolding(analysis.regions, anchor.site.start, anchor.site.end);
  const lineEnd = text.indexOf('\n', anchor.site.end);
  if (region !== undefined && startsLine(text, anchor.site.start) && lineEnd !== -1 && lineEnd < region.end) {
    const rest = text.slice(anchor.site.end, lineEnd).trim();
    // A trailing line comment stays with the statement it annotates.
    if (rest === '' || rest.startsWith(id === 'python' ? '#' : '//')) {
      const crlf = text[lineEnd - 1] === '\r';
      const at = crlf ? lineEnd - 1 : lineEnd;
      const indent = indentAt(text, anchor.site.start);
      code = reindent(code, indentAt(text, original.site.start), indent);
      edit = { start: at, end: at, text: '' };
      separator = `${crlf ? '\r\n' : '\n'}${indent}`;
    }
  }
  if (isScript(analysis)) {
    // In code without semicolons, keep the copy from gluing onto its neighbours.
    const last = lastCharBefore(text, edit.start);
    if (glues(last, code[0] ?? '') || (separator === ' ' && !';}'.includes(last))) code = `;${code}`;
    if (glues(code[code.length - 1] ?? '', firstCharFrom(text, edit.end))) code = `${code};`;
  }
  return { ...edit, text: separator + code };
}
