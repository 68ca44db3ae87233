// GEPA's system-aware merge: each genome file comes from the line of descent that changed it,
// and the model is asked only about files that both lines changed, one call per such file.
import { checkFrozen, EVOLVE_END, EVOLVE_START, findRegions } from '../../core/genome.ts';
import type { Lineage, Operator, ParentView, ProposalContext, ProposalFailure } from '../../core/operator.ts';
import type { ArchiveEntry, Genome } from '../../core/types.ts';
import { ANY_TEXT, askModel, capped, type LlmOperatorOptions } from './kit.ts';
import { extractRationale } from './reply.ts';
import { fenced } from './sections.ts';

const NAME = 'llm-merge';
/** Files named in a description before the rest are counted. */
const DESCRIBED_FILES = 4;

/** The ancestor a merge starts from, with its distance in generations from each parent. */
export interface CommonAncestor {
  id: string;
  /** Steps from the first parent (A) along the shortest path through any of the parents. */
  fromFirst: number;
  /** Steps from the second parent (B). */
  fromSecond: number;
}

/**
 * The most recent common ancestor of two candidates. Both ancestries are walked breadth-first
 * through every parent (not only the primary one); the candidate's own `parentIds` stand in when
 * the lineage does not know it. The ancestor with the smallest summed distance wins; ties go to the
 * highest seq (the number after the last `-` of an id such as `r1-12`, so the latest committed),
 * and then to the one the walk from the first parent reached first. Fails when either candidate
 * descends from the other (that is one line, not two) or when the two share no ancestor.
 *
 * @example
 * findCommonAncestor(lineage, { id: 'r1-9', parentIds: ['r1-4'] }, { id: 'r1-8', parentIds: ['r1-6'] });
 * // { id: 'r1-2', fromFirst: 2, fromSecond: 2 }
 */
export function findCommonAncestor(
  lineage: Lineage,
  first: Pick<ArchiveEntry, 'id' | 'parentIds'>,
  second: Pick<ArchiveEntry, 'id' | 'parentIds'>,
): CommonAncestor | ProposalFailure {
  const fromFirst = ancestry(lineage, first);
  const fromSecond = ancestry(lineage, second);
  if (fromFirst.has(second.id)) return { failure: `${NAME}: ${first.id} descends from ${second.id}, so there are not two lines to merge` };
  if (fromSecond.has(first.id)) return { failure: `${NAME}: ${second.id} descends from ${first.id}, so there are not two lines to merge` };
  let best: CommonAncestor | undefined;
  for (const [id, distance] of fromFirst) {
    const other = fromSecond.get(id);
    if (other === undefined) continue;
    const candidate = { id, fromFirst: distance, fromSecond: other };
    if (best === undefined || closer(candidate, best)) best = candidate;
  }
  return best ?? { failure: `${NAME}: ${first.id} and ${second.id} have no common ancestor in the lineage` };
}

/** Every ancestor of `start`, itself included at 0, with its shortest distance, in breadth-first order. */
function ancestry(lineage: Lineage, start: Pick<ArchiveEntry, 'id' | 'parentIds'>): Map<string, number> {
  const distances = new Map<string, number>([[start.id, 0]]);
  const queue = [start.id];
  for (let index = 0; index < queue.length; index++) {
    const id = queue[index] as string;
    const parents = lineage.parentIds(id) ?? (id === start.id ? start.parentIds : []);
    const next = (distances.get(id) as number) + 1;
    for (const parent of parents) {
      if (distances.has(parent)) continue;
      distances.set(parent, next);
      queue.push(parent);
    }
  }
  return distances;
}

/** Whether `candidate` beats `best`, which the walk reached earlier. */
function closer(candidate: CommonAncestor, best: CommonAncestor): boolean {
  const sum = candidate.fromFirst + candidate.fromSecond - (best.fromFirst + best.fromSecond);
  if (sum !== 0) return sum < 0;
  return seqOf(candidate.id) > seqOf(best.id);
}

function seqOf(id: string): number {
  const match = /-(\d+)$/.exec(id);
  return match === null ? -1 : Number(match[1]);
}

/** Where a merged file comes from. */
type Source = 'first' | 'second' | 'both' | 'neither' | 'model';

/**
 * GEPA's merge of two candidates from separate lines of descent. Each genome file is compared with
 * the pair's most recent common ancestor (see `findCommonAncestor`, walked through
 * `context.lineage`): a file only one line changed is taken from that line, a file neither changed
 * or both changed alike is kept, and only a file the two changed differently goes to the model, one
 * call per file, which answers with the merged file in a fenced block. Without such a conflict no
 * model is called, and none is needed. Fails, with a reason, when the lineage is missing, one parent
 * descends from the other, they share no ancestor, a reply cannot be read (naming the file), a merged
 * file changes text outside its EVOLVE blocks, or the child equals a parent.
 *
 * @example
 * const operator = llmMerge({ templates: loadTemplates() });
 * await operator.propose({ parents: [a, b], inspirations: [], rng, model, lineage });
 * // { genome, description: 'llm-merge: system.md from r1-4, fewshot.md from r1-7 (ancestor r1-2)' }
 */
