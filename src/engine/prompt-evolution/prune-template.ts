// PromptQuine's token pruning (the embedded `prune-tokens` operator) applied to the prose of a prompt template.
import { EVOLVE_END, EVOLVE_START } from '../../core/genome.ts';
import type { ParentView } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { pruneTokens } from '../../propose/index.ts';

const TAG = /\{\{[^{}]*\}\}/;
const FORMAT = /\{\{\s*format\s*\}\}/;
const HEADING = /^\s*#/;
const FENCE = /^\s*(`{3,}|~{3,})/;
/** Most prune moves made for one variant; each variant makes 1 to this many. */
export const MAX_PRUNE_MOVES = 3;

/**
 * Which lines of a template prune-tokens may edit: prose only. Left alone: every line with a
 * placeholder or a section tag, headings, fenced blocks with their fences, lines that name an
 * EVOLVE marker, and everything from the `{{format}}` line on (the reply format the operator parses).
 */
export function prunableLines(lines: readonly string[]): boolean[] {
  const formatAt = lines.findIndex((line) => FORMAT.test(line));
  let fence: string | undefined;
  return lines.map((line, index) => {
    const opened = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (opened !== undefined && opened[0] === fence[0] && opened.length >= fence.length) fence = undefined;
      return false;
    }
    if (opened !== undefined) {
      fence = opened;
      return false;
    }
    if (formatAt !== -1 && index >= formatAt) return false;
    return !TAG.test(line) && !HEADING.test(line) && !line.includes(EVOLVE_START) && !line.includes(EVOLVE_END);
  });
}

/** Runs of prunable lines, as [first, last] line indexes, without blank lines at their edges. */
function proseRuns(lines: readonly string[]): Array<[number, number]> {
  const prunable = prunableLines(lines);
  const runs: Array<[number, number]> = [];
  let index = 0;
  while (index < lines.length) {
    if (!prunable[index] || (lines[index] as string).trim() === '') {
      index++;
      continue;
    }
    let last = index;
    let next = index + 1;
    while (next < lines.length && prunable[next]) {
      if ((lines[next] as string).trim() !== '') last = next;
      next++;
    }
    runs.push([index, last]);
    index = next;
  }
  return runs;
}

/**
 * Prunes a template's prose with `prune-tokens`, 1 to `MAX_PRUNE_MOVES` moves (most delete a
 * token), drawn from `rng`. Each run of prose lines becomes one EVOLVE region of a text file of
 * its own, so that the operator's choices and whitespace rules apply unchanged, and the edited
 * runs are put back in place. Fails when no run has two tokens to work with.
 *
 * @example
 * const pruned = await pruneTemplate(template, rng);
 * // { text: '... Improve the version with a focused edit ...', moves: ['delete "current"'] }
 */
export async function pruneTemplate(text: string, rng: Rng): Promise<{ text: string; moves: string[] } | { failure: string }> {
  const lines = text.split('\n');
  const runs = proseRuns(lines);
  if (runs.length === 0) return { failure: 'the template has no prose to prune outside its placeholders, headings, code and reply format' };
  const names = runs.map((_, index) => `prose-${String(index).padStart(3, '0')}.md`);
  let genome: Genome = Object.fromEntries(
    runs.map(([first, last], index) => [names[index], `${EVOLVE_START}\n${lines.slice(first, last + 1).join('\n')}\n${EVOLVE_END}\n`]),
  );
  const operator = pruneTokens();
  const wanted = 1 + rng.int(MAX_PRUNE_MOVES);
  const moves: string[] = [];
  for (let move = 0; move < wanted; move++) {
    const result = await operator.propose({ parents: [asParent(genome)], inspirations: [], rng });
    if ('failure' in result) {
      // The regions are well formed, so prune-tokens can only have found too few tokens.
      if (moves.length === 0) return { failure: 'no run of prose lines has the 2 tokens prune-tokens needs (it never empties one)' };
      break;
    }
    genome = result.genome;
    moves.push(result.description.replace(/^prune-tokens: /, '').replace(/ \(prose-\d+\.md:\d+\)$/, ''));
  }
  const out: string[] = [];
  let cursor = 0;
  runs.forEach(([first, last], index) => {
    out.push(...lines.slice(cursor, first), ...regionLines(genome[names[index] as string] as string));
    cursor = last + 1;
  });
  out.push(...lines.slice(cursor));
  return { text: out.join('\n'), moves };
}

/** The lines between a file's first (START) and last (END) marker lines. */
function regionLines(file: string): string[] {
  const lines = file.split('\n');
  const end = lines.lastIndexOf(EVOLVE_END);
  return lines.slice(1, end);
}

function asParent(genome: Genome): ParentView {
  return {
    entry: { id: 'template', seq: 0, score: 0, island: 0, generation: 0, parentIds: [], features: {} },
    genome,
    feedback: '',
  };
}
