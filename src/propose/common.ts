import type { Operator, ParentView, ProposalContext, ProposalFailure, ProposalResult } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import type { FileAnalysis } from './sites.ts';
import { applyEdit, BABEL_LANGUAGES, excerpt, isBabelFile, lineAt, type Edit } from './source.ts';
import { hasGrammar, SYNTAX_LANGUAGES } from './syntax/grammars.ts';
import { childError } from './validate.ts';

/** What the Babel versions of the embedded operators edit: JavaScript and TypeScript. */
export const BABEL_EDITS = { canEdit: isBabelFile, languages: BABEL_LANGUAGES } satisfies Pick<Operator, 'canEdit' | 'languages'>;

/**
 * What every embedded operator edits: spread into each, so the engine can tell before a run which
 * files they reach. JavaScript and TypeScript go through Babel, every other language a grammar covers
 * through tree-sitter.
 */
export const EMBEDDED_EDITS = {
  canEdit: (file: string) => isBabelFile(file) || hasGrammar(file),
  languages: SYNTAX_LANGUAGES,
} satisfies Pick<Operator, 'canEdit' | 'languages'>;

/** The files the tree-sitter path of an embedded operator reads: those Babel does not. */
export function outsideBabel(file: string): boolean {
  return !isBabelFile(file);
}

export interface Located<T, A = FileAnalysis> {
  file: string;
  analysis: A;
  item: T;
}

/**
 * One item drawn uniformly from every file's list, so big files are not under-sampled; for Babel
 * analyses and tree-sitter ones alike.
 */
export function pickAcross<T, A = FileAnalysis>(
  rng: Rng,
  files: ReadonlyArray<{ file: string; analysis: A }>,
  itemsOf: (analysis: A) => readonly T[],
): Located<T, A> | undefined {
  let total = 0;
  for (const { analysis } of files) total += itemsOf(analysis).length;
  if (total === 0) return undefined;
  let draw = rng.int(total);
  for (const { file, analysis } of files) {
    const items = itemsOf(analysis);
    if (draw < items.length) return { file, analysis, item: items[draw] as T };
    draw -= items.length;
  }
  return undefined;
}

export function firstParent(context: ProposalContext, operator: string): ParentView | ProposalFailure {
  return context.parents[0] ?? { failure: `${operator} needs a parent` };
}

/** A failure that also says which files could not be read, since that is often the real cause. */
export function noSite(reason: string, errors: readonly string[]): ProposalFailure {
  return { failure: errors.length === 0 ? reason : `${reason} (${errors.join('; ')})` };
}

export function location(file: string, analysis: Pick<FileAnalysis, 'lines'>, offset: number): string {
  return `${file}:${lineAt(analysis.lines, offset)}`;
}

/** Applies a statement-level edit, re-parses the child and describes it. */
export function finishEdit(
  operator: string,
  genome: Genome,
  file: string,
  analysis: FileAnalysis,
  edit: Edit,
  summary: string,
  at = edit.start,
): ProposalResult {
  const text = applyEdit(analysis.text, edit);
  const error = childError(analysis, edit, text);
  if (error !== undefined) return { failure: `${operator} left ${file} unparseable: ${error}` };
  return {
    genome: { ...genome, [file]: text },
    description: `${operator} at ${location(file, analysis, at)}: ${summary}`,
  };
}

const CONTINUES = '([`+-/';
const ENDS = ';{}';

/**
 * Whether a statement ending in `last` followed by one starting with `first` would let automatic
 * semicolon insertion glue them into one (`f()` then `(g)()` reads as `f()(g)()`): that parses but
 * means something else. Conservative: a comment before the junction counts as a hazard.
 */
export function glues(last: string, first: string): boolean {
  return last !== '' && !ENDS.includes(last) && first !== '' && CONTINUES.includes(first);
}

/** The last non-blank character before `offset`, or '' at the start. */
export function lastCharBefore(text: string, offset: number): string {
  let index = offset - 1;
  while (index >= 0 && /\s/.test(text[index] as string)) index--;
  return index >= 0 ? (text[index] as string) : '';
}

/** The first non-blank character at or after `offset`, or '' at the end. */
export function firstCharFrom(text: string, offset: number): string {
  let index = offset;
  while (index < text.length && /\s/.test(text[index] as string)) index++;
  return index < text.length ? (text[index] as string) : '';
}

export { excerpt };
