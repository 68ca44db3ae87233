import { checkFrozen, EVOLVE_END, EVOLVE_START, findRegions, type Region } from '../../core/genome.ts';
import type { Genome } from '../../core/types.ts';
import { looksLikePath, parseEditBlocks, type EditBlock } from './edit-blocks.ts';
import { findMatches, REPORT_FLOOR, type LineMatch, type MatchMethod } from './match.ts';
import { planEdit, type PlannedEdit } from './plan-edit.ts';

export interface AppliedEdit {
  file: string;
  method: MatchMethod;
  /** 1 for exact and whitespace matches. */
  similarity: number;
  /** 1-based first line the edit changes (unchanged context lines of the block aside), before it. */
  line: number;
}

export interface ApplyOptions {
  /** Least similarity a fuzzy match needs, from 0 to 1. */
  fuzzyFloor?: number;
}

export type ApplyResult = { genome: Genome; applied: AppliedEdit[] } | { failure: string };

const DEFAULTS = { fuzzyFloor: 0.9 } satisfies Required<ApplyOptions>;
/** Two fuzzy windows closer than this are a tie: neither is clearly the intended one. */
const TIE_MARGIN = 0.01;
const METHOD_RANK: Record<MatchMethod, number> = { exact: 3, whitespace: 2, fuzzy: 1 };

/**
 * Parses the SEARCH/REPLACE blocks of a reply and applies them, in order, to a copy of `genome`.
 * All or nothing: the first block that cannot be applied fails the whole reply, with a reason
 * that names the block, the file and the line.
 *
 * Each block is located by an exact line-for-line match, else by a match ignoring whitespace,
 * else by the most similar window of lines at or above `fuzzyFloor`. What the block changes must
 * lie wholly inside an EVOLVE region; lines it quotes unchanged at its edges are context and may
 * sit outside (a marker line, say). A text found several times is ambiguous and refused, with one
 * exception: when exactly one of the places gives an edit inside an EVOLVE region, that one is
 * the only legal target and is taken. Position never breaks a tie. A block that names no file
 * goes to the only file, else to the file where it matches best (exact before whitespace before
 * fuzzy); two files matching equally well are ambiguous.
 *
 * @example
 * const result = applySearchReplace({ 'solve.js': TINY_GENOME }, reply);
 * if ('failure' in result) console.log(result.failure); // 'block 1 edits solve.js:1, outside every EVOLVE region'
 */
export function applySearchReplace(genome: Genome, reply: string, options: ApplyOptions = {}): ApplyResult {
  const parsed = parseEditBlocks(reply);
  if ('failure' in parsed) return { failure: parsed.failure };
  if (parsed.blocks.length === 0) return { failure: 'no SEARCH/REPLACE block in the reply' };
  return applyEditBlocks(genome, parsed.blocks, options);
}

/** Applies parsed blocks; see `applySearchReplace`. */
export function applyEditBlocks(genome: Genome, blocks: readonly EditBlock[], options: ApplyOptions = {}): ApplyResult {
  const { fuzzyFloor } = { ...DEFAULTS, ...options };
  const child: Genome = { ...genome };
  const applied: AppliedEdit[] = [];
  for (const block of blocks) {
    const target = chooseFile(child, block, fuzzyFloor);
    if ('failure' in target) return target;
    const { file, located } = target;
    const { lines, edit } = located;
    if (edit.lines.some((line) => line.includes(EVOLVE_START) || line.includes(EVOLVE_END))) {
      return { failure: `block ${block.index}'s REPLACE text in ${file} contains an EVOLVE marker; markers may not move` };
    }
    child[file] = [...lines.slice(0, edit.start), ...edit.lines, ...lines.slice(edit.end)].join('\n');
    applied.push({ file, method: located.method, similarity: located.match.similarity, line: edit.start + 1 });
  }
  if (Object.keys(genome).every((file) => genome[file] === child[file])) {
    return { failure: `the reply's ${blocks.length === 1 ? 'block changes' : `${blocks.length} blocks change`} nothing` };
  }
  const frozen = checkFrozen(genome, child);
  if (frozen !== undefined) return { failure: frozen };
  return { genome: child, applied };
}

interface Located {
  lines: string[];
  match: LineMatch;
  method: MatchMethod;
  edit: PlannedEdit;
}

type Attempt = { located: Located } | { failure: string; found: boolean; best: number };

