import type { LlmExchange, TokenUsage } from '../core/model.ts';
import { createModel } from './client.ts';
import type { FetchFunction } from './providers.ts';
import type { RetryOptions } from './retry.ts';
import { missingKey, type ResolvedModel } from './spec.ts';

/** What `ouro models check` reports for one model. */
export interface ModelCheck {
  id: string;
  /** The key the model needs is present (local `compat:` servers need none). */
  configured: boolean;
  /** The model replied to a tiny prompt. */
  answered: boolean;
  reply?: string;
  latencyMs?: number;
  usage?: TokenUsage;
  costUsd?: number;
  error?: string;
}

export interface CheckOptions {
  fetch?: FetchFunction;
  /** Replaces the configured per-attempt timeout. */
  timeoutMs?: number;
  /** Replaces the configured number of attempts. */
  attempts?: number;
  retry?: RetryOptions;
  onExchange?: (exchange: LlmExchange) => void;
}

export const CHECK_PROMPT = 'Reply with the single word OK.';

/**
 * Makes one tiny call (a few tokens, a fraction of a cent on paid models) to prove that the key,
 * the endpoint and the model name all work.
 *
 * @example
 * const check = await checkModel(resolveModel({ id: 'anthropic:claude-haiku-4-5' }, experiment.llm));
 * if (!check.answered) console.error(check.error);
 */
export async function checkModel(resolved: ResolvedModel, options: CheckOptions = {}): Promise<ModelCheck> {
  const variable = missingKey(resolved);
  if (variable !== null) {
    return { id: resolved.id, configured: false, answered: false, error: `set the environment variable ${variable}` };
  }
  const model = createModel(
    { ...resolved, timeoutMs: options.timeoutMs ?? resolved.timeoutMs, attempts: options.attempts ?? resolved.attempts },
    {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    },
  );
  try {
    const completion = await model.complete({
      operator: 'check',
      messages: [{ role: 'user', content: CHECK_PROMPT }],
      maxOutputTokens: 16,
    });
    return {
      id: resolved.id,
      configured: true,
      answered: true,
      reply: completion.text.trim(),
      latencyMs: completion.latencyMs,
      usage: completion.usage,
      costUsd: completion.costUsd,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: resolved.id, configured: true, answered: false, error: message };
  }
}
