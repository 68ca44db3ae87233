import type { LlmConfig, ModelConfig } from '../core/experiment.ts';
import type { LlmExchange, ModelHandle } from '../core/model.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';

export interface OpenModelOptions extends Partial<Omit<ModelConfig, 'id'>>, Partial<LlmConfig> {
  /** Told about every call, for a ledger or a record to replay later. */
  onExchange?: (exchange: LlmExchange) => void;
}

/**
 * A model handle for the test-time methods outside an experiment, with the same defaults an
 * experiment's `llm` section has (2-minute timeout, 3 attempts, 4,096 reply tokens). Throws
 * `config-invalid` for a malformed id and `config-missing` when the model's key is not set.
 *
 * @example
 * const model = openModel('compat:http://127.0.0.1:11434/v1#qwen2.5', { temperature: 0.7 });
 * const result = await selfConsistency(model, question, { stop: { rule: 'asc', threshold: 0.95, maxSamples: 40 } });
 */
export function openModel(id: string, options: OpenModelOptions = {}): ModelHandle {
  const { onExchange, timeoutMs, attempts, maxOutputTokens, prices, ...model } = options;
  const llm: LlmConfig = {
    timeoutMs: timeoutMs ?? 120_000,
    attempts: attempts ?? 3,
    maxOutputTokens: maxOutputTokens ?? 4096,
    prices: prices ?? {},
  };
  return createModel(
    resolveModel({ id, ...model, ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }) }, llm),
    onExchange ? { onExchange } : {},
  );
}
