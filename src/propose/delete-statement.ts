import type { Operator, ParentView } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { EMBEDDED_EDITS, outsideBabel, excerpt, finishEdit, firstCharFrom, firstParent, glues, lastCharBefore, noSite } from './common.ts';
import { analyzeGenome, type FileAnalysis, type StatementSite } from './sites.ts';
import { regionHolding, startsLine, type Edit } from './source.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { deleteStatementRoute } from './ts/delete-statement.ts';
import { statementChoices, usedOutside } from './statements.ts';

/**
 * Deletes one statement of a block, with its line when it stands alone on it. Never deletes the
 * `return` that ends a function body, imports, exports or TypeScript declarations, nor a
 * declaration whose names occur anywhere else in the file (that would only trade the statement
 * for a ReferenceError).
 * Files in other languages go to the tree-sitter version (see treeSitterDeleteStatement).
 *
 * @example
 * const result = await deleteStatement().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(4) });
 * // { genome, description: 'delete-statement at pack.js:14: index += 1;' }
 */
export function deleteStatement(): Operator {
  return {
    name: 'delete-statement',
    arity: 1,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'delete-statement');
      if ('failure' in parent) return parent;
      const syntax = await deleteStatementRoute(parent, context.rng, outsideBabel);
      return proposeOnRoutes(context.rng, babelRoute(parent, context.rng), syntax);
    },
  };
}

function babelRoute(parent: ParentView, rng: Rng): Route {
  const { files, errors } = analyzeGenome(parent.genome);
  const choices = statementChoices(files, (site, { analysis }) => deletable(analysis, site));
  return {
    files: files.length + errors.length,
    sites: choices.length,
    async propose() {
      if (choices.length === 0) return noSite('no statement inside an EVOLVE block that can be deleted', errors);
      const { file, analysis, block, position } = rng.pick(choices);
      const site = block[position] as StatementSite;
      const code = analysis.text.slice(site.start, site.end);
      return finishEdit('delete-statement', parent.genome, file, analysis, removal(analysis, site), excerpt(code));
    },
  };
}

function deletable(analysis: FileAnalysis, site: StatementSite): boolean {
  if (site.type === 'EmptyStatement' || site.finalReturn || site.declaration === 'fixed') return false;
  return site.declaration === 'none' || !usedOutside(analysis, site.names, site.start, site.end);
}

function removal(analysis: FileAnalysis, site: StatementSite): Edit {
  const text = analysis.text;
  // Without semicolons, `f()` and a following `(g)()` would glue together once the statement
  // between them is gone; an empty statement keeps them apart.
  if (glues(lastCharBefore(text, site.start), firstCharFrom(text, site.end))) {
    return { start: site.start, end: site.end, text: ';' };
  }
  const region = regionHolding(analysis.regions, site.start, site.end);
  const lineStart = text.lastIndexOf('\n', site.start - 1) + 1;
  const lineEnd = text.indexOf('\n', site.end);
  const alone = startsLine(text, site.start) && lineEnd !== -1 && text.slice(site.end, lineEnd).trim() === '';
  if (alone && region !== undefined && region.start <= lineStart && lineEnd < region.end) {
    return { start: lineStart, end: lineEnd + 1, text: '' };
  }
  return { start: site.start, end: site.end, text: '' };
}
