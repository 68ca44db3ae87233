import type { LearnOutcome, Operator } from '../../core/operator.ts';
import type { Genome } from '../../core/types.ts';
import { hasGrammar, SYNTAX_LANGUAGES } from '../syntax/grammars.ts';
import { CmaEs } from './cma-es.ts';
import { readConstants, writeConstants, type Constants, type FloatLiteral } from './literals.ts';

export interface TuneConstantsOptions {
  /** The first step size, relative to each literal's magnitude (0.1 for a literal that is zero). Default 0.3. */
  sigma?: number;
  /** How many programs (templates) keep an optimizer; the least recently told is dropped first. Default 8. */
  templates?: number;
  /** A program with more float literals than this is not tuned (CMA-ES costs O(n³) a generation). Default 100. */
  maxLiterals?: number;
}

const DEFAULTS = { sigma: 0.3, templates: 8, maxLiterals: 100 } satisfies Required<TuneConstantsOptions>;
/** Generations a focus on a middling parent may go without a better point: a quick screen. */
const SCREEN_GENERATIONS = 3;
/** Templates remembered as tuned out; the oldest is forgotten first. */
const EXHAUSTED_LIMIT = 512;

/** The program being tuned: its template and the best candidate tuning has made of it so far. */
interface Focus {
  template: string;
  bestId: string;
  bestFitness: number;
  told: number;
  sinceBest: number;
  /** Tells without a better point before the focus is given up. */
  patience: number;
  /** Tells in all before it is given up. */
  cap: number;
}
const ZERO_SCALE = 0.1;
const LISTED = 3;

/**
 * Constant tuning: CMA-ES over the float literals inside a program's EVOLVE blocks, run through
 * the loop. Each proposal asks the optimizer for one point and writes it into the literals; the
 * engine evaluates, stores and counts that child like any other, and hands the result back
 * through `learn`, which tells the optimizer (higher score is better; a failed evaluation is the
 * worst). The bandit decides how often this is worth its evaluations.
 *
 * One optimizer per template, the genome with its float literals blanked out, so children of
 * any candidate with the same code share it; a new one starts at the parent's values with steps
 * of `sigma` times each value's magnitude. Integer literals stay as they are: they are indices,
 * counts and sizes far more often than tunable weights.
 *
 * Tuning needs many evaluations of one program, so the operator focuses. It asks the engine for
 * the run's best candidate whenever that is better than anything tuning has reached (and was not
 * tuned out already), and otherwise for the best candidate tuning has made of its focus, the
 * program of the children it is told about, until the optimizer converges, stalls (no better point in
 * `max(200, 40·λ)` tells) or spends its cap (`200 + 200·n` tells for n literals). The program is
 * then marked as tuned out, and a later parent with the same code is refused with a failure. When
 * the best is tuned out, the archive's draw starts the next focus, and a program no better than
 * the best seen gets a quick screen: it is dropped after 3 generations without a better point. So
 * each new best structure gets its constants fitted in a burst, middling ones a look, and the
 * bandit sees whether that paid.
 *
 * Only `learn` changes the optimizers and the focus; `propose` reads them. Their state is
 * therefore a function of the outcomes told, in order, and the engine rebuilds it on resume by
 * telling the stored children again.
 *
 * @example
 * const operator = tuneConstants();
 * const result = await operator.propose({ parents: [parent], inspirations: [], rng });
 * // { genome, description: 'tune-constants gen 3 #2: 1 -> 0.812 (model.py:3), 0.5 -> -0.297 (model.py:3)' }
 * await operator.learn?.({ parent: parent.genome, child: result.genome, fitness: -0.01 });
 */