function chooseFile(genome: Genome, block: EditBlock, floor: number): { file: string; located: Located } | { failure: string } {
  const files = Object.keys(genome);
  const named = block.fileHint === undefined ? undefined : resolveHint(files, block.fileHint);
  if (named === undefined && block.fileHint !== undefined && looksLikePath(block.fileHint) && files.length > 1) {
    return { failure: `block ${block.index} names ${block.fileHint}, which is not a genome file (${files.join(', ')})` };
  }
  const candidates = named !== undefined ? [named] : files;
  if (block.search.every((line) => line.trim() === '')) {
    return { failure: `block ${block.index} has an empty SEARCH section; quote the lines to change` };
  }
  const attempts = candidates.map((file) => [file, locate(block, file, genome[file] as string, floor)] as const);
  if (attempts.length === 1) {
    const [file, attempt] = attempts[0] as (typeof attempts)[number];
    return 'failure' in attempt ? { failure: attempt.failure } : { file, located: attempt.located };
  }
  // A file matched exactly beats one matched loosely: only the strongest method counts.
  const rank = (attempt: Attempt): number => ('located' in attempt ? METHOD_RANK[attempt.located.method] : 0);
  const strongest = Math.max(...attempts.map(([, attempt]) => rank(attempt)));
  const hits = strongest === 0 ? [] : attempts.filter(([, attempt]) => rank(attempt) === strongest);
  if (hits.length === 1) {
    const [file, attempt] = hits[0] as (typeof hits)[number];
    return { file, located: (attempt as { located: Located }).located };
  }
  if (hits.length > 1) {
    const names = hits.map(([file]) => file).join(' and ');
    return { failure: `block ${block.index} names no file and its SEARCH text matches ${names}; name the file above the block` };
  }
  const failures = attempts.map(([, attempt]) => attempt as Extract<Attempt, { failure: string }>);
  const found = failures.find((attempt) => attempt.found);
  if (found !== undefined) return { failure: found.failure };
  const best = Math.max(...failures.map((attempt) => attempt.best));
  return { failure: `block ${block.index}: SEARCH text not found in any genome file (${bestText(best, floor)})` };
}

function resolveHint(files: readonly string[], hint: string): string | undefined {
  const path = hint.replace(/\\/g, '/').replace(/^\.\//, '');
  return files.find((file) => file === path) ?? files.find((file) => path.endsWith(`/${file}`));
}

function locate(block: EditBlock, file: string, text: string, floor: number): Attempt {
  let regions: Region[];
  try {
    regions = findRegions(text, file);
  } catch (error) {
    return { failure: `block ${block.index}: ${(error as Error).message}`, found: false, best: 0 };
  }
  const lines = text.split('\n');
  const starts = lineStarts(lines);
  const result = findMatches(lines, block.search, floor);
  if (result.matches.length === 0) {
    const failure = `block ${block.index}: SEARCH text not found in ${file} (${bestText(result.best, floor)})`;
    return { failure, found: false, best: result.best };
  }
  const inside = (line: number): boolean => {
    const start = starts[line] as number;
    const end = start + (lines[line] as string).length;
    return regions.some((region) => region.start <= start && end < region.end);
  };
  /** The first line the edit touches outside every region, or -1 when it stays inside one. */
  const outside = (edit: PlannedEdit): number => {
    if (edit.start === edit.end) {
      if (edit.lines.length === 0) return -1;
      const offset = starts[edit.start] ?? text.length;
      return regions.some((region) => region.start <= offset && offset <= region.end) ? -1 : edit.start;
    }
    for (let line = edit.start; line < edit.end; line++) if (!inside(line)) return line;
    return -1;
  };
  const planned = result.matches.map((match) => ({ match, edit: planEdit(block, lines, match, result.method) }));
  const legal = planned.filter(({ edit }) => outside(edit) === -1);
  if (legal.length === 0) {
    const line = outside((planned[0] as (typeof planned)[number]).edit);
    return { failure: `block ${block.index} edits ${file}:${line + 1}, outside every EVOLVE region`, found: true, best: result.best };
  }
  const chosen = legal[0] as (typeof legal)[number];
  if (result.method !== 'fuzzy' && legal.length > 1) {
    const where = legal.map(({ match }) => match.start + 1).join(', ');
    const failure =
      `block ${block.index}: SEARCH text matches ${file} ${legal.length} times ` +
      `(lines ${where}); ` +
      'include more lines to make it unique';
    return { failure, found: true, best: 1 };
  }
  const best = chosen.match;
  const rival = legal.find(
    ({ match }) => (match.end <= best.start || match.start >= best.end) && match.similarity >= best.similarity - TIE_MARGIN,
  )?.match;
  if (rival !== undefined) {
    const failure =
      `block ${block.index}: SEARCH text is about equally close to ${file}:${best.start + 1} ` +
      `(${best.similarity.toFixed(2)}) and ${file}:${rival.start + 1} (${rival.similarity.toFixed(2)})`;
    return { failure, found: true, best: result.best };
  }
  return { located: { lines, match: best, method: result.method, edit: chosen.edit } };
}

function bestText(best: number, floor: number): string {
  return best >= REPORT_FLOOR ? `best fuzzy similarity ${best.toFixed(2)} < ${floor}` : `best fuzzy similarity below ${REPORT_FLOOR}`;
}

function lineStarts(lines: readonly string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return starts;
}
