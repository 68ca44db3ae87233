import { describe, expect, it } from 'vitest';
import { samplingOf } from './round.ts';
import { FLYWHEEL_DEFAULTS, type FlywheelSettings } from './settings.ts';
import type { StoredRound } from './store.ts';

const settings = (adapt: boolean): FlywheelSettings => ({
  ...FLYWHEEL_DEFAULTS,
  pairs: ['dpo'],
  source: { kind: 'gsm8k', file: 'x.jsonl' },
  model: 'm',
  exportDir: 'out',
  adapt,
  temperature: 0.8,
  k: 4,
});

function round(index: number, figures: { passAtK: number; distinctCorrectResponses: number; selectedAccuracy: number }): StoredRound {
  return { round: index, model: 'm', status: 'complete', figures, exports: {}, createdAt: 0 };
}

describe('samplingOf', () => {
  it("keeps the settings' temperature and K without --adapt, whatever the figures say", () => {
    const history = [
      round(0, { passAtK: 0.9, distinctCorrectResponses: 3, selectedAccuracy: 1 }),
      round(1, { passAtK: 0.5, distinctCorrectResponses: 1, selectedAccuracy: 1 }),
    ];
    expect(samplingOf(settings(false), history)).toEqual({ k: 4, temperature: 0.8 });
  });

  it('with --adapt, raises the temperature after a round whose exploration fell, and lowers it when exploitation falls', () => {
    const explored = round(0, { passAtK: 0.9, distinctCorrectResponses: 3, selectedAccuracy: 1 });
    const narrower = round(1, { passAtK: 0.5, distinctCorrectResponses: 1, selectedAccuracy: 1 });
    const raised = samplingOf(settings(true), [explored, narrower]);
    expect(raised.temperature).toBeGreaterThan(0.8);
    expect(raised.reason).toMatch(/exploration fell/);
    const sloppier = round(2, { passAtK: 0.5, distinctCorrectResponses: 1, selectedAccuracy: 0.6 });
    const lowered = samplingOf(settings(true), [explored, narrower, sloppier]);
    expect(lowered.temperature).toBeLessThan(raised.temperature);
    expect(lowered.reason).toMatch(/exploitation fell/);
    // Fewer than two rounds: nothing to compare.
    expect(samplingOf(settings(true), [explored])).toMatchObject({ k: 4, temperature: 0.8 });
  });
});
