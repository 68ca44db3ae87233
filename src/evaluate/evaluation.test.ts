import { describe, expect, it } from 'vitest';
import { toEvaluation } from './evaluation.ts';

const ok = (score: number) => ({
  status: 'ok' as const,
  result: { score, metrics: {}, features: {}, instances: {}, feedback: '', artifacts: {} },
});

describe('toEvaluation', () => {
  it('records a score outside evaluation.scoreRange as invalid, naming the bound', () => {
    const range = { min: 0, max: 2.8768 };
    expect(toEvaluation('c1', ok(2.5), 'final', 1, range)).toMatchObject({ status: 'ok', score: 2.5 });
    expect(toEvaluation('c2', ok(9), 'final', 1, range)).toMatchObject({
      status: 'invalid',
      error: 'score 9 is above evaluation.scoreRange.max (2.8768)',
    });
    expect(toEvaluation('c3', ok(-1), 'final', 1, range)).toMatchObject({
      status: 'invalid',
      error: 'score -1 is below evaluation.scoreRange.min (0)',
    });
    expect(toEvaluation('c4', ok(-1), 'final', 1)).toMatchObject({ status: 'ok', score: -1 });
  });

  it('checks again what the worker sent: a non-finite score is invalid', () => {
    expect(toEvaluation('c5', ok(Number.POSITIVE_INFINITY), 'final', 1)).toMatchObject({ status: 'invalid', error: 'score is Infinity' });
  });
});
