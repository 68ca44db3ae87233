/**
 * The curriculum: which category of task to write next. It follows SEC (Self-Evolving Curriculum):
 * a non-stationary multi-armed bandit over categories, each arm with a value Q updated by TD(0),
 * Q <- Q + alpha (r - Q), so recent batches count most and an arm the solver has mastered fades;
 * arms are drawn from a Boltzmann (softmax) distribution over Q at temperature tau. The reward is
 * a batch's learning progress, measured as SEC does by its absolute advantage (`absoluteAdvantage`).
 */
import { z } from 'zod';
import { OuroError } from '../core/errors.ts';
import { Rng, type RngState } from '../core/rng.ts';
import { type Category, categoryKey, DIFFICULTIES, GENERATOR_KINDS } from './types.ts';

export interface CurriculumOptions {
  /** The categories to choose among: at least one, no two with the same `categoryKey`. */
  arms: readonly Category[];
  /** TD(0) step size in (0, 1]: how much one batch moves an arm's value. Default 0.5. */
  alpha?: number;
  /** Softmax temperature, above 0: lower follows Q more greedily. Default 0.4. */
  temperature?: number;
  /**
   * A seed, or an Rng the curriculum alone draws from: `snapshot` saves its state, so draws by
   * anyone else in between would not be replayed on `restore`.
   */
  rng: Rng | number;
}

export const CURRICULUM_DEFAULTS = { alpha: 0.5, temperature: 0.4 } as const;

/** Everything a resumed curriculum needs to continue exactly; plain JSON. */
export interface CurriculumSnapshot {
  /** Each arm's value, by `categoryKey`. */
  q: Record<string, number>;
  /** How often `pick` chose each arm. */
  picks: Record<string, number>;
  /** How many updates were made. */
  step: number;
  rng: RngState;
}

/** The softmax weights after `step` updates (step 0: before any). */
export interface CurriculumWeights {
  step: number;
  weights: Record<string, number>;
}

/** One word of the Rng's state: its arithmetic leaves some words signed (int32), others unsigned. */
const stateWord = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 32 - 1);
const snapshotSchema = z.object({
  q: z.record(z.string(), z.number().finite()),
  picks: z.record(z.string(), z.number().int().min(0)),
  step: z.number().int().min(0),
  rng: z.tuple([stateWord, stateWord, stateWord, stateWord]),
});

/**
 * SEC's reward for one batch of 0/1 (or graded) rewards of one category: the mean absolute
 * advantage, mean |r_i - mean(r)|. The advantage here is not divided by the batch's standard
 * deviation. For 0/1 rewards at pass rate p it equals 2p(1 - p): 0 for a category always or never
 * solved, highest at p = 0.5, so it favours the same middle band as the learnability filter. For
 * several tasks of one category in a step, average their values. Throws on an empty batch.
 *
 * @example
 * absoluteAdvantage([1, 0, 1, 0]); // 0.5
 * absoluteAdvantage([1, 1, 1, 1]); // 0
 */
export function absoluteAdvantage(rewards: readonly number[]): number {
  if (rewards.length === 0) throw new OuroError('option-invalid', 'rewards: an empty batch has no advantage', { field: 'rewards' });
  const mean = rewards.reduce((sum, reward) => sum + reward, 0) / rewards.length;
  return rewards.reduce((sum, reward) => sum + Math.abs(reward - mean), 0) / rewards.length;
}

/**
 * A SEC curriculum over categories. Q starts at 0 for every arm, so the first draws are uniform.
 *
 * @example
 * const curriculum = new Curriculum({ arms, rng: 7 });
 * const category = curriculum.pick();
 * const rewards = await solveBatch(category); // 0/1 per attempt
 * curriculum.update(category, absoluteAdvantage(rewards));
 * store.save(curriculum.snapshot());
 */
export class Curriculum {
  /** The arms, sorted by `categoryKey`. */
  readonly arms: readonly Category[];
  readonly alpha: number;
  readonly temperature: number;
  private readonly keys: readonly string[];
  private readonly values: number[];
  private readonly pickCounts: number[];
  private rng: Rng;
  private steps = 0;
  private readonly recorded: CurriculumWeights[] = [];

  constructor(options: CurriculumOptions) {
    this.arms = checkArms(options.arms);
    this.keys = this.arms.map(categoryKey);
    this.alpha = options.alpha ?? CURRICULUM_DEFAULTS.alpha;
    this.temperature = options.temperature ?? CURRICULUM_DEFAULTS.temperature;
    if (!(this.alpha > 0 && this.alpha <= 1)) {
      throw new OuroError('option-invalid', `alpha must be in (0, 1], got ${String(options.alpha)}`, { field: 'alpha' });
    }
    if (!(this.temperature > 0 && Number.isFinite(this.temperature))) {
      throw new OuroError('option-invalid', `temperature must be a positive number, got ${String(options.temperature)}`, {
        field: 'temperature',
      });
    }
    this.values = this.keys.map(() => 0);
    this.pickCounts = this.keys.map(() => 0);
    this.rng = typeof options.rng === 'number' ? Rng.fromSeed(options.rng) : options.rng;
    this.recorded.push({ step: 0, weights: this.weights() });
  }

