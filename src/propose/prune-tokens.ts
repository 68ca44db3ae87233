import { OuroError } from '../core/errors.ts';
import { findRegions, type Region } from '../core/genome.ts';
import type { Operator, ProposalResult } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { firstParent, noSite } from './common.ts';
import { applyEdit, excerpt, lineAt, lineStarts, type Edit } from './source.ts';

const NAME = 'prune-tokens';
const TEXT_FILE = /\.(txt|md|markdown|prompt)$/i;
/** Tokens made only of closing punctuation: after a deletion they join the word before them. */
const CLOSING = /^[.,;:!?)\]}]+$/;

/** The languages prune-tokens edits, as named in messages. */
export const TEXT_LANGUAGES: readonly string[] = Object.freeze(['plain text', 'Markdown']);

/** Whether prune-tokens edits this file: plain text or Markdown (`.txt`, `.md`, `.markdown`, `.prompt`), by extension. */
export function isTextFile(file: string): boolean {
  return TEXT_FILE.test(file);
}

/** The four moves: drop one token, drop a run of 2-5, repeat a run of 1-3 in place, or swap two tokens. */
export const PRUNE_MOVES = ['delete', 'delete-span', 'duplicate', 'swap'] as const;
export type PruneMove = (typeof PRUNE_MOVES)[number];

export interface PruneTokensOptions {
  /** Relative chances of the moves; unnamed ones keep their defaults (70, 15, 8 and 7 percent). */
  weights?: Partial<Record<PruneMove, number>>;
}

const DEFAULT_WEIGHTS: Record<PruneMove, number> = { delete: 0.7, 'delete-span': 0.15, duplicate: 0.08, swap: 0.07 };

/** A whitespace-separated word of a file: text[start, end). Punctuation stays part of its word. */
interface Token {
  start: number;
  end: number;
}

interface TextRegion {
  file: string;
  text: string;
  lines: number[];
  region: Region;
  tokens: Token[];
}

interface Move {
  edit: Edit;
  summary: string;
  at: number;
}

/**
 * Prunes a prompt, after PromptQuine (Wang et al., ICML 2025), which evolves in-context prompts
 * mostly by deleting their tokens. A token is a run of non-whitespace characters inside an EVOLVE
 * region of a plain-text or Markdown file. Most moves delete one token; the others delete a run
 * of 2-5, repeat a run of 1-3 (on one line) right after itself, or swap two tokens of different
 * text. No move empties a region: a region with fewer than 2 tokens is left alone.
 *
 * Layout after a deletion: the words on either side are joined by the narrower of the two gaps
 * around what was deleted, so no new double space appears; a next word made only of closing
 * punctuation (`.`, `,`, `;`, `)`...) is joined to the word before it with no gap; a deleted
 * first word of a line keeps the indentation; and a line left with no words goes, with one of
 * the blank lines around it when it stood between two.
 *
 * @example
 * const result = await pruneTokens().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(3) });
 * // { genome, description: 'prune-tokens: delete "carefully" (prompt.txt:3)' }
 */
export function pruneTokens(options: PruneTokensOptions = {}): Operator {
  const weights = checkedWeights(options.weights ?? {});
  return {
    name: NAME,
    arity: 1,
    canEdit: isTextFile,
    languages: TEXT_LANGUAGES,
    async propose(context) {
      const parent = firstParent(context, NAME);
      if ('failure' in parent) return parent;
      return proposePrune(parent.genome, context.rng, weights);
    },
  };
}

function proposePrune(genome: Genome, rng: Rng, weights: readonly number[]): ProposalResult {
  const files = Object.keys(genome).filter(isTextFile).sort();
  if (files.length === 0) {
    return { failure: `${NAME}: the genome has no plain-text or Markdown file (.txt, .md, .markdown, .prompt) to edit` };
  }
  const { regions, errors } = textRegions(genome, files);
  const editable = regions.filter(({ tokens }) => tokens.length >= 2);
  if (editable.length === 0) {
    if (regions.length === 0) return noSite(`${NAME}: no EVOLVE region in a text file`, errors);
    const sizes = regions.map(({ file, lines, region, tokens }) => `${file}:${lineAt(lines, region.start)} has ${tokens.length}`);
    return noSite(`${NAME}: every EVOLVE region has fewer than 2 tokens (${sizes.join(', ')}), and no region is ever emptied`, errors);
  }
  let draw = rng.int(editable.reduce((sum, { tokens }) => sum + tokens.length, 0));
  const target = editable.find(({ tokens }) => (draw -= tokens.length) < 0) as TextRegion;
  const anchor = draw + target.tokens.length;
  const move = makeMove(target, anchor, PRUNE_MOVES[rng.weighted(weights)] as PruneMove, rng);
  const { file, text, lines } = target;
  return {
    genome: { ...genome, [file]: applyEdit(text, move.edit) },
    description: `${NAME}: ${move.summary} (${file}:${lineAt(lines, move.at)})`,
  };
}

