import type { Node } from 'web-tree-sitter';
import type { Operator, ParentView, ProposalContext, ProposalFailure, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { applyEdit, excerpt, lineAt, type Edit } from '../source.ts';
import { analyzeSyntaxGenome, reparseError, type ExpressionSite, type SyntaxAnalysis } from '../syntax/analysis.ts';
import { hasGrammar, SYNTAX_LANGUAGES } from '../syntax/grammars.ts';
import type { Ingredients } from '../syntax/generate.ts';
import { variablesAt } from '../syntax/visible.ts';
import { pickItem } from '../ts/common.ts';

/** What every tree-sitter operator edits: spread into each. */
export const SYNTAX_EDITS = { canEdit: hasGrammar, languages: SYNTAX_LANGUAGES } satisfies Pick<Operator, 'canEdit' | 'languages'>;

/** Expressions larger than this (in syntax nodes) are not grown further: the bloat limit. */
export const MAX_EXPRESSION_NODES = 80;
/**
 * The bloat limit of a whole expression: no edit may leave the outermost expression it lands in
 * longer than this many tokens (names, numbers and operator characters) unless it shrinks it.
 * Without it, wraps nest inside wraps until a single return holds hundreds of tokens whose
 * constants no tuner can fit.
 */
export const MAX_TOP_TOKENS = 64;
/** How many sites an operator tries before it gives up with a failure. */
export const ATTEMPTS = 8;

/** The first parent, and the analysis of its files, or the reason there is nothing to edit. */
export async function analyzeParent(
  context: ProposalContext,
  operator: string,
): Promise<{ parent: ParentView; files: Array<{ file: string; analysis: SyntaxAnalysis }> } | ProposalFailure> {
  const parent = context.parents[0];
  if (parent === undefined) return { failure: `${operator} needs a parent` };
  const { files, errors } = await analyzeSyntaxGenome(parent.genome);
  if (files.length === 0) {
    const why = errors.length > 0 ? errors.join('; ') : `no ${SYNTAX_LANGUAGES.join(', ')} file with an EVOLVE block`;
    return { failure: `${operator}: ${why}` };
  }
  return { parent, files };
}

/** What random code at `node` may be built from. */
export function ingredientsAt(analysis: SyntaxAnalysis, node: Node, rng: Rng): Ingredients {
  return { dialect: analysis.dialect, source: analysis.text, variables: variablesAt(analysis, node), rng };
}

/** Whether an expression needs parentheses to stand as an operand: anything but names, literals, calls and bracketed code. */
export function isCompound(node: Node): boolean {
  return (
    node.namedChildCount > 0 && !/^(parenthesized_expression|call|call_expression|identifier|subscript|member_expression)$/.test(node.type)
  );
}

/** Text that replaces `site`: bracketed when the site was bracketed, so `if (c)` keeps its brackets. */
export function replacementFor(site: ExpressionSite, text: string): string {
  if (site.node.type === 'parenthesized_expression' && !(text.startsWith('(') && text.endsWith(')'))) return `(${text})`;
  return text;
}

/** `file:line` of an offset. */
export function where(file: string, analysis: SyntaxAnalysis, offset: number): string {
  return `${file}:${lineAt(analysis.lines, offset)}`;
}

/** Applies one edit, checks that the child still parses, and describes it. */
export function finish(
  operator: string,
  genome: Genome,
  file: string,
  analysis: SyntaxAnalysis,
  edit: Edit,
  summary: string,
): ProposalResult {
  const text = applyEdit(analysis.text, edit);
  if (text === analysis.text) return { failure: `${operator} at ${where(file, analysis, edit.start)} changed nothing` };
  const error = reparseError(analysis, text);
  if (error !== undefined) return { failure: `${operator} left ${file} unparseable (${error})` };
  return { genome: { ...genome, [file]: text }, description: `${operator} at ${where(file, analysis, edit.start)}: ${summary}` };
}

/** `before -> after`, each on one short line. */
export function change(before: string, after: string): string {
  return `${excerpt(before, 40)} -> ${excerpt(after, 50)}`;
}

/** The whitespace that one indentation level adds in this file: a tab if it indents with tabs, else four spaces or its own width. */
export function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  if (match === null) return '    ';
  const first = match[1] as string;
  if (first.startsWith('\t')) return '\t';
  return first.length >= 2 && first.length <= 8 ? ' '.repeat(Math.min(first.length, 4)) : '    ';
}

/** A local name the file does not use yet: `t1`, `t2`, ... */
export function freshName(text: string): string {
  for (let index = 1; ; index++) {
    const name = `t${index}`;
    if (!new RegExp(`\\b${name}\\b`).test(text)) return name;
  }
}

/** One planned edit of a picked site: the replacement and its one-line summary. */
export interface PlannedEdit {
  edit: Edit;
  summary: string;
}

/**
 * The attempt loop every GP mutation shares: up to `ATTEMPTS` times, pick a site across the files,
 * let `plan` turn it into an edit (undefined: try another site), and return the first child that
 * still parses. The failure names the last reason, or `none` when no site was left to pick.
 */
export function editSites<T>(
  operator: string,
  genome: Genome,
  rng: Rng,
  files: ReadonlyArray<{ file: string; analysis: SyntaxAnalysis }>,
  sitesOf: (analysis: SyntaxAnalysis) => readonly T[],
  none: string,
  plan: (picked: { file: string; analysis: SyntaxAnalysis; site: T }) => PlannedEdit | undefined,
): ProposalResult {
  let last = none;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const picked = pickItem(rng, files, sitesOf);
    if (picked === undefined) return { failure: last };
    const planned = plan({ file: picked.file, analysis: picked.analysis, site: picked.item });
    if (planned === undefined) continue;
    if (oversized(picked.analysis, planned.edit)) {
      const at = where(picked.file, picked.analysis, planned.edit.start);
      last = `${operator}: the expression at ${at} would grow past ${MAX_TOP_TOKENS} tokens`;
      continue;
    }
    const result = finish(operator, genome, picked.file, picked.analysis, planned.edit, planned.summary);
    if (!('failure' in result)) return result;
    last = result.failure;
  }
  return { failure: last };
}

const TOKEN = /[A-Za-z_]\w*|\d[\d.]*(?:[eE][-+]?\d+)?\w*|[^\s\w]/g;

/** How many tokens a piece of code holds: names, numbers and single operator or bracket characters. */
export function tokenCount(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/**
 * Whether an edit grows the outermost expression it lands in (the largest expression site that
 * holds it) beyond `MAX_TOP_TOKENS` tokens. An edit outside every expression, or one that leaves
 * its expression no longer than before, always passes.
 */
export function oversized(analysis: SyntaxAnalysis, edit: Edit): boolean {
  let top: ExpressionSite | undefined;
  for (const site of analysis.expressions) {
    if (site.start <= edit.start && site.end >= edit.end && (top === undefined || site.end - site.start > top.end - top.start)) top = site;
  }
  if (top === undefined) return false;
  const { text } = analysis;
  const after = tokenCount(text.slice(top.start, edit.start) + edit.text + text.slice(edit.end, top.end));
  return after > MAX_TOP_TOKENS && after > tokenCount(text.slice(top.start, top.end));
}
