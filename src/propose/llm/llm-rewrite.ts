import { checkFrozen, EVOLVE_END, EVOLVE_START, findRegions } from '../../core/genome.ts';
import type { Operator, ProposalResult } from '../../core/operator.ts';
import type { Genome } from '../../core/types.ts';
import { regionLabels, rewriteFormat } from './formats.ts';
import { ANY_TEXT, askModel, capped, type Answer, type LlmOperatorOptions } from './kit.ts';
import { extractRationale } from './reply.ts';

const LABEL = /^[\s#>*_-]*REGION[\s:]+`?([^\s`*]+?)`?[\s*_:]*$/i;
const FENCE = /^\s*(`{3,}|~{3,})/;

/**
 * Asks the model for the full new text of every EVOLVE block, as one fenced block per region
 * labelled `REGION file#n`, and splices them in. A reply that misses a region, names one that
 * does not exist, or puts EVOLVE markers inside a region is refused. Marker lines the model
 * echoes at the edges of a region are dropped, since they restate the frozen text unchanged.
 *
 * @example
 * const operator = llmRewrite({ templates: loadTemplates() });
 * await operator.propose({ ...context, model }); // { genome, description: 'llm-rewrite: 1 of 1 region rewritten by openai:gpt-4.1-mini' }
 */
export function llmRewrite(options: LlmOperatorOptions): Operator {
  return {
    name: 'llm-rewrite',
    arity: 1,
    usesModel: true,
    ...ANY_TEXT,
    async propose(context) {
      if (context.model === undefined) return { failure: 'no model' };
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'llm-rewrite needs a parent' };
      const labels = regionLabels(parent.genome);
      if (labels.length === 0) return { failure: 'llm-rewrite: the parent has no EVOLVE block' };
      const answer = await askModel('llm-rewrite', context, options, rewriteFormat(parent.genome));
      if ('failure' in answer) return answer;
      return applyRewrite(parent.genome, answer, labels);
    },
  };
}

function applyRewrite(genome: Genome, answer: Answer, labels: readonly string[]): ProposalResult {
  const { completion } = answer;
  const cut = completion.finishReason === 'length';
  const parsed = parseRegions(completion.text, labels);
  if ('failure' in parsed) return cut ? capped(answer, parsed.failure) : parsed;
  const child = spliceRegions(genome, parsed.regions);
  if ('failure' in child) return child;
  const changed = child.changed.size;
  if (changed === 0) return { failure: 'the reply rewrites every region to its current text' };
  const frozen = checkFrozen(genome, child.genome);
  if (frozen !== undefined) return { failure: frozen };
  const rationale = extractRationale(completion.text);
  return {
    genome: child.genome,
    description: `llm-rewrite: ${changed} of ${labels.length} region${labels.length === 1 ? '' : 's'} rewritten`,
    ...(rationale === undefined ? {} : { rationale }),
  };
}

/** The text of each labelled region in a reply, as lines, checked against the labels wanted. */
export function parseRegions(reply: string, labels: readonly string[]): { regions: Map<string, string[]> } | { failure: string } {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const regions = new Map<string, string[]>();
  for (let index = 0; index < lines.length; index++) {
    const match = LABEL.exec(lines[index] as string);
    if (match === null) continue;
    const label = match[1] as string;
    let open = index + 1;
    while (open < lines.length && (lines[open] as string).trim() === '') open++;
    const fence = FENCE.exec(lines[open] ?? '');
    if (fence === null) return { failure: `region ${label} has no fenced block after its label` };
    const marker = fence[1] as string;
    const body: string[] = [];
    let close = open + 1;
    while (close < lines.length && !isClosingFence(lines[close] as string, marker)) body.push(lines[close++] as string);
    if (close >= lines.length) return { failure: `region ${label} is truncated (its fenced block is never closed)` };
    if (!labels.includes(label))
      return { failure: `the reply rewrites ${label}, which is not an EVOLVE block (the blocks are ${labels.join(', ')})` };
    if (regions.has(label)) return { failure: `the reply rewrites ${label} twice` };
    regions.set(label, body);
    index = close;
  }
  if (regions.size === 0) return { failure: 'no REGION block in the reply' };
  const missing = labels.filter((label) => !regions.has(label));
  if (missing.length > 0) return { failure: `the reply misses region${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` };
  return { regions };
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === (marker[0] as string).repeat(trimmed.length);
}

function spliceRegions(
  genome: Genome,
  regions: ReadonlyMap<string, string[]>,
): { genome: Genome; changed: Set<string> } | { failure: string } {
  const child: Genome = { ...genome };
  const changed = new Set<string>();
  for (const [file, text] of Object.entries(genome)) {
    let spans: Array<{ start: number; end: number }>;
    try {
      spans = findRegions(text, file);
    } catch {
      continue;
    }
    let result = text;
    // From the last region back, so that earlier offsets stay valid.
    for (let index = spans.length - 1; index >= 0; index--) {
      const span = spans[index] as { start: number; end: number };
      const label = `${file}#${index + 1}`;
      const body = withoutEchoedMarkers(regions.get(label) ?? [], text, span);
      if (body.some((line) => line.includes(EVOLVE_START) || line.includes(EVOLVE_END))) {
        return { failure: `region ${label} contains an EVOLVE marker; the text outside the blocks may not change` };
      }
      const replacement = body.length === 0 ? '' : `${body.join('\n')}\n`;
      if (replacement !== text.slice(span.start, span.end)) changed.add(label);
      result = result.slice(0, span.start) + replacement + result.slice(span.end);
    }
    child[file] = result;
  }
  return { genome: child, changed };
}

/** Drops a copy of the region's own START line at the top, and of its END line at the bottom. */
function withoutEchoedMarkers(body: readonly string[], text: string, span: { start: number; end: number }): string[] {
  let lines = [...body];
  const startLine = text.slice(text.lastIndexOf('\n', span.start - 2) + 1, span.start - 1).trim();
  const endLine = text.slice(span.end, text.indexOf('\n', span.end) === -1 ? text.length : text.indexOf('\n', span.end)).trim();
  if (lines.length > 0 && (lines[0] as string).trim() === startLine) lines = lines.slice(1);
  if (lines.length > 0 && (lines[lines.length - 1] as string).trim() === endLine) lines = lines.slice(0, -1);
  return lines;
}