export function llmMerge(options: LlmOperatorOptions): Operator {
  return {
    name: NAME,
    arity: 2,
    usesModel: true,
    ...ANY_TEXT,
    async propose(context) {
      const [first, second] = context.parents;
      if (first === undefined || second === undefined) return { failure: `${NAME} needs two parents` };
      if (first.entry.id === second.entry.id) return { failure: `${NAME} needs two different parents, got ${first.entry.id} twice` };
      if (context.lineage === undefined) return { failure: `${NAME} needs the run's lineage to find a common ancestor, and has none` };
      const found = findCommonAncestor(context.lineage, first.entry, second.entry);
      if ('failure' in found) return found;
      const ancestor = context.lineage.genome(found.id);
      if (ancestor === undefined) return { failure: `${NAME}: the lineage holds no genome for the common ancestor ${found.id}` };
      const mismatch = differentFiles([first, second], ancestor, found.id);
      if (mismatch !== undefined) return mismatch;
      const files = Object.keys(first.genome);
      const sources = new Map(files.map((file) => [file, sourceOf(ancestor[file], first.genome[file], second.genome[file])]));
      if ([...sources.values()].includes('model') && context.model === undefined) return { failure: 'no model' };
      const child: Genome = {};
      const rationales: Array<{ file: string; text: string }> = [];
      for (const file of files) {
        const source = sources.get(file);
        if (source !== 'model') {
          child[file] = (source === 'second' ? second.genome[file] : first.genome[file]) as string;
          continue;
        }
        const merged = await mergeFile(file, ancestor[file] as string, first, second, context, options);
        if ('failure' in merged) return merged;
        child[file] = merged.text;
        if (merged.rationale !== undefined) rationales.push({ file, text: merged.rationale });
      }
      const frozen = checkFrozen(first.genome, child);
      if (frozen !== undefined) return { failure: `${NAME}: the child breaks the frozen text (${frozen})` };
      for (const parent of [first, second]) {
        if (files.every((file) => child[file] === parent.genome[file])) {
          return { failure: `${NAME}: the merge adds nothing, the child equals ${parent.entry.id}` };
        }
      }
      // With several files merged, each rationale says which file it is about.
      const rationale = rationales.length <= 1 ? rationales[0]?.text : rationales.map(({ file, text }) => `${file}: ${text}`).join('\n');
      return {
        genome: child,
        description: describeMerge(sources, first.entry.id, second.entry.id, found.id),
        ...(rationale === undefined ? {} : { rationale }),
      };
    },
  };
}

function sourceOf(ancestor: string | undefined, first: string | undefined, second: string | undefined): Source {
  if (first === second) return first === ancestor ? 'neither' : 'both';
  if (second === ancestor) return 'first';
  if (first === ancestor) return 'second';
  return 'model';
}

function differentFiles(parents: readonly ParentView[], ancestor: Genome, ancestorId: string): ProposalFailure | undefined {
  const names = (genome: Genome): string => Object.keys(genome).sort().join(', ');
  const expected = names(ancestor);
  for (const parent of parents) {
    if (names(parent.genome) !== expected) {
      return { failure: `${NAME}: ${parent.entry.id} has files [${names(parent.genome)}], its ancestor ${ancestorId} [${expected}]` };
    }
  }
  return undefined;
}

/** `llm-merge: system.md from r1-4, fewshot.md from r1-7, tools.md merged (ancestor r1-2)`. */
function describeMerge(sources: ReadonlyMap<string, Source>, first: string, second: string, ancestor: string): string {
  const origin: Record<Exclude<Source, 'neither'>, string> = {
    first: `from ${first}`,
    second: `from ${second}`,
    both: 'from both',
    model: 'merged',
  };
  const parts = [...sources].flatMap(([file, source]) => (source === 'neither' ? [] : [`${file} ${origin[source]}`]));
  const shown = parts.length <= DESCRIBED_FILES ? parts : [...parts.slice(0, DESCRIBED_FILES), `${parts.length - DESCRIBED_FILES} more`];
  return `${NAME}: ${shown.join(', ')} (ancestor ${ancestor})`;
}

/** One model call for a file both lines changed: the prompt shows A's, B's and the ancestor's text of it. */
async function mergeFile(
  file: string,
  ancestor: string,
  first: ParentView,
  second: ParentView,
  context: ProposalContext,
  options: LlmOperatorOptions,
): Promise<{ text: string; rationale?: string } | ProposalFailure> {
  const versions = [first.genome[file] as string, second.genome[file] as string];
  const local: ProposalContext = {
    ...context,
    parents: [
      { ...first, genome: { [file]: versions[0] as string } },
      { ...second, genome: { [file]: versions[1] as string } },
    ],
    inspirations: [],
  };
  const answer = await askModel(NAME, local, options, mergeFormat(file, ancestor, [ancestor, ...versions]));
  if ('failure' in answer) return { failure: `${NAME} on ${file}: ${answer.failure}` };
  const parsed = parseMergedFile(answer.completion.text, file, versions[0] as string);
  if ('failure' in parsed) return answer.completion.finishReason === 'length' ? capped(answer, parsed.failure) : parsed;
  const rationale = extractRationale(answer.completion.text);
  return rationale === undefined ? parsed : { ...parsed, rationale };
}

