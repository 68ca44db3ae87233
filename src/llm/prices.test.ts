import { describe, expect, it } from 'vitest';
import { costOf, LIST_PRICES, priceFor } from './prices.ts';

describe('priceFor', () => {
  it('finds list prices, dated snapshots included, without confusing families', () => {
    expect(priceFor('openai:gpt-4.1')).toEqual({ input: 2, output: 8 });
    expect(priceFor('openai:gpt-4.1-mini')).toEqual({ input: 0.4, output: 1.6 });
    expect(priceFor('openai:gpt-4.1-mini-2025-04-14')).toEqual(LIST_PRICES['openai:gpt-4.1-mini']);
    expect(priceFor('openai:gpt-4o-mini-2024-07-18')).toEqual(LIST_PRICES['openai:gpt-4o-mini']);
    expect(priceFor('anthropic:claude-sonnet-4-5-20250929')).toEqual(LIST_PRICES['anthropic:claude-sonnet-4-5']);
    expect(priceFor('anthropic:claude-opus-4-1-20250805')).toEqual({ input: 15, output: 75 });
  });

  it('lets overrides win, prices compat models at zero and knows nothing of others', () => {
    expect(priceFor('openai:gpt-4o', { 'openai:gpt-4o': { input: 1, output: 1 } })).toEqual({ input: 1, output: 1 });
    expect(priceFor('compat:http://localhost:8000/v1#llama')).toEqual({ input: 0, output: 0 });
    expect(priceFor('openai:gpt-4.1-turbo')).toBeUndefined();
  });
});

describe('costOf', () => {
  it('charges per million tokens', () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 500_000 }, { input: 3, output: 15 })).toBeCloseTo(10.5, 12);
    expect(costOf({ inputTokens: 0, outputTokens: 0 }, { input: 3, output: 15 })).toBe(0);
  });
});
