import type { TokenUsage } from '../core/model.ts';
import type { PriceConfig } from '../core/experiment.ts';

/**
 * List prices in US dollars per million tokens, as published by OpenAI and Anthropic on their
 * pricing pages (standard tier, no batch or cache discounts). Prices change: override them in the
 * experiment's `llm.prices` (by model id) or in a model's own `price`. Models behind a `compat:`
 * server (Ollama, vLLM, llama.cpp) cost nothing unless a price is given.
 */
export const LIST_PRICES: Readonly<Record<string, PriceConfig>> = {
  'openai:gpt-5': { input: 1.25, output: 10 },
  'openai:gpt-5-mini': { input: 0.25, output: 2 },
  'openai:gpt-5-nano': { input: 0.05, output: 0.4 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:o3': { input: 2, output: 8 },
  'openai:o3-mini': { input: 1.1, output: 4.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'anthropic:claude-opus-4-5': { input: 5, output: 25 },
  'anthropic:claude-opus-4-1': { input: 15, output: 75 },
  'anthropic:claude-opus-4': { input: 15, output: 75 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15 },
  'anthropic:claude-sonnet-4': { input: 3, output: 15 },
  'anthropic:claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5 },
  'anthropic:claude-3-5-haiku': { input: 0.8, output: 4 },
};

export const FREE: PriceConfig = { input: 0, output: 0 };

/**
 * The price of a model: an override by id first, then the list price. Dated snapshots
 * (`openai:gpt-4.1-mini-2025-04-14`, `anthropic:claude-sonnet-4-5-20250929`) and `-latest`
 * aliases take their family's price. Undefined when nothing is known.
 *
 * @example
 * priceFor('openai:gpt-4.1-mini', {}); // { input: 0.4, output: 1.6 }
 */
export function priceFor(id: string, overrides: Readonly<Record<string, PriceConfig>> = {}): PriceConfig | undefined {
  const override = overrides[id];
  if (override) return override;
  if (id.startsWith('compat:')) return FREE;
  let best: string | undefined;
  for (const key of Object.keys(LIST_PRICES)) {
    const matches = id === key || (id.startsWith(`${key}-`) && /^(\d|latest)/.test(id.slice(key.length + 1)));
    if (matches && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : LIST_PRICES[best];
}

/** US dollars for one call's usage at a price per million tokens. */
export function costOf(usage: TokenUsage, price: PriceConfig): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
