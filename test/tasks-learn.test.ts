/**
 * Learnability (the pass-rate band a kept task must lie in, and the attempts that measure it) and the
 * SEC curriculum: a softmax bandit over categories, checked against the SIMULATION in
 * src/testing/curriculum-sim.ts (simulated pass rates, no model and no training).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { absoluteAdvantage, Curriculum } from '../src/tasks/curriculum.ts';
import { pickByCurriculum } from '../src/tasks/curriculum-pick.ts';
import { attemptTask, checkBounds, learnabilityOf } from '../src/tasks/learnability.ts';
import { type Category, categoryKey, type GeneratedTask } from '../src/tasks/types.ts';
import { runCurriculumSim } from '../src/testing/curriculum-sim.ts';
import { ouroErrorOf } from './support/ouro-error.ts';

const BAND = { low: 0.2, high: 0.8 };
const ARMS: Category[] = [
  { generator: 'coding', difficulty: 'easy', topic: 'strings' },
  { generator: 'math', difficulty: 'medium', topic: 'arithmetic' },
  { generator: 'triple', difficulty: 'hard', topic: 'lists' },
];
const RISING = 'coding/medium/rising';

describe('learnability bounds', () => {
  it.each([
    [{ low: -0.1, high: 0.5 }, 'bounds.low', '-0.1'],
    [{ low: 0.1, high: 1.5 }, 'bounds.high', '1.5'],
    [{ low: Number.NaN, high: 0.5 }, 'bounds.low', 'NaN'],
    [{ low: 0.7, high: 0.3 }, 'bounds', '0.7'],
    [{ low: 0.4, high: 0.4 }, 'bounds', '0.4'],
    [{ low: 0, high: 0.5 }, 'bounds.low', '0'],
    [{ low: 0.5, high: 1 }, 'bounds.high', '1'],
  ])('refuses %o, naming %s', (bounds, field, shown) => {
    const error = ouroErrorOf(() => checkBounds(bounds));
    expect(error.code).toBe('option-invalid');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toContain(shown);
  });

  it('accepts a band just inside the ends, and learnabilityOf checks its bounds too', () => {
    expect(checkBounds({ low: 0.01, high: 0.99 })).toEqual({ low: 0.01, high: 0.99 });
    expect(ouroErrorOf(() => learnabilityOf(0.5, { low: 0.9, high: 0.1 })).field).toBe('bounds');
    expect(ouroErrorOf(() => learnabilityOf(1.2, BAND)).field).toBe('passRate');
  });
});

describe('learnabilityOf', () => {
  it('keeps only the open middle band, with reward 1 - pass rate', () => {
    expect(learnabilityOf(0, BAND)).toEqual({ keep: false, reward: 0, reason: 'too-hard' });
    expect(learnabilityOf(1, BAND)).toEqual({ keep: false, reward: 0, reason: 'too-easy' });
    expect(learnabilityOf(0.2, BAND)).toEqual({ keep: false, reward: 0, reason: 'too-hard' });
    expect(learnabilityOf(0.8, BAND)).toEqual({ keep: false, reward: 0, reason: 'too-easy' });
    expect(learnabilityOf(0.5, BAND)).toEqual({ keep: true, reward: 0.5 });
    expect(learnabilityOf(0.25, BAND)).toEqual({ keep: true, reward: 0.75 });
  });

  it("with bounds just inside 0 and 1 it is Absolute Zero's rule: only always- and never-solved tasks are out", () => {
    const wide = { low: 0.01, high: 0.99 };
    expect(learnabilityOf(0, wide).keep).toBe(false);
    expect(learnabilityOf(1, wide).keep).toBe(false);
    expect(learnabilityOf(0.125, wide)).toEqual({ keep: true, reward: 0.875 });
  });
});

describe('attemptTask', () => {
  it('runs every attempt once, never more than `concurrency` at a time, and counts the passes', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const tally = await attemptTask(10, 3, async (index) => {
      running += 1;
      peak = Math.max(peak, running);
      seen.push(index);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return index % 4 === 0;
    });
    expect(tally).toEqual({ attempts: 10, passed: 3, passRate: 0.3 });
    expect(peak).toBe(3);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects with the first error and starts no attempt after it', async () => {
    const started: number[] = [];
    const run = attemptTask(20, 2, async (index) => {
      started.push(index);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (index === 3) throw new Error('solver crashed');
      return true;
    });
    await expect(run).rejects.toThrow('solver crashed');
    expect(started.length).toBeLessThan(20);
  });

  it('refuses a count or concurrency that is not a positive whole number', async () => {
    await expect(attemptTask(0, 1, async () => true)).rejects.toMatchObject({ code: 'option-invalid', field: 'n' });
    await expect(attemptTask(4, 1.5, async () => true)).rejects.toMatchObject({ code: 'option-invalid', field: 'concurrency' });
  });
});

describe('absoluteAdvantage', () => {
  it('is 2p(1 - p) for 0/1 rewards: zero at the ends, highest at one half', () => {
    expect(absoluteAdvantage([1, 1, 1, 1])).toBe(0);
    expect(absoluteAdvantage([0, 0, 0, 0])).toBe(0);
    expect(absoluteAdvantage([1, 0, 1, 0])).toBe(0.5);
    expect(absoluteAdvantage([1, 0, 0, 0])).toBeCloseTo(2 * 0.25 * 0.75, 12);
    expect(ouroErrorOf(() => absoluteAdvantage([])).field).toBe('rewards');
  });
});

describe('Curriculum', () => {
  it('refuses no arms, a repeated arm, and bad alpha or temperature, naming the field', () => {
    expect(ouroErrorOf(() => new Curriculum({ arms: [], rng: 1 })).field).toBe('arms');
    expect(ouroErrorOf(() => new Curriculum({ arms: [ARMS[0]!, ARMS[1]!, { ...ARMS[0]! }], rng: 1 })).field).toBe('arms[2]');
    expect(ouroErrorOf(() => new Curriculum({ arms: ARMS, alpha: 0, rng: 1 })).field).toBe('alpha');
    expect(ouroErrorOf(() => new Curriculum({ arms: ARMS, temperature: -1, rng: 1 })).field).toBe('temperature');
    const curriculum = new Curriculum({ arms: ARMS, rng: 1 });
    const stranger: Category = { generator: 'sws', difficulty: 'easy', topic: 'x' };
    expect(ouroErrorOf(() => curriculum.update(stranger, 0.5)).field).toBe('category');
    expect(ouroErrorOf(() => curriculum.update(ARMS[0]!, Number.NaN)).field).toBe('reward');
  });

  it('starts uniform, updates by TD(0) and weights by a softmax at the temperature', () => {
    const curriculum = new Curriculum({ arms: ARMS, alpha: 0.5, temperature: 0.4, rng: 1 });
    for (const weight of Object.values(curriculum.weights())) expect(weight).toBeCloseTo(1 / 3, 12);
    curriculum.update(ARMS[1]!, 0.4);
    curriculum.update(ARMS[1]!, 0.4);
    const q = curriculum.snapshot().q;
    expect(q[categoryKey(ARMS[1]!)]).toBeCloseTo(0.3, 12); // 0 -> 0.2 -> 0.3
    expect(q[categoryKey(ARMS[0]!)]).toBe(0);
    const boosted = Math.exp(0.3 / 0.4);
    expect(curriculum.weights()[categoryKey(ARMS[1]!)]).toBeCloseTo(boosted / (boosted + 2), 12);
    expect(curriculum.history.map((entry) => entry.step)).toEqual([0, 1, 2]);
  });

  it('draws arms as often as their weights say, and counts the picks', () => {
    const curriculum = new Curriculum({ arms: ARMS, alpha: 1, temperature: 0.4, rng: 4 });
    curriculum.update(ARMS[2]!, 1);
    const favourite = categoryKey(ARMS[2]!);
    const weight = curriculum.weights()[favourite]!;
    expect(weight).toBeCloseTo(Math.exp(2.5) / (Math.exp(2.5) + 2), 12);
    const draws = 4000;
    let hits = 0;
    for (let draw = 0; draw < draws; draw++) if (categoryKey(curriculum.pick()) === favourite) hits += 1;
    expect(Math.abs(hits / draws - weight)).toBeLessThan(0.03);
    expect(curriculum.snapshot().picks[favourite]).toBe(hits);
  });

  it('gives the same picks for the same seed, and different ones for another seed', () => {
    const picks = (seed: number, arms = ARMS) => {
      const curriculum = new Curriculum({ arms, rng: seed });
      return Array.from({ length: 30 }, () => categoryKey(curriculum.pick()));
    };
    expect(picks(5)).toEqual(picks(5));
    expect(picks(5, [...ARMS].reverse())).toEqual(picks(5));
    expect(picks(5)).not.toEqual(picks(6));
    expect(new Set(picks(5)).size).toBe(3);
  });

  it('continues identically after snapshot, JSON and restore', () => {
    // The reward depends only on the arm and the step, so both runs see the same world.
    const rewardOf = (category: Category, step: number) => ((categoryKey(category).length * 7 + step * 13) % 10) / 10;
    const drive = (curriculum: Curriculum, steps: number) =>
      Array.from({ length: steps }, () => {
        const category = curriculum.pick();
        curriculum.update(category, rewardOf(category, curriculum.step));
        return categoryKey(category);
      });
    const straight = new Curriculum({ arms: ARMS, rng: Rng.fromSeed(11), alpha: 0.3 });
    const whole = drive(straight, 40);

    const first = new Curriculum({ arms: ARMS, rng: 11, alpha: 0.3 });
    const head = drive(first, 15);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = Curriculum.restore(saved, { arms: [...ARMS].reverse(), alpha: 0.3 });
    expect(resumed.step).toBe(15);
    const tail = drive(resumed, 25);

    expect([...head, ...tail]).toEqual(whole);
    expect(resumed.snapshot()).toEqual(straight.snapshot());
    expect(resumed.history).toEqual(straight.history.slice(15));
  });

  it('refuses a snapshot that is malformed or whose arms differ', () => {
    const saved = new Curriculum({ arms: ARMS, rng: 2 }).snapshot();
    const malformed = ouroErrorOf(() => Curriculum.restore({ ...saved, step: -1 }, { arms: ARMS }));
    expect(malformed.field).toBe('snapshot.step');
    const differ = ouroErrorOf(() => Curriculum.restore(saved, { arms: ARMS.slice(1) }));
    expect(differ.field).toBe('arms');
    expect(differ.message).toContain(categoryKey(ARMS[0]!));
  });
});

describe('the curriculum on the simulation (SIMULATED pass rates, no model)', () => {
  it('shifts weight to the rising category, away from the always- and never-solved ones', () => {
    const run = runCurriculumSim({ steps: 100, seed: 3 });
    const start = run.history[0]!.weights;
    const end = run.history.at(-1)!.weights;
    expect(end[RISING]).toBeGreaterThan(start[RISING]! + 0.15);
    for (const flat of ['coding/easy/solved', 'coding/hard/unsolved']) expect(end[RISING]).toBeGreaterThan(end[flat]! * 2);
    // It was picked more than a uniform draw would in the second half, and so it learned.
    const late = run.steps.slice(50).filter((step) => step.category === RISING).length;
    expect(late).toBeGreaterThan(50 / 3);
    expect(run.passRates[RISING]).toBeGreaterThan(0.3);
  });

  it('is the same run for the same seed, and moves on once the rising category is mastered', () => {
    expect(runCurriculumSim({ steps: 60, seed: 9 }).steps).toEqual(runCurriculumSim({ steps: 60, seed: 9 }).steps);
    const long = runCurriculumSim({ steps: 600, seed: 1 });
    expect(long.passRates[RISING]).toBe(1);
    const peak = Math.max(...long.history.map((entry) => entry.weights[RISING]!));
    expect(peak).toBeGreaterThan(0.5);
    expect(long.history.at(-1)!.weights[RISING]).toBeCloseTo(1 / 3, 2);
  });
});

describe('the curriculum picks what the flywheel trains on', () => {
  const task = (id: string, generator: 'coding' | 'math' | 'ladder', topic: string): GeneratedTask => ({
    id,
    title: id,
    category: { generator, difficulty: 'easy', topic },
    statement: id,
    answer: { value: '1', program: 'export function answer() { return 1; }' },
    provenance: { generator, model: 'scripted', prompt: '', reply: '' },
  });
  const tasks = [
    ...Array.from({ length: 20 }, (_, index) => task(`c${index}`, 'coding', 'strings')),
    ...Array.from({ length: 20 }, (_, index) => task(`m${index}`, 'math', 'arithmetic')),
    task('l0', 'ladder', 'strings'),
  ];

  it('draws in proportion to the category weights, without replacement, the same way for the same seed', () => {
    const weights = { 'coding/easy/strings': 0.9, 'math/easy/arithmetic': 0.1 };
    const chosen = pickByCurriculum(tasks, weights, 10, 3);
    expect(chosen).toHaveLength(10);
    expect(new Set(chosen.map((entry) => entry.id)).size).toBe(10);
    expect(chosen.filter((entry) => entry.id.startsWith('c')).length).toBeGreaterThanOrEqual(7);
    expect(pickByCurriculum(tasks, weights, 10, 3)).toEqual(chosen);
    // Asking for more than there are gives every task; an unweighted category (LADDER's) is drawn too.
    const all = pickByCurriculum(tasks, weights, 100, 1);
    expect(all).toHaveLength(41);
    expect(all.map((entry) => entry.id)).toContain('l0');
  });

  it('refuses a count that is not a whole number of at least 1', () => {
    expect(ouroErrorOf(() => pickByCurriculum(tasks, {}, 0)).field).toBe('curriculum');
  });
});
