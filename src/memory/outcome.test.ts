import { describe, expect, it } from 'vitest';
import { changeKind, changeSite, failureCause, isImprovement, type Outcome } from './outcome.ts';

const base: Outcome = { operator: 'perturb-number', description: '', diff: '', status: 'ok' };

describe('changeSite', () => {
  it('reads the place from the embedded operators and the short forms', () => {
    expect(changeSite('perturb-number 0.5 -> 0.4731 at pack.js:11')).toBe('pack.js:11');
    expect(changeSite('delete-statement at src/pack.js:14: index += 1;')).toBe('src/pack.js:14');
    expect(changeSite('swap + -> - (pack.js:20)')).toBe('pack.js:20');
    expect(changeSite('rewrote the main loop')).toBeUndefined();
  });
});

describe('changeKind', () => {
  it('tells lowering from raising a number', () => {
    expect(changeKind('perturb-number 0.5 -> 0.4731 at pack.js:11')?.key).toBe('number-lower');
    expect(changeKind('perturb 3 -> 1_000 (pack.js:12)')?.key).toBe('number-raise');
    expect(changeKind('perturb-number -1 -> -1 at pack.js:3')).toBeUndefined();
  });

  it('names a token swap', () => {
    expect(changeKind('swap-operator < -> <= at pack.js:10')).toEqual({ key: 'swap < <=', label: 'Swapping < for <=' });
    expect(changeKind('swap + -> - (pack.js:20)')?.label).toBe('Swapping + for -');
  });

  it('gives statement-level changes no kind', () => {
    expect(changeKind('delete-statement at pack.js:14: index += 1;')).toBeUndefined();
    expect(changeKind('delete statement (pack.js:31)')).toBeUndefined();
  });
});

describe('failureCause', () => {
  it('groups messages that differ only in numbers', () => {
    const first = failureCause({ ...base, status: 'error', error: 'RangeError: index 12 out of range\n  at pack.js:3' });
    const second = failureCause({ ...base, status: 'error', error: 'RangeError: index 7 out of range' });
    expect(first?.label).toBe('RangeError: index 12 out of range');
    expect(first?.key).toBe(second?.key);
    expect(failureCause({ ...base, status: 'timeout' })?.label).toBe('timeout');
    expect(failureCause({ ...base, status: 'invalid', error: 'score is NaN' })?.label).toBe('invalid: score is NaN');
    expect(failureCause({ ...base, score: 1 })).toBeUndefined();
  });
});

describe('isImprovement', () => {
  it('ignores gains within rounding and outcomes without a parent score', () => {
    expect(isImprovement({ ...base, parentScore: 0.3, score: 0.1 + 0.2 })).toBe(false);
    expect(isImprovement({ ...base, parentScore: 0.3, score: 0.31 })).toBe(true);
    expect(isImprovement({ ...base, score: 0.31 })).toBe(false);
  });
});
