import type { Operator, ParentView } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { EMBEDDED_EDITS, outsideBabel, excerpt, finishEdit, firstCharFrom, firstParent, glues, lastCharBefore, noSite } from './common.ts';
import { analyzeGenome, type FileAnalysis, type StatementSite } from './sites.ts';
import { indentAt, regionHolding, reindent, startsLine, type Edit } from './source.ts';
import { statementChoices } from './statements.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { duplicateStatementRoute } from './ts/duplicate-statement.ts';

/**
 * Copies one statement of a block and inserts the copy after it or after a later statement of
 * the same block, on its own line with the block's indentation. Declarations are never copied
 * (a second `const x` is a SyntaxError, a second function a no-op), nor are `return`, `throw`,
 * `break` and `continue`, whose copy could only be dead code.
 * Files in other languages go to the tree-sitter version (see treeSitterDuplicateStatement).
 *
 * @example
 * const result = await duplicateStatement().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(2) });
 * // { genome, description: 'duplicate-statement at pack.js:14: index += 1;' }
 */
export function duplicateStatement(): Operator {
  return {
    name: 'duplicate-statement',
    arity: 1,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'duplicate-statement');
      if ('failure' in parent) return parent;
      const syntax = await duplicateStatementRoute(parent, context.rng, outsideBabel);
      return proposeOnRoutes(context.rng, babelRoute(parent, context.rng), syntax);
    },
  };
}

function babelRoute(parent: ParentView, rng: Rng): Route {
  const { files, errors } = analyzeGenome(parent.genome);
  const choices = statementChoices(files, (site) => site.declaration === 'none' && !site.terminator && site.type !== 'EmptyStatement');
  return {
    files: files.length + errors.length,
    sites: choices.length,
    async propose() {
      if (choices.length === 0) return noSite('no statement inside an EVOLVE block that can be duplicated', errors);
      const { file, analysis, block, position } = rng.pick(choices);
      const original = block[position] as StatementSite;
      const anchor = block[position + rng.int(block.length - position)] as StatementSite;
      const edit = insertion(analysis, original, anchor);
      const code = analysis.text.slice(original.start, original.end);
      return finishEdit('duplicate-statement', parent.genome, file, analysis, edit, excerpt(code), original.start);
    },
  };
}

function insertion(analysis: FileAnalysis, original: StatementSite, anchor: StatementSite): Edit {
  const text = analysis.text;
  let code = text.slice(original.start, original.end);
  let edit: Edit = { start: anchor.end, end: anchor.end, text: '' };
  let separator = ' ';
  const region = regionHolding(analysis.regions, anchor.start, anchor.end);
  const lineEnd = text.indexOf('\n', anchor.end);
  if (region !== undefined && startsLine(text, anchor.start) && lineEnd !== -1 && lineEnd < region.end) {
    const rest = text.slice(anchor.end, lineEnd).trim();
    // A trailing line comment stays with the statement it annotates.
    if (rest === '' || rest.startsWith('//')) {
      const crlf = text[lineEnd - 1] === '\r';
      const at = crlf ? lineEnd - 1 : lineEnd;
      const indent = indentAt(text, anchor.start);
      code = reindent(code, indentAt(text, original.start), indent);
      edit = { start: at, end: at, text: '' };
      separator = `${crlf ? '\r\n' : '\n'}${indent}`;
    }
  }
  // In code without semicolons, keep the copy from gluing onto its neighbours; on the same line
  // no newline ends the statement before it.
  const last = lastCharBefore(text, edit.start);
  if (glues(last, code[0] ?? '') || (separator === ' ' && !';}'.includes(last))) code = `;${code}`;
  if (glues(code[code.length - 1] ?? '', firstCharFrom(text, edit.end))) code = `${code};`;
  return { ...edit, text: separator + code };
}
