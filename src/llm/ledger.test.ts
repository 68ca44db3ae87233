import { describe, expect, it } from 'vitest';
import type { LlmExchange } from '../core/model.ts';
import { Ledger } from './ledger.ts';

function exchange(
  model: string,
  operator: string,
  inputTokens: number,
  outputTokens: number,
  costUsd: number,
  failed = false,
): LlmExchange {
  return {
    model,
    operator,
    request: { messages: [{ role: 'user', content: 'hi' }] },
    reply: failed ? null : 'ok',
    finishReason: failed ? null : 'stop',
    ...(failed ? { error: { kind: 'http' as const, message: 'HTTP 500', status: 500 } } : {}),
    usage: { inputTokens, outputTokens },
    costUsd,
    latencyMs: 100,
    attempts: 1,
    startedAt: 0,
  };
}

const EXCHANGES = [
  exchange('openai:gpt-4.1-mini', 'rewrite', 1000, 200, 0.01),
  exchange('openai:gpt-4.1-mini', 'diff', 500, 100, 0.005),
  exchange('anthropic:claude-haiku-4-5', 'rewrite', 300, 50, 0.002),
  exchange('anthropic:claude-haiku-4-5', 'rewrite', 0, 0, 0, true),
];

describe('Ledger', () => {
  it('sums overall, per model and per operator', () => {
    const ledger = Ledger.from(EXCHANGES);
    expect(ledger.totals()).toEqual({
      calls: 4,
      failedCalls: 1,
      inputTokens: 1800,
      outputTokens: 350,
      tokens: 2150,
      costUsd: expect.closeTo(0.017, 12) as number,
      latencyMs: 400,
    });
    expect(ledger.byModel().get('anthropic:claude-haiku-4-5')).toMatchObject({ calls: 2, failedCalls: 1, tokens: 350 });
    expect([...ledger.byOperator().keys()]).toEqual(['rewrite', 'diff']);
    expect(ledger.byOperator().get('rewrite')).toMatchObject({ calls: 3, inputTokens: 1300, outputTokens: 250 });
  });

  it('hands out copies', () => {
    const ledger = Ledger.from(EXCHANGES);
    ledger.totals().calls = 99;
    const byModel = ledger.byModel().get('openai:gpt-4.1-mini');
    if (byModel) byModel.calls = 99;
    expect(ledger.totals().calls).toBe(4);
    expect(ledger.byModel().get('openai:gpt-4.1-mini')?.calls).toBe(2);
  });

  it('reports which limit is reached, counting a limit met as reached', () => {
    const ledger = Ledger.from(EXCHANGES);
    expect(ledger.exceeded({})).toBeNull();
    expect(ledger.exceeded({ tokens: 2151, costUsd: 1 })).toBeNull();
    expect(ledger.exceeded({ tokens: 2150 })).toBe('tokens');
    expect(ledger.exceeded({ costUsd: 0.01 })).toBe('cost');
    expect(new Ledger().exceeded({ tokens: 1, costUsd: 0.01 })).toBeNull();
  });
});

describe('Ledger.byPurpose', () => {
  it('sets what evaluators spent on task calls apart from everything else', () => {
    const ledger = Ledger.from([
      exchange('m', 'llm-diff', 100, 10, 0.5),
      exchange('m', 'task', 40, 4, 0.25),
      exchange('m', 'task', 60, 6, 0.25, true),
    ]);
    const { proposal, task } = ledger.byPurpose();
    expect(task).toMatchObject({ calls: 2, failedCalls: 1, inputTokens: 100, tokens: 110, costUsd: 0.5 });
    expect(proposal).toMatchObject({ calls: 1, failedCalls: 0, inputTokens: 100, tokens: 110, costUsd: 0.5 });
    expect(new Ledger().byPurpose().task.calls).toBe(0);
  });
});