  /**
   * A curriculum that continues from `snapshot` exactly as the saved one would have: same values,
   * counts, step and random stream. The arms must be the snapshot's (by `categoryKey`, any order);
   * a changed set is refused (`option-invalid`, field `arms`) rather than guessed at. Its history
   * starts at the snapshot's step; earlier weights are the store's to keep.
   */
  static restore(snapshot: unknown, options: Omit<CurriculumOptions, 'rng'>): Curriculum {
    const parsed = snapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ['snapshot', ...(issue?.path ?? [])].join('.');
      throw new OuroError('option-invalid', `${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    const saved = parsed.data;
    const curriculum = new Curriculum({ ...options, rng: new Rng(saved.rng) });
    const known = new Set(curriculum.keys);
    const missing = curriculum.keys.filter((key) => !(key in saved.q) || !(key in saved.picks));
    const extra = [...Object.keys(saved.q), ...Object.keys(saved.picks)].filter((key) => !known.has(key));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length > 0 ? `not in the snapshot: ${missing.join(', ')}` : '',
        extra.length > 0 ? `not an arm: ${extra.join(', ')}` : '',
      ];
      throw new OuroError('option-invalid', `arms differ from the snapshot's (${parts.filter(Boolean).join('; ')})`, { field: 'arms' });
    }
    curriculum.keys.forEach((key, index) => {
      curriculum.values[index] = saved.q[key] as number;
      curriculum.pickCounts[index] = saved.picks[key] as number;
    });
    curriculum.steps = saved.step;
    curriculum.recorded.splice(0, curriculum.recorded.length, { step: saved.step, weights: curriculum.weights() });
    return curriculum;
  }

  /** The Boltzmann probability of each arm, by `categoryKey`: exp(Q / tau), normalised. */
  weights(): Record<string, number> {
    const probabilities = this.probabilities();
    return Object.fromEntries(this.keys.map((key, index) => [key, probabilities[index] as number]));
  }

  /** Draws an arm from the softmax over Q (one draw from the rng) and counts it. */
  pick(): Category {
    const index = this.rng.weighted(this.probabilities());
    this.pickCounts[index] = (this.pickCounts[index] as number) + 1;
    return this.arms[index] as Category;
  }

  /**
   * TD(0) on the arm of `category`: Q <- Q + alpha (reward - Q); other arms keep their value.
   * Records the new weights in `history`. Throws `option-invalid` on an unknown category (field
   * `category`) or a reward that is not a finite number (field `reward`).
   */
  update(category: Category, reward: number): void {
    const key = categoryKey(category);
    const index = this.keys.indexOf(key);
    if (index === -1) throw new OuroError('option-invalid', `category ${key} is not an arm of this curriculum`, { field: 'category' });
    if (typeof reward !== 'number' || !Number.isFinite(reward)) {
      throw new OuroError('option-invalid', `reward must be a finite number, got ${String(reward)}`, { field: 'reward' });
    }
    const value = this.values[index] as number;
    this.values[index] = value + this.alpha * (reward - value);
    this.steps += 1;
    this.recorded.push({ step: this.steps, weights: this.weights() });
  }

  /** How many updates were made. */
  get step(): number {
    return this.steps;
  }

  /** The weights at each step since construction (or since `restore`), oldest first. */
  get history(): readonly CurriculumWeights[] {
    return this.recorded;
  }

  snapshot(): CurriculumSnapshot {
    return {
      q: Object.fromEntries(this.keys.map((key, index) => [key, this.values[index] as number])),
      picks: Object.fromEntries(this.keys.map((key, index) => [key, this.pickCounts[index] as number])),
      step: this.steps,
      rng: this.rng.state(),
    };
  }

  private probabilities(): number[] {
    // Subtracting the largest value first keeps exp() finite at any temperature.
    const top = Math.max(...this.values);
    const scaled = this.values.map((value) => Math.exp((value - top) / this.temperature));
    const total = scaled.reduce((sum, value) => sum + value, 0);
    return scaled.map((value) => value / total);
  }
}

function checkArms(arms: readonly Category[]): readonly Category[] {
  if (!Array.isArray(arms) || arms.length === 0) {
    throw new OuroError('option-invalid', 'arms must list at least one category', { field: 'arms' });
  }
  const seen = new Set<string>();
  arms.forEach((arm, index) => {
    const field = `arms[${index}]`;
    if (!GENERATOR_KINDS.includes(arm?.generator) || !DIFFICULTIES.includes(arm?.difficulty) || !arm?.topic) {
      throw new OuroError('option-invalid', `${field} is not a category: ${JSON.stringify(arm)}`, { field });
    }
    const key = categoryKey(arm);
    if (seen.has(key)) throw new OuroError('option-invalid', `${field}: ${key} is listed twice`, { field });
    seen.add(key);
  });
  // Draws map onto arms in key order, not listing order, so a restore with the arms listed otherwise stays identical.
  return arms.map((arm) => ({ ...arm })).sort((a, b) => (categoryKey(a) < categoryKey(b) ? -1 : 1));
}
