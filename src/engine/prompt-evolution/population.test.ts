import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { PromptTemplateRecord } from '../../store/store.ts';
import { beatsParent, TemplatePopulation } from './population.ts';

function record(id: string, fields: Partial<PromptTemplateRecord> = {}): PromptTemplateRecord {
  return {
    id,
    seq: Number(id.split('.')[1]),
    operator: 'llm-diff',
    text: `text of ${id}\n{{format}}\n`,
    origin: id.endsWith('.0') ? 'built-in' : 'model',
    detail: '',
    costUsd: 0,
    evaluations: 0,
    createdAt: 0,
    ...fields,
  };
}

/** A population with the seed and `variants` more members, none of which has prompted anything. */
function population(variants = 0): TemplatePopulation {
  const made = new TemplatePopulation('llm-diff');
  made.add(record('llm-diff.0'));
  for (let index = 1; index <= variants; index++) made.add(record(`llm-diff.${index}`, { parentId: 'llm-diff.0' }));
  return made;
}

describe('beatsParent', () => {
  it('counts a scored child above its parent, and any scored child of an unscored parent', () => {
    expect(beatsParent(1, { status: 'ok', score: 2 })).toBe(true);
    expect(beatsParent(2, { status: 'ok', score: 2 })).toBe(false);
    expect(beatsParent(undefined, { status: 'ok', score: -5 })).toBe(true);
    expect(beatsParent(undefined, { status: 'error' })).toBe(false);
    expect(beatsParent(1, { status: 'ok', score: Number.NaN })).toBe(false);
  });
});

