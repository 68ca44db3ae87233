/**
 * A SIMULATION of a SEC curriculum at work, for tests and for seeing the bandit move: no model, no
 * tasks, no training. Each category has a simulated solver pass rate; a step picks a category, draws
 * a batch of 0/1 attempts from its pass rate, rewards the curriculum with the batch's absolute
 * advantage, then "trains": a category with an `increment` gains that much pass rate each time it is
 * picked, up to its `ceiling`. The default world has three categories: one rising from 0.05, one
 * always solved and one never solved, so only the rising one has anything to teach.
 */
import { Rng } from '../core/rng.ts';
import { absoluteAdvantage, Curriculum, type CurriculumWeights } from '../tasks/curriculum.ts';
import { type Category, categoryKey } from '../tasks/types.ts';

/** A simulated category: the solver's pass rate on it, and how training on it moves that. */
export interface SimCategory {
  category: Category;
  passRate: number;
  /** Pass rate gained each time the category is picked. Default 0: flat. */
  increment?: number;
  /** The pass rate training stops at. Default 1. */
  ceiling?: number;
}

export interface CurriculumSimOptions {
  steps: number;
  /** Attempts drawn per step. Default 8. */
  batch?: number;
  seed?: number;
  categories?: readonly SimCategory[];
  alpha?: number;
  temperature?: number;
}

/** One simulated step: what was picked, its pass rate before training, the batch and the reward. */
export interface SimCurriculumStep {
  step: number;
  category: string;
  passRate: number;
  passed: number;
  reward: number;
}

export interface CurriculumSimResult {
  steps: SimCurriculumStep[];
  /** The softmax weights at step 0 (uniform) and after every step. */
  history: readonly CurriculumWeights[];
  /** Each category's simulated pass rate at the end, by `categoryKey`. */
  passRates: Record<string, number>;
  curriculum: Curriculum;
}

/** The default world: `coding/medium/rising` learns 0.01 per pick; `easy/solved` is always solved, `hard/unsolved` never. */
export const SIM_CATEGORIES: readonly SimCategory[] = [
  { category: { generator: 'coding', difficulty: 'medium', topic: 'rising' }, passRate: 0.05, increment: 0.01, ceiling: 1 },
  { category: { generator: 'coding', difficulty: 'easy', topic: 'solved' }, passRate: 1 },
  { category: { generator: 'coding', difficulty: 'hard', topic: 'unsolved' }, passRate: 0 },
];

/**
 * Runs the simulation. The curriculum draws from its own seeded stream and the simulated attempts
 * from another, so equal options give equal runs.
 *
 * @example
 * const { history } = runCurriculumSim({ steps: 100, seed: 1 });
 * history.at(-1)?.weights['coding/medium/rising']; // well above 1/3
 */
export function runCurriculumSim(options: CurriculumSimOptions): CurriculumSimResult {
  const categories = options.categories ?? SIM_CATEGORIES;
  const batch = options.batch ?? 8;
  const seed = options.seed ?? 1;
  const curriculum = new Curriculum({
    arms: categories.map((entry) => entry.category),
    alpha: options.alpha,
    temperature: options.temperature,
    rng: seed,
  });
  const world = Rng.fromSeed(seed ^ 0x5eed);
  const passRates = new Map(categories.map((entry) => [categoryKey(entry.category), entry.passRate]));
  const steps: SimCurriculumStep[] = [];
  for (let step = 1; step <= options.steps; step++) {
    const category = curriculum.pick();
    const key = categoryKey(category);
    const passRate = passRates.get(key) as number;
    const rewards = Array.from({ length: batch }, () => (world.next() < passRate ? 1 : 0));
    const reward = absoluteAdvantage(rewards);
    curriculum.update(category, reward);
    steps.push({ step, category: key, passRate, passed: rewards.reduce((sum: number, value) => sum + value, 0), reward });
    const entry = categories.find((candidate) => categoryKey(candidate.category) === key) as SimCategory;
    const trained = Math.min(entry.ceiling ?? 1, passRate + (entry.increment ?? 0));
    passRates.set(key, Math.round(trained * 1e9) / 1e9);
  }
  return { steps, history: curriculum.history, passRates: Object.fromEntries(passRates), curriculum };
}
