import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { improvementReward, OperatorBandit } from './bandit.ts';

const NAMES = ['perturb-number', 'swap-operator', 'crossover'];

describe('OperatorBandit', () => {
  it('tries every arm once before repeating one', () => {
    const bandit = new OperatorBandit(NAMES);
    const rng = Rng.fromSeed(1);
    const first = NAMES.map(() => {
      const name = bandit.choose(rng);
      bandit.update(name, 1);
      return name;
    });
    expect([...first].sort()).toEqual([...NAMES].sort());
  });

  it('pulls the arm that improves most often the most', () => {
    const bandit = new OperatorBandit(NAMES);
    const rng = Rng.fromSeed(2);
    const world = Rng.fromSeed(3);
    const odds: Record<string, number> = { 'perturb-number': 0.1, 'swap-operator': 0.6, crossover: 0.2 };
    for (let round = 0; round < 1000; round++) {
      const name = bandit.choose(rng);
      bandit.update(name, world.next() < (odds[name] as number) ? 1 : 0);
    }
    const stats = bandit.stats();
    const best = stats.find(({ name }) => name === 'swap-operator')!;
    expect(best.pulls).toBeGreaterThan(600);
    expect(best.meanReward).toBeGreaterThan(0.5);
    expect(stats.reduce((sum, arm) => sum + arm.pulls, 0)).toBe(1000);
    for (const arm of stats) expect(arm.pulls).toBeGreaterThan(10);
  });

  it('is rebuilt exactly by replaying its updates', () => {
    const live = new OperatorBandit(NAMES);
    const rng = Rng.fromSeed(4);
    const world = Rng.fromSeed(5);
    const history: Array<[string, number]> = [];
    for (let round = 0; round < 200; round++) {
      const name = live.choose(rng);
      const reward = world.next() < 0.3 ? 1 : 0;
      live.update(name, reward);
      history.push([name, reward]);
    }
    const replayed = new OperatorBandit(NAMES);
    for (const [name, reward] of history) replayed.update(name, reward);
    expect(replayed.stats()).toEqual(live.stats());
    const state = rng.state();
    const choices = (bandit: OperatorBandit): string[] => {
      const copy = new Rng(state);
      return Array.from({ length: 20 }, () => bandit.choose(copy));
    };
    expect(choices(replayed)).toEqual(choices(live));
  });

  it('breaks ties with the rng and advances it the same way either way', () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++) picks.add(new OperatorBandit(NAMES).choose(Rng.fromSeed(seed)));
    expect(picks.size).toBeGreaterThan(1);
    const untied = new OperatorBandit(NAMES);
    for (const name of NAMES) untied.update(name, name === 'crossover' ? 1 : 0);
    const a = Rng.fromSeed(9);
    const b = Rng.fromSeed(9);
    new OperatorBandit(NAMES).choose(a);
    expect(untied.choose(b)).toBe('crossover');
    expect(b.state()).toEqual(a.state());
  });

  it('exploits greedily with no exploration bonus', () => {
    const bandit = new OperatorBandit(NAMES, { exploration: 0 });
    bandit.update('perturb-number', 0);
    bandit.update('swap-operator', 0.5);
    bandit.update('crossover', 0.25);
    const rng = Rng.fromSeed(6);
    for (let round = 0; round < 10; round++) expect(bandit.choose(rng)).toBe('swap-operator');
  });

  it('clamps rewards to [0, 1] and ignores unknown arms', () => {
    const bandit = new OperatorBandit(NAMES);
    bandit.update('crossover', 5);
    bandit.update('crossover', -3);
    bandit.update('crossover', Number.NaN);
    bandit.update('retired-operator', 1);
    expect(bandit.stats()).toEqual([
      { name: 'perturb-number', pulls: 0, meanReward: 0 },
      { name: 'swap-operator', pulls: 0, meanReward: 0 },
      { name: 'crossover', pulls: 3, meanReward: 1 / 3 },
    ]);
  });

  it('rejects an empty or duplicated list of arms', () => {
    expect(() => new OperatorBandit([])).toThrow(RangeError);
    expect(() => new OperatorBandit(['crossover', 'crossover'])).toThrow(/duplicate/);
  });
});

describe('improvementReward', () => {
  it('is 1 only for a scored child that strictly beats its parent', () => {
    expect(improvementReward(0.5, 0.6)).toBe(1);
    expect(improvementReward(0.5, 0.5)).toBe(0);
    expect(improvementReward(0.5, 0.4)).toBe(0);
    expect(improvementReward(-10, -9)).toBe(1);
    expect(improvementReward(0.5, undefined)).toBe(0);
    expect(improvementReward(0.5, Number.NaN)).toBe(0);
    expect(improvementReward(undefined, 0.1)).toBe(1);
  });

  it('pays in full only for beating the run best, and a share for beating the parent alone', () => {
    expect(improvementReward(0.5, 0.9, 0.8)).toBe(1);
    // A share of 0.25 in proportion to the gap to the best that the child closed.
    expect(improvementReward(0.5, 0.8, 0.8)).toBe(0.25);
    expect(improvementReward(0.5, 0.65, 0.8)).toBeCloseTo(0.125, 12);
    expect(improvementReward(-100, -99, 0)).toBeCloseTo(0.0025, 12);
    expect(improvementReward(-1e6, -5e5, 0)).toBeCloseTo(0.125, 12);
    expect(improvementReward(0.5, 0.4, 0.8)).toBe(0);
    expect(improvementReward(undefined, 0.1, 0.8)).toBe(0.25);
    expect(improvementReward(0.5, Number.NaN, 0.8)).toBe(0);
  });
});