/** The ancestor's text of the file, then the reply shape: the whole merged file in one fence. */
export function mergeFormat(file: string, ancestor: string, texts: readonly string[]): string {
  let fence = '```';
  while (texts.some((text) => text.includes(fence))) fence += '`';
  return [
    `### The common ancestor's ${file}`,
    '',
    fenced(file, ancestor),
    '',
    'Answer in this shape:',
    '',
    'Rationale: <one or two sentences: which idea you took from which version, and why the merge should score well>',
    '',
    fence,
    `<the whole merged ${file}>`,
    fence,
    '',
    'Rules:',
    '- Give the whole file in one fenced block: every line, not only the changed ones, and no "..." placeholders.',
    `- Copy the ${EVOLVE_START} and ${EVOLVE_END} lines, and every line outside the blocks they mark, exactly as they are: ` +
      'they are the same in all three versions, and the evaluator depends on them.',
    ...(fence.length > 3 ? [`- Open and close the block with ${fence}, since the file itself holds shorter runs of backticks.`] : []),
    '- Write nothing after the fenced block.',
  ].join('\n');
}

/**
 * The merged file a reply gives: the last fenced block that holds EVOLVE markers, taken as the
 * whole file. When no block holds a marker and the file has a single EVOLVE block, the last fenced
 * block is taken as that block's new text and spliced in, since models often answer with only the
 * part that may change. The result must keep the frozen text of `original` (A's text of the file).
 *
 * @example
 * parseMergedFile('Rationale: both.\n```\n# Head\n// EVOLVE-BLOCK-START\nx\n// EVOLVE-BLOCK-END\n```', 'a.md', original);
 * // { text: '# Head\n// EVOLVE-BLOCK-START\nx\n// EVOLVE-BLOCK-END\n' } when `original` has the same head and markers
 */
export function parseMergedFile(reply: string, file: string, original: string): { text: string } | ProposalFailure {
  const { blocks, unclosed } = fencedBlocks(reply);
  if (blocks.length === 0) {
    return { failure: unclosed ? `the reply's fenced block for ${file} is never closed` : `no fenced block in the reply for ${file}` };
  }
  const marked = blocks.filter((lines) => lines.some((line) => line.includes(EVOLVE_START) || line.includes(EVOLVE_END)));
  let text: string;
  if (marked.length > 0) {
    // Blank lines a model adds or drops just inside the fence are not the file's: its own are kept.
    const body = (marked[marked.length - 1] as string[]).join('\n').replace(/^\n+|\n+$/g, '');
    text = `${/^\n*/.exec(original)?.[0] ?? ''}${body}${/\n*$/.exec(original)?.[0] ?? ''}`;
  } else {
    let regions: Array<{ start: number; end: number }>;
    try {
      regions = findRegions(original, file);
    } catch (error) {
      return { failure: (error as Error).message };
    }
    if (regions.length !== 1) {
      const count = `${regions.length} EVOLVE blocks`;
      return { failure: `the reply for ${file} holds no EVOLVE markers, and ${file} has ${count}: the whole file was asked for` };
    }
    const { start, end } = regions[0] as { start: number; end: number };
    const lines = blocks[blocks.length - 1] as string[];
    text = original.slice(0, start) + (lines.length === 0 ? '' : `${lines.join('\n')}\n`) + original.slice(end);
  }
  const frozen = checkFrozen({ [file]: original }, { [file]: text });
  if (frozen !== undefined) return { failure: `the merged ${file} does not keep the text outside its EVOLVE blocks (${frozen})` };
  return { text };
}

const OPENING_FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

/** The body lines of each complete fenced block, and whether a block was left open at the end. */
function fencedBlocks(reply: string): { blocks: string[][]; unclosed: boolean } {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[][] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING_FENCE.exec(lines[index] as string);
    if (opening === null) continue;
    const marker = opening[1] as string;
    // A backtick fence's info string holds no backtick: such a line is inline code, not a fence.
    if (marker.startsWith('`') && (opening[2] as string).includes('`')) continue;
    const body: string[] = [];
    let close = index + 1;
    while (close < lines.length && !closes(lines[close] as string, marker)) body.push(lines[close++] as string);
    if (close >= lines.length) return { blocks, unclosed: true };
    blocks.push(body);
    index = close;
  }
  return { blocks, unclosed: false };
}

function closes(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === (marker[0] as string).repeat(trimmed.length);
}
