import type { Operator, ParentView, ProposalResult } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { EMBEDDED_EDITS, excerpt, outsideBabel, firstCharFrom, glues, lastCharBefore, location, noSite } from './common.ts';
import { analyzeFile, analyzeGenome, type FileAnalysis, type SyntaxSite } from './sites.ts';
import { needsParentheses } from './slots.ts';
import { applyEdit, indentAt, reindent, type Edit } from './source.ts';
import { crossoverRoute } from './ts/crossover.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { childError } from './validate.ts';

// Uniform picks would mostly hit identifiers and literals; like Koza's subtree crossover, nine
// picks in ten go to internal nodes.
const LEAF_SHARE = 0.1;
const MAX_TARGETS = 8;
const MAX_PARSES = 3;
const MODULE_LEVEL = /^(Import|Export|TS|Declare)/;

interface Pairing {
  file: string;
  analysis: FileAnalysis;
  donor: FileAnalysis;
}

/**
 * Subtree crossover: replaces an expression or statement inside an EVOLVE block of the first
 * parent with a node from an EVOLVE block of the same file in the second parent, of the same
 * node type when one with different text exists, else of the same category. The child keeps the
 * first parent's frozen text. An expression is parenthesised where its new position would
 * otherwise regroup it. Parents whose EVOLVE blocks are identical give a failure: the exchange
 * would recombine nothing. Files in other languages go to the tree-sitter version (see
 * treeSitterCrossover), with each node of the genome about equally likely to be the target
 * whichever parser reads its file.
 *
 * @example
 * const result = await crossover().propose({ parents: [first, second], inspirations: [], rng: Rng.fromSeed(6) });
 * // { genome, description: 'crossover at pack.js:11: (row + 0.5) / rows.length <- (row + 0.45) / rows.length' }
 */
export function crossover(): Operator {
  return {
    name: 'crossover',
    arity: 2,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const [first, second] = context.parents;
      if (first === undefined || second === undefined) return { failure: 'crossover needs two parents' };
      if (first.entry.id === second.entry.id) return { failure: `crossover needs two different parents, got ${first.entry.id} twice` };
      const syntax = await crossoverRoute(first, second, context.rng, outsideBabel);
      return proposeOnRoutes(context.rng, babelRoute(first, second, context.rng), syntax);
    },
  };
}

function babelRoute(first: ParentView, second: ParentView, rng: Rng): Route {
  const { files, errors } = analyzeGenome(first.genome);
  const pairings: Pairing[] = [];
  let identical = 0;
  for (const { file, analysis } of files) {
    const donorText = second.genome[file];
    const donor = donorText === undefined ? undefined : analyzeFile(file, donorText);
    if (donor !== undefined && 'error' in donor) errors.push(`parent 2 ${file}: ${donor.error}`);
    if (donor === undefined || 'error' in donor || donor.syntax.length === 0) continue;
    if (sameRegions(analysis, donor)) identical++;
    else pairings.push({ file, analysis, donor });
  }
  return {
    files: files.length + errors.length,
    sites: pairings.reduce((sum, { analysis }) => sum + analysis.syntax.length, 0),
    async propose() {
      if (files.length === 0) return noSite('crossover: no EVOLVE block in a file of parent 1 that a grammar covers', errors);
      if (pairings.length === 0) {
        const reason = identical > 0 ? 'the parents have identical EVOLVE blocks' : 'parent 2 has no EVOLVE block in a file of parent 1';
        return noSite(`crossover: ${reason}`, errors);
      }
      return exchange(rng, first.genome, pairings);
    },
  };
}

function exchange(rng: Rng, genome: Genome, pairings: readonly Pairing[]): ProposalResult {
  const internal: Array<[Pairing, SyntaxSite]> = [];
  const leaves: Array<[Pairing, SyntaxSite]> = [];
  for (const pairing of pairings) {
    for (const site of pairing.analysis.syntax) (site.leaf ? leaves : internal).push([pairing, site]);
  }
  let parses = 0;
  let lastError = 'no node of parent 1 has a compatible node with different text in parent 2';
  for (let attempt = 0; attempt < MAX_TARGETS && parses < MAX_PARSES; attempt++) {
    const useLeaves = internal.length === 0 || (leaves.length > 0 && rng.next() < LEAF_SHARE);
    const [pairing, target] = rng.pick(useLeaves ? leaves : internal);
    const { file, analysis, donor } = pairing;
    const targetText = analysis.text.slice(target.start, target.end);
    const source = chooseDonor(rng, target, targetText, donor);
    if (source === undefined) continue;
    const donorText = donor.text.slice(source.start, source.end);
    const edit = replacement(analysis, target, donor, source, donorText);
    const text = applyEdit(analysis.text, edit);
    parses++;
    const error = childError(analysis, edit, text);
    if (error === undefined) {
      return {
        genome: { ...genome, [file]: text },
        description: `crossover at ${location(file, analysis, target.start)}: ${excerpt(targetText, 40)} <- ${excerpt(donorText, 40)}`,
      };
    }
    lastError = `the exchange left ${file} unparseable: ${error}`;
  }
  return { failure: `crossover: ${lastError}` };
}

function chooseDonor(rng: Rng, target: SyntaxSite, targetText: string, donor: FileAnalysis): SyntaxSite | undefined {
  const sameType: SyntaxSite[] = [];
  const sameCategory: SyntaxSite[] = [];
  for (const site of donor.syntax) {
    if (site.category !== target.category) continue;
    // Compare in place: slicing every donor node would dominate the cost of a proposal.
    if (site.end - site.start === targetText.length && donor.text.startsWith(targetText, site.start)) continue;
    if (site.type === target.type) sameType.push(site);
    else if (!MODULE_LEVEL.test(site.type)) sameCategory.push(site);
  }
  // Imports, exports and type declarations only trade places with their own kind: anything else
  // would drop an export or put a module-level statement inside a block.
  const pool = sameType.length > 0 || MODULE_LEVEL.test(target.type) ? sameType : sameCategory;
  return pool.length > 0 ? rng.pick(pool) : undefined;
}

function replacement(analysis: FileAnalysis, target: SyntaxSite, donor: FileAnalysis, source: SyntaxSite, donorText: string): Edit {
  const text = analysis.text;
  let code = reindent(donorText, indentAt(donor.text, source.start), indentAt(text, target.start));
  if (target.category === 'expression') {
    if (!target.parenthesized && needsParentheses(source.type, code, target.slot)) code = `(${code})`;
  } else {
    // In code without semicolons the new statement must not glue onto its neighbours.
    if (glues(lastCharBefore(text, target.start), code[0] ?? '')) code = `;${code}`;
    if (glues(code[code.length - 1] ?? '', firstCharFrom(text, target.end))) code = `${code};`;
  }
  return { start: target.start, end: target.end, text: code };
}

function sameRegions(a: FileAnalysis, b: FileAnalysis): boolean {
  if (a.text === b.text) return true;
  if (a.regions.length !== b.regions.length) return false;
  return a.regions.every((region, index) => {
    const other = b.regions[index] as { start: number; end: number };
    return a.text.slice(region.start, region.end) === b.text.slice(other.start, other.end);
  });
}