export function tuneConstants(options: TuneConstantsOptions = {}): Operator {
  const settings = { ...DEFAULTS, ...options };
  if (!(settings.sigma > 0)) throw new RangeError(`tuneConstants: sigma ${settings.sigma} must be positive`);
  const optimizers = new Map<string, CmaEs>();
  const exhausted = new Set<string>();
  const givenUp = new Set<string>();
  let focus: Focus | undefined;
  // The best fitness among the outcomes told: a focus on a parent this good gets the long patience.
  let bestSeen = Number.NEGATIVE_INFINITY;

  const giveUp = (template: string): void => {
    remember(exhausted, template);
    if (focus?.template !== template) return;
    remember(givenUp, focus.bestId);
    focus = undefined;
  };

  /** The optimizer a parent's template would use: the kept one unless it has converged, else a fresh one at its values. */
  const optimizerFor = (constants: Constants): CmaEs => {
    const kept = optimizers.get(constants.template);
    if (kept !== undefined && !kept.converged()) return kept;
    const values = constants.literals.map((literal) => literal.value);
    const scales = values.map((value) => (value === 0 ? ZERO_SCALE : Math.abs(value)));
    return new CmaEs({ mean: values, sigma: settings.sigma, scales });
  };

  return {
    name: 'tune-constants',
    arity: 1,
    canEdit: hasGrammar,
    languages: SYNTAX_LANGUAGES,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'tune-constants needs a parent' };
      const constants = await readConstants(parent.genome);
      const { literals, errors } = constants;
      if (literals.length === 0) {
        const reason = 'no float literal inside an EVOLVE block (integer literals are not tuned)';
        return { failure: errors.length === 0 ? reason : `${reason} (${errors.join('; ')})` };
      }
      if (literals.length > settings.maxLiterals) {
        return {
          failure: `${literals.length} float literals inside the EVOLVE blocks, more than the ${settings.maxLiterals} tuned at once`,
        };
      }
      if (exhausted.has(constants.template)) {
        return { failure: 'tune-constants: the constants of this code were tuned already (converged, stalled or out of tells)' };
      }
      const es = optimizerFor(constants);
      const point = es.ask(context.rng);
      if (!point.every(Number.isFinite)) return { failure: `tune-constants drew a point that is not finite: [${point.join(', ')}]` };
      const genome = writeConstants(parent.genome, literals, point);
      const problem = await checkChild(constants, genome, point);
      if (problem !== undefined) return { failure: `tune-constants cannot write the point back: ${problem}` };
      const { generation, told } = es.status();
      return { genome, description: `tune-constants gen ${generation} #${told + 1}: ${changes(literals, point)}` };
    },
    async learn(outcome: LearnOutcome) {
      const before = await readConstants(outcome.parent);
      if (before.literals.length === 0 || before.literals.length > settings.maxLiterals) return;
      const after = await readConstants(outcome.child);
      // Not a child this operator wrote (or the code changed too): nothing to tell.
      if (after.template !== before.template || after.literals.length !== before.literals.length) return;
      const es = optimizerFor(before);
      optimizers.delete(before.template);
      optimizers.set(before.template, es);
      if (optimizers.size > settings.templates) optimizers.delete(optimizers.keys().next().value as string);
      const fitness = outcome.fitness;
      es.tell(
        after.literals.map((literal) => literal.value),
        fitness === undefined || !Number.isFinite(fitness) ? Number.NaN : -fitness,
      );
      if (exhausted.has(before.template)) return;
      // A child of a better candidate than the focus has reached moves the focus to that program.
      const better =
        focus !== undefined &&
        focus.template !== before.template &&
        (outcome.parentFitness ?? Number.NEGATIVE_INFINITY) > focus.bestFitness;
      const parentFitness = outcome.parentFitness ?? Number.NEGATIVE_INFINITY;
      const promising = parentFitness >= bestSeen;
      bestSeen = Math.max(bestSeen, parentFitness, fitness ?? Number.NEGATIVE_INFINITY);
      if (focus === undefined || better) {
        const lambda = es.status().lambda;
        focus = {
          template: before.template,
          bestId: outcome.parentId,
          bestFitness: outcome.parentFitness ?? Number.NEGATIVE_INFINITY,
          told: 0,
          sinceBest: 0,
          patience: promising ? Math.max(200, 40 * lambda) : SCREEN_GENERATIONS * lambda,
          cap: 200 + 200 * before.literals.length,
        };
      }
      if (focus.template !== before.template) return;
      focus.told++;
      if (fitness !== undefined && fitness > focus.bestFitness) {
        focus.bestFitness = fitness;
        focus.bestId = outcome.childId;
        focus.sinceBest = 0;
      } else {
        focus.sinceBest++;
      }
      if (es.converged() || focus.sinceBest >= focus.patience || focus.told >= focus.cap) giveUp(before.template);
    },
    preferredParent(best) {
      if (best !== undefined && best.score > (focus?.bestFitness ?? Number.NEGATIVE_INFINITY) && !givenUp.has(best.id)) return best.id;
      return focus?.bestId;
    },
  };
}

/** Adds to a bounded set, forgetting the oldest entry beyond `EXHAUSTED_LIMIT`. */
function remember(set: Set<string>, value: string): void {
  set.add(value);
  if (set.size > EXHAUSTED_LIMIT) set.delete(set.values().next().value as string);
}

/** Why the child does not hold exactly the point in the same code, or undefined when it does. */
async function checkChild(parent: Constants, genome: Genome, point: readonly number[]): Promise<string | undefined> {
  const child = await readConstants(genome);
  if (child.errors.length > 0) return child.errors.join('; ');
  if (child.template !== parent.template || child.literals.length !== point.length) {
    return 'the code around the rewritten literals reads differently afterwards';
  }
  const index = child.literals.findIndex((literal, position) => literal.value !== point[position]);
  if (index !== -1) {
    const literal = child.literals[index] as FloatLiteral;
    return `${literal.file}:${literal.line} reads back as ${literal.value}, not ${point[index]}`;
  }
  return undefined;
}

/** `1.0 -> 0.812 (model.py:3), ...` for the first few literals, then how many more changed. */
function changes(literals: readonly FloatLiteral[], point: readonly number[]): string {
  const listed = literals
    .slice(0, LISTED)
    .map((literal, index) => `${short(literal.value)} -> ${short(point[index] as number)} (${literal.file}:${literal.line})`);
  const more = literals.length - LISTED;
  return more > 0 ? `${listed.join(', ')} and ${more} more` : listed.join(', ');
}

/** Six significant digits, for reading; the diff has the full value. */
function short(value: number): string {
  return String(Number(value.toPrecision(6)));
}
