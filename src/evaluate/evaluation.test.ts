import { describe, expect, it } from 'vitest';
import type { Evaluation } from '../core/types.ts';
import { toEvaluation, withPrivateMetrics } from './evaluation.ts';

const ok = (score: number, fields: { metrics?: Record<string, number>; privateMetrics?: Record<string, number> } = {}) => ({
  status: 'ok' as const,
  result: { score, metrics: {}, privateMetrics: {}, features: {}, instances: {}, feedback: '', artifacts: {}, ...fields },
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

  it('moves the metrics the experiment names private out of metrics, beside the ones the evaluator marked', () => {
    const ending = ok(1, { metrics: { size: 3, 'held-out': 0.5 }, privateMetrics: { secret: 7 } });
    const evaluation = toEvaluation('c6', ending, 'final', 1, {}, ['held-out', 'absent']);
    expect(evaluation.status).toBe('ok');
    expect(evaluation.metrics).toEqual({ size: 3 });
    expect(evaluation.privateMetrics).toEqual({ 'held-out': 0.5, secret: 7 });
    const unnamed = toEvaluation('c7', ending, 'final', 1);
    expect([unnamed.metrics, unnamed.privateMetrics]).toEqual([{ size: 3, 'held-out': 0.5 }, { secret: 7 }]);
  });

  it('gives failed evaluations no metrics of either kind', () => {
    const failed = toEvaluation('c8', { status: 'error', error: 'boom' }, 'final', 1, {}, ['held-out']);
    expect([failed.status, failed.metrics, failed.privateMetrics]).toEqual(['error', {}, {}]);
    const invalid = toEvaluation('c9', ok(9, { metrics: { size: 1 }, privateMetrics: { secret: 1 } }), 'final', 1, { max: 1 });
    expect([invalid.status, invalid.metrics, invalid.privateMetrics]).toEqual(['invalid', {}, {}]);
  });
});

describe('withPrivateMetrics', () => {
  it('hides the named metrics of an evaluation made elsewhere, keeping a private value over a public copy', () => {
    const evaluation: Evaluation = {
      candidateId: 'c1',
      status: 'ok',
      score: 1,
      metrics: { size: 3, 'held-out': 0.5, secret: 99 },
      privateMetrics: { secret: 7 },
      features: {},
      instances: {},
      feedback: '',
      artifacts: {},
      stage: 'final',
      durationMs: 1,
    };
    const hidden = withPrivateMetrics(evaluation, ['held-out']);
    expect([hidden.metrics, hidden.privateMetrics]).toEqual([{ size: 3 }, { secret: 7, 'held-out': 0.5 }]);
    // A name the evaluator marked private is hidden even with no experiment names.
    expect(withPrivateMetrics(evaluation, []).metrics).toEqual({ size: 3, 'held-out': 0.5 });
  });
});