describe('TemplatePopulation', () => {
  it('tries a new member first, and draws exactly once from the rng per choice', () => {
    const templates = population(1);
    templates.child('llm-diff.0', { reward: 1, beat: true, costUsd: 0 });
    const rng = Rng.fromSeed(5);
    const twin = Rng.fromSeed(5);
    expect(templates.choose(rng).id).toBe('llm-diff.1');
    twin.int(1);
    expect(rng.state()).toEqual(twin.state());
    expect(templates.proposals).toBe(1);
  });

  it('keeps statistics per template: proposals, children, beats, spend and mean reward with failures at zero', () => {
    const templates = population(1);
    templates.child('llm-diff.1', { reward: 1, beat: true, costUsd: 0.02 });
    templates.child('llm-diff.1', { reward: 0.5, beat: false, costUsd: 0.01 });
    templates.failed('llm-diff.1');
    templates.spent('llm-diff.1', 0.01);
    expect(templates.stats('llm-diff.1')).toEqual({ proposals: 3, children: 2, beats: 1, spendUsd: 0.04, meanReward: 0.5 });
    expect(templates.stats('llm-diff.0')).toEqual({ proposals: 0, children: 0, beats: 0, spendUsd: 0, meanReward: undefined });
    // Rewards are clamped as the bandit clamps them.
    templates.child('llm-diff.0', { reward: 7, beat: true, costUsd: 0 });
    expect(templates.stats('llm-diff.0').meanReward).toBe(1);
  });

  it('chooses the same whether the outcomes came before the members were known or one at a time', () => {
    const live = population(0);
    const rebuilt = population(0);
    const liveRng = Rng.fromSeed(9);
    const outcomes: Array<[string, number]> = [];
    // Live: choose, then credit, adding a member after every fourth proposal.
    for (let step = 0; step < 24; step++) {
      if (step > 0 && step % 4 === 0) live.add(record(`llm-diff.${step / 4}`, { parentId: 'llm-diff.0' }));
      const id = live.choose(liveRng).id;
      const reward = (step * 7) % 5 === 0 ? 0 : ((step * 3) % 4) / 4;
      outcomes.push([id, reward]);
      if (reward === 0) live.failed(id);
      else live.child(id, { reward, beat: reward > 0.5, costUsd: 0 });
    }
    // Rebuilt: every member first, then every outcome, as a resume does.
    for (let index = 1; index <= 5; index++) rebuilt.add(record(`llm-diff.${index}`, { parentId: 'llm-diff.0' }));
    for (const [id, reward] of outcomes) {
      if (reward === 0) rebuilt.failed(id);
      else rebuilt.child(id, { reward, beat: reward > 0.5, costUsd: 0 });
    }
    const a = Rng.fromSeed(3);
    const b = Rng.fromSeed(3);
    const next = (templates: TemplatePopulation, rng: Rng) => Array.from({ length: 12 }, () => templates.choose(rng).id);
    expect(next(rebuilt, b)).toEqual(next(live, a));
  });

  it('names the favourite: the best mean reward, then more proposals; the first template before any proposal', () => {
    const templates = population(2);
    expect(templates.favourite().id).toBe('llm-diff.0');
    templates.child('llm-diff.1', { reward: 0.5, beat: true, costUsd: 0 });
    expect(templates.favourite().id).toBe('llm-diff.1');
    templates.child('llm-diff.2', { reward: 0.5, beat: true, costUsd: 0 });
    templates.child('llm-diff.2', { reward: 0.5, beat: true, costUsd: 0 });
    expect(templates.favourite().id).toBe('llm-diff.2');
    templates.child('llm-diff.0', { reward: 0.9, beat: true, costUsd: 0 });
    expect(templates.favourite().id).toBe('llm-diff.0');
  });

  it('retires the worst member once full, never the first template and not the parent of the newcomer', () => {
    const templates = population(3);
    expect(templates.retiree(5)).toBeUndefined();
    // No member has prompted anything: the oldest variant goes.
    expect(templates.retiree(4)).toBe('llm-diff.1');
    templates.child('llm-diff.0', { reward: 0, beat: false, costUsd: 0 });
    templates.child('llm-diff.1', { reward: 0.2, beat: true, costUsd: 0 });
    templates.child('llm-diff.2', { reward: 0.1, beat: true, costUsd: 0 });
    templates.child('llm-diff.3', { reward: 0.1, beat: true, costUsd: 0 });
    templates.child('llm-diff.3', { reward: 0.1, beat: true, costUsd: 0 });
    // llm-diff.2 and .3 tie; .2 has the fewer proposals. The seed, at 0, stays.
    expect(templates.retiree(4)).toBe('llm-diff.2');
    expect(templates.retiree(4, 'llm-diff.2')).toBe('llm-diff.3');
    templates.add(record('llm-diff.4', { parentId: 'llm-diff.1', retired: 'llm-diff.2' }));
    expect(templates.current().map((member) => member.id)).toEqual(['llm-diff.0', 'llm-diff.1', 'llm-diff.3', 'llm-diff.4']);
    // With the seed and one variant at a maximum of 2, the parent itself makes way.
    const pair = population(1);
    expect(pair.retiree(2, 'llm-diff.1')).toBe('llm-diff.1');
  });

  it('keeps a retired template in the statistics but out of the choice, and ignores ids of other operators', () => {
    const templates = population(1);
    templates.add(record('llm-diff.2', { retired: 'llm-diff.1' }));
    templates.child('llm-diff.1', { reward: 1, beat: true, costUsd: 0.5 });
    templates.child('llm-reflect.0', { reward: 1, beat: true, costUsd: 0.5 });
    expect(templates.stats('llm-diff.1')).toMatchObject({ children: 1, beats: 1, spendUsd: 0.5 });
    expect(templates.has('llm-reflect.0')).toBe(false);
    const rng = Rng.fromSeed(1);
    const chosen = new Set(Array.from({ length: 6 }, () => templates.choose(rng).id));
    expect([...chosen].sort()).toEqual(['llm-diff.0', 'llm-diff.2']);
  });

  it('is due for a variation after every `every` proposals, counting variants under way', () => {
    const templates = population(0);
    const rng = Rng.fromSeed(2);
    expect(templates.due(3)).toBe(false);
    for (let index = 0; index < 3; index++) templates.choose(rng);
    expect(templates.due(3)).toBe(true);
    expect(templates.issueId()).toBe('llm-diff.1');
    // The id is given out before the variant is written: no second variation starts meanwhile.
    expect(templates.due(3)).toBe(false);
    templates.add(record('llm-diff.1', { discarded: 'it drops {{format}}, which the parent template fills' }));
    expect(templates.current()).toHaveLength(1);
    for (let index = 0; index < 3; index++) templates.choose(rng);
    expect(templates.due(3)).toBe(true);
    expect(templates.issueId()).toBe('llm-diff.2');
  });
});
