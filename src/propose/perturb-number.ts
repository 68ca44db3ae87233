import type { Operator, ParentView } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { EMBEDDED_EDITS, excerpt, firstParent, location, noSite, outsideBabel, pickAcross } from './common.ts';
import { analyzeGenome } from './sites.ts';
import { applyEdit } from './source.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { perturbLiteral } from './ts/literal.ts';
import { perturbNumberRoute } from './ts/perturb-number.ts';

export { formatNumber, perturbLiteral } from './ts/literal.ts';

export interface PerturbNumberOptions {
  /** Smallest relative step scale; steps are drawn log-uniformly between the two. */
  minSigma?: number;
  /** Largest relative step scale. */
  maxSigma?: number;
}

const DEFAULTS = { minSigma: 1e-3, maxSigma: 0.5 } satisfies Required<PerturbNumberOptions>;

/**
 * Perturbs one numeric literal inside an EVOLVE block: new = v + sigma * max(|v|, floor) * N(0, 1),
 * with sigma log-uniform in [minSigma, maxSigma] so that fine and coarse steps both happen.
 * Literals written as integers stay integers; a unary minus counts as part of the literal.
 * Property keys (`{ 1: x }`) and the object of a member access (`1.5.toFixed()`) are left alone;
 * array indices are perturbed like any other integer.
 * The edit swaps one number token for another, so the child cannot fail to parse and is not
 * re-parsed. Files in other languages go to the tree-sitter version (see treeSitterPerturbNumber),
 * with each literal of the genome about equally likely to be picked whichever parser reads it.
 *
 * @example
 * const operator = perturbNumber({ maxSigma: 0.2 });
 * const result = await operator.propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(1) });
 * // { genome, description: 'perturb-number 0.5 -> 0.4731 at pack.js:11' }
 */
export function perturbNumber(options: PerturbNumberOptions = {}): Operator {
  const { minSigma, maxSigma } = { ...DEFAULTS, ...options };
  return {
    name: 'perturb-number',
    arity: 1,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'perturb-number');
      if ('failure' in parent) return parent;
      const syntax = await perturbNumberRoute(parent, context.rng, outsideBabel, { minSigma, maxSigma });
      return proposeOnRoutes(context.rng, babelRoute(parent, context.rng, minSigma, maxSigma), syntax);
    },
  };
}

function babelRoute(parent: ParentView, rng: Rng, minSigma: number, maxSigma: number): Route {
  const { files, errors } = analyzeGenome(parent.genome);
  return {
    files: files.length + errors.length,
    sites: files.reduce((sum, { analysis }) => sum + analysis.numbers.length, 0),
    async propose() {
      const picked = pickAcross(rng, files, (analysis) => analysis.numbers);
      if (picked === undefined) return noSite('no numeric literal inside an EVOLVE block', errors);
      const { file, analysis, item: site } = picked;
      const replacement = perturbLiteral(site, rng, minSigma, maxSigma);
      const before = analysis.text.slice(site.start, site.end);
      if (replacement === undefined) return { failure: `cannot perturb ${excerpt(before)} at ${location(file, analysis, site.start)}` };
      const text = applyEdit(analysis.text, { start: site.start, end: site.end, text: replacement });
      return {
        genome: { ...parent.genome, [file]: text },
        description: `perturb-number ${excerpt(before)} -> ${replacement} at ${location(file, analysis, site.start)}`,
      };
    },
  };
}
