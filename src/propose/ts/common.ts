// What the tree-sitter versions of the embedded operators share: which files they read, how a
// child is checked and described, and how a proposal is routed between them and the Babel versions.
import type { Operator, ProposalFailure, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { pickAcross, type Located } from '../common.ts';
import { applyEdit, lineAt, type Edit } from '../source.ts';
import { analyzeSyntaxGenome, reparseError, type SyntaxAnalysis, type SyntaxGenome } from '../syntax/analysis.ts';
import { hasGrammar, SYNTAX_LANGUAGES } from '../syntax/grammars.ts';

/** What a tree-sitter operator edits: every file some grammar covers. */
export const SYNTAX_EDITS = { canEdit: hasGrammar, languages: SYNTAX_LANGUAGES } satisfies Pick<Operator, 'canEdit' | 'languages'>;

/** Which of a genome's files a tree-sitter operator may read; the others stay out of its analysis. */
export type FileFilter = (file: string) => boolean;

/** Lets every file through: the tree-sitter operators on their own read JavaScript and TypeScript too. */
export const EVERY_FILE: FileFilter = () => true;

/** The analyses of the genome's files that `accept` lets through and a grammar covers. */
export function analyzeFiles(genome: Genome, accept: FileFilter): Promise<SyntaxGenome> {
  const chosen: Genome = {};
  for (const file of Object.keys(genome)) if (accept(file) && hasGrammar(file)) chosen[file] = genome[file] as string;
  return analyzeSyntaxGenome(chosen);
}

/** `file:line` of an offset, as descriptions and failures name it. */
export function where(file: string, analysis: SyntaxAnalysis, offset: number): string {
  return `${file}:${lineAt(analysis.lines, offset)}`;
}

/** Applies one edit, re-parses the child and describes it; a child that does not parse is a failure naming the file. */
export function finishSyntaxEdit(
  operator: string,
  genome: Genome,
  file: string,
  analysis: SyntaxAnalysis,
  edit: Edit,
  summary: string,
  at = edit.start,
): ProposalResult {
  const text = applyEdit(analysis.text, edit);
  const error = reparseError(analysis, text);
  if (error !== undefined) return { failure: `${operator} at ${where(file, analysis, at)} left ${file} unparseable: ${error}` };
  return { genome: { ...genome, [file]: text }, description: `${operator} at ${where(file, analysis, at)}: ${summary}` };
}

/** A failure that also names the files that could not be analysed. */
export function noSyntaxSite(reason: string, errors: readonly string[]): ProposalFailure {
  return { failure: errors.length === 0 ? reason : `${reason} (${errors.join('; ')})` };
}

/** One item drawn uniformly from all files' lists, so that big files are not under-sampled. */
export function pickItem<T>(
  rng: Rng,
  files: ReadonlyArray<{ file: string; analysis: SyntaxAnalysis }>,
  itemsOf: (analysis: SyntaxAnalysis) => readonly T[],
): Located<T, SyntaxAnalysis> | undefined {
  return pickAcross(rng, files, itemsOf);
}

/**
 * One way of proposing on a genome (the Babel path or the tree-sitter path), as seen before it
 * draws anything: how many files it read (with those it could not), how many sites it can edit.
 */
export interface Route {
  files: number;
  sites: number;
  propose: () => Promise<ProposalResult>;
}

/**
 * Proposes on one of two routes, chosen in proportion to their sites, so that every site of the
 * genome is about equally likely whichever parser reads its file. A route that read no file is
 * never drawn for and never consulted, so a genome of one kind proposes exactly as that route
 * alone would. When neither route has a site, both failures are reported.
 */
export async function proposeOnRoutes(rng: Rng, first: Route, second: Route): Promise<ProposalResult> {
  if (second.files === 0) return first.propose();
  if (first.files === 0) return second.propose();
  const total = first.sites + second.sites;
  if (total === 0) {
    const [a, b] = [await first.propose(), await second.propose()];
    if (!('failure' in a)) return a;
    if (!('failure' in b)) return b;
    return { failure: a.failure === b.failure ? a.failure : `${a.failure}; ${b.failure}` };
  }
  if (first.sites === 0) return second.propose();
  if (second.sites === 0) return first.propose();
  return rng.int(total) < first.sites ? first.propose() : second.propose();
}