function textRegions(genome: Genome, files: readonly string[]): { regions: TextRegion[]; errors: string[] } {
  const regions: TextRegion[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const text = genome[file] as string;
    let found: Region[];
    try {
      found = findRegions(text, file);
    } catch (error) {
      errors.push((error as Error).message);
      continue;
    }
    const lines = lineStarts(text);
    for (const region of found) regions.push({ file, text, lines, region, tokens: tokensIn(text, region) });
  }
  return { regions, errors };
}

function tokensIn(text: string, region: Region): Token[] {
  const tokens: Token[] = [];
  for (const match of text.slice(region.start, region.end).matchAll(/\S+/g)) {
    const start = region.start + match.index;
    tokens.push({ start, end: start + match[0].length });
  }
  return tokens;
}

function makeMove(target: TextRegion, anchor: number, move: PruneMove, rng: Rng): Move {
  const { text, tokens } = target;
  const word = (token: Token) => text.slice(token.start, token.end);
  const quoted = (from: number, to: number) => `"${excerpt(text.slice((tokens[from] as Token).start, (tokens[to] as Token).end), 50)}"`;
  if (move === 'swap') {
    const others = tokens.flatMap((token, index) => (word(token) === word(tokens[anchor] as Token) ? [] : [index]));
    if (others.length > 0) {
      const [i, j] = [anchor, rng.pick(others)].sort((a, b) => a - b) as [number, number];
      const [a, b] = [tokens[i] as Token, tokens[j] as Token];
      const swapped = word(b) + text.slice(a.end, b.start) + word(a);
      return { edit: { start: a.start, end: b.end, text: swapped }, summary: `swap ${quoted(i, i)} and ${quoted(j, j)}`, at: a.start };
    }
  }
  if (move === 'duplicate') {
    let last = anchor;
    const wanted = anchor + rng.int(3);
    while (last < wanted && last + 1 < tokens.length && sameLine(text, (tokens[last] as Token).end, (tokens[last + 1] as Token).start)) {
      last++;
    }
    const [a, b] = [tokens[anchor] as Token, tokens[last] as Token];
    const copy = ` ${text.slice(a.start, b.end)}`;
    return { edit: { start: b.end, end: b.end, text: copy }, summary: `duplicate ${quoted(anchor, last)}`, at: a.start };
  }
  const span = move === 'delete-span' ? Math.min(2 + rng.int(4), tokens.length - 1) : 1;
  const first = Math.min(anchor, tokens.length - span);
  const last = first + span - 1;
  const summary = span === 1 ? `delete ${quoted(first, last)}` : `delete ${span} tokens ${quoted(first, last)}`;
  return { edit: removal(target, first, last), summary, at: (tokens[first] as Token).start };
}

/** The edit that deletes tokens[first..last], with the whitespace layout rule of `pruneTokens`. */
function removal({ text, region, tokens }: TextRegion, first: number, last: number): Edit {
  const [a, b] = [tokens[first] as Token, tokens[last] as Token];
  const previous = tokens[first - 1];
  const next = tokens[last + 1];
  const before = previous !== undefined && sameLine(text, previous.end, a.start);
  const after = next !== undefined && sameLine(text, b.end, next.start);
  if (before && after && CLOSING.test(text.slice(next.start, next.end))) return { start: previous.end, end: next.start, text: '' };
  if (before && (!after || next.start - b.end <= a.start - previous.end)) return { start: previous.end, end: b.end, text: '' };
  if (after) return { start: a.start, end: next.start, text: '' };
  // The tokens fill their lines: those lines go.
  const start = text.lastIndexOf('\n', a.start - 1) + 1;
  const newline = text.indexOf('\n', b.end);
  let end = newline === -1 ? region.end : Math.min(newline + 1, region.end);
  const following = text.indexOf('\n', end);
  const previousLine = text.slice(text.lastIndexOf('\n', start - 2) + 1, Math.max(start - 1, 0));
  const blankAfter = following !== -1 && following < region.end && text.slice(end, following).trim() === '';
  if (start > region.start && previousLine.trim() === '' && blankAfter) end = following + 1;
  return { start, end, text: '' };
}

function sameLine(text: string, from: number, to: number): boolean {
  return !text.slice(from, to).includes('\n');
}

function checkedWeights(weights: Partial<Record<PruneMove, number>>): number[] {
  for (const key of Object.keys(weights)) {
    if (!(PRUNE_MOVES as readonly string[]).includes(key)) {
      throw new OuroError('config-invalid', `${NAME}: weights.${key} is not a move; the moves are ${PRUNE_MOVES.join(', ')}`, {
        field: `weights.${key}`,
      });
    }
  }
  const merged = { ...DEFAULT_WEIGHTS, ...weights };
  const values = PRUNE_MOVES.map((move) => {
    const value = merged[move];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new OuroError('config-invalid', `${NAME}: weights.${move} must be a finite number >= 0, got ${String(value)}`, {
        field: `weights.${move}`,
      });
    }
    return value;
  });
  if (values.every((value) => value === 0)) {
    throw new OuroError('config-invalid', `${NAME}: weights gives every move a weight of 0`, { field: 'weights' });
  }
  return values;
}
