import { describe, expect, it } from 'vitest';
import { emptyColumns, type CallSummary } from '../../store/queries.ts';
import { spendSeries } from './spend.ts';

const call = (startedAt: number, costUsd: number, tokens: number, operator = 'llm-diff'): CallSummary => ({
  model: 'm',
  operator,
  tokens,
  costUsd,
  latencyMs: 100,
  startedAt,
  failed: false,
});

describe('spendSeries', () => {
  it('places each call on the run clock of the session it fell in, cumulatively', () => {
    // Session one starts at t=10,000 and reaches 5,000 ms; session two starts an hour later.
    const columns = emptyColumns();
    columns.createdAt.push(10_100, 14_000, 3_610_000);
    columns.elapsedMs.push(1_000, 5_000, 5_500);
    const calls = [call(10_400, 0.5, 10), call(12_900, 0.25, 20, 'task'), call(3_600_400, 1, 30)];
    const spend = spendSeries(calls, [10_000, 3_600_000], columns);
    expect(spend).toEqual({
      elapsedMs: [500, 3_000, 5_500],
      costUsd: [0.5, 0.75, 1.75],
      tokens: [10, 30, 60],
      // What evaluators spent through context.models, apart.
      taskCostUsd: [0, 0.25, 0.25],
      taskTokens: [0, 20, 20],
    });
  });

  it('is empty for a run without model calls', () => {
    expect(spendSeries([], [1], emptyColumns())).toEqual({ elapsedMs: [], costUsd: [], tokens: [], taskCostUsd: [], taskTokens: [] });
  });
});
