import { describe, expect, it } from 'vitest';
import { adaptSettings } from './adapt.ts';

const steady = { passAtK: 0.8, distinctCorrectResponses: 3, selectedAccuracy: 0.9 };
const lessExploration = { passAtK: 0.6, distinctCorrectResponses: 3, selectedAccuracy: 0.9 };
const fewerDistinct = { passAtK: 0.8, distinctCorrectResponses: 2, selectedAccuracy: 0.9 };
const lessExploitation = { passAtK: 0.8, distinctCorrectResponses: 3, selectedAccuracy: 0.7 };
const bothWorse = { passAtK: 0.6, distinctCorrectResponses: 2, selectedAccuracy: 0.7 };

describe('adaptSettings', () => {
  const current = { temperature: 0.7, k: 8 };

  it('raises the temperature when exploration falls, by pass@K or by distinct correct replies', () => {
    expect(adaptSettings([steady, lessExploration], current)).toMatchObject({
      temperature: 0.8,
      k: 8,
      reason: 'exploration fell: temperature raised',
    });
    expect(adaptSettings([steady, fewerDistinct], current)).toMatchObject({ temperature: 0.8, k: 8 });
  });

  it('lowers the temperature when exploitation falls', () => {
    expect(adaptSettings([steady, lessExploitation], current)).toMatchObject({
      temperature: 0.6,
      k: 8,
      reason: 'exploitation fell: temperature lowered',
    });
  });

  it('keeps the temperature and samples more replies when both fall', () => {
    expect(adaptSettings([steady, bothWorse], current)).toMatchObject({ temperature: 0.7, k: 10 });
  });

  it('changes nothing when both hold, within tolerance, or with fewer than two rounds', () => {
    const slightlyWorse = { passAtK: 0.78, distinctCorrectResponses: 2.9, selectedAccuracy: 0.88 };
    expect(adaptSettings([steady, slightlyWorse], current)).toMatchObject(current);
    expect(adaptSettings([lessExploration, steady], current)).toMatchObject(current);
    expect(adaptSettings([steady], current)).toMatchObject({ ...current, reason: expect.stringMatching(/fewer than two rounds/) });
    expect(adaptSettings([], current)).toMatchObject(current);
  });

  it('reads only the last two rounds', () => {
    expect(adaptSettings([lessExploration, steady, lessExploitation], current).temperature).toBe(0.6);
  });

  it('ignores the accuracy of a round with nothing checked kept', () => {
    const unchecked = { passAtK: 0.8, distinctCorrectResponses: 3, selectedAccuracy: undefined };
    expect(adaptSettings([steady, unchecked], current)).toMatchObject(current);
  });

  it('stays within its bounds', () => {
    const bounds = { minTemperature: 0.5, maxTemperature: 0.9, minK: 2, maxK: 9 };
    // At the temperature ceiling, falling exploration asks for more replies instead, up to maxK.
    expect(adaptSettings([steady, lessExploration], { temperature: 0.9, k: 8 }, bounds)).toMatchObject({ temperature: 0.9, k: 9 });
    expect(adaptSettings([steady, lessExploration], { temperature: 0.9, k: 9 }, bounds)).toMatchObject({ temperature: 0.9, k: 9 });
    expect(adaptSettings([steady, lessExploitation], { temperature: 0.5, k: 4 }, bounds)).toMatchObject({ temperature: 0.5, k: 4 });
    expect(adaptSettings([steady, bothWorse], { temperature: 0.6, k: 9 }, bounds)).toMatchObject({ temperature: 0.6, k: 9 });
    // Settings outside the bounds are brought within them first.
    expect(adaptSettings([steady], { temperature: 2, k: 50 }, bounds)).toMatchObject({ temperature: 0.9, k: 9 });
    expect(adaptSettings([steady], { temperature: 0, k: 0 }, bounds)).toMatchObject({ temperature: 0.5, k: 2 });
  });

  it('walks the temperature in clean steps over many rounds without leaving its range', () => {
    let settings = { temperature: 0.7, k: 4 };
    const seen: number[] = [];
    for (let round = 0; round < 12; round++) {
      settings = adaptSettings([steady, lessExploration], settings);
      seen.push(settings.temperature);
    }
    expect(seen.slice(0, 5)).toEqual([0.8, 0.9, 1, 1.1, 1.2]);
    expect(Math.max(...seen)).toBe(1.2);
    expect(settings.k).toBe(18);
  });

  it('refuses bounds that cross or are not numbers, naming the field', () => {
    expect(() => adaptSettings([], current, { minTemperature: 1, maxTemperature: 0.5 })).toThrow(/minTemperature/);
    expect(() => adaptSettings([], current, { minK: 9, maxK: 3 })).toThrow(/minK/);
    expect(() => adaptSettings([], current, { kStep: 1.5 })).toThrow(/kStep/);
    expect(() => adaptSettings([], current, { temperatureStep: Number.NaN })).toThrow(/temperatureStep/);
    expect(() => adaptSettings([], current, { tolerance: 1 })).toThrow(/tolerance/);
  });
});
