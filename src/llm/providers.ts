import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible, type MetadataExtractor } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { OuroError } from '../core/errors.ts';
import type { TokenLogprob } from '../core/model.ts';
import { baseUrlOf, missingKey, type ResolvedModel } from './spec.ts';

export type FetchFunction = typeof fetch;

/** Refuses a model whose key is missing, naming the variable to set. */
export function requireKey(resolved: ResolvedModel): void {
  const variable = missingKey(resolved);
  if (variable !== null) {
    throw new OuroError('config-missing', `Model ${resolved.id} needs an API key: set the environment variable ${variable}.`, {
      field: 'models',
    });
  }
}

/**
 * The AI SDK model for a resolved spec. OpenAI goes through the chat-completions endpoint rather
 * than the responses API, so that a base URL pointing at any OpenAI-compatible server also works.
 */
export function languageModel(resolved: ResolvedModel, fetchFunction?: FetchFunction): LanguageModel {
  const { spec } = resolved;
  const common = { baseURL: baseUrlOf(spec), ...(fetchFunction ? { fetch: fetchFunction } : {}) };
  if (spec.provider === 'openai') return createOpenAI({ ...common, apiKey: resolved.apiKey }).chat(spec.model);
  if (spec.provider === 'anthropic') return createAnthropic({ ...common, apiKey: resolved.apiKey }).languageModel(spec.model);
  return createOpenAICompatible({
    ...common,
    name: 'compat',
    includeUsage: true,
    metadataExtractor: compatLogprobs,
    ...(resolved.apiKey === undefined ? {} : { apiKey: resolved.apiKey }),
  }).chatModel(spec.model);
}

/** Whether the provider can return token log-probabilities at all. */
export function providerReturnsLogprobs(resolved: ResolvedModel): boolean {
  return resolved.spec.provider !== 'anthropic';
}

/**
 * The provider options that ask for log-probabilities. The OpenAI provider has a typed option
 * (`logprobs`: true or the number of alternatives); the OpenAI-compatible provider passes options
 * it does not know straight into the request body, so there they are the wire fields.
 */
export function logprobOptions(resolved: ResolvedModel, topLogprobs: number | undefined): Record<string, Record<string, number | boolean>> {
  const { provider } = resolved.spec;
  if (provider === 'openai') return { openai: { logprobs: topLogprobs ?? true } };
  if (provider === 'compat') return { compat: { logprobs: true, ...(topLogprobs === undefined ? {} : { top_logprobs: topLogprobs }) } };
  return {};
}

/** Reads the reply's token log-probabilities out of the provider metadata the AI SDK returns. */
export function logprobsFromMetadata(metadata: unknown): TokenLogprob[] | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  for (const key of ['openai', 'compat']) {
    const entries = (metadata as Record<string, { logprobs?: unknown } | undefined>)[key]?.logprobs;
    const parsed = parseLogprobContent(entries);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** OpenAI's chat `choices[].logprobs.content` list, checked entry by entry. */
function parseLogprobContent(entries: unknown): TokenLogprob[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const entry of entries as Array<Record<string, unknown>>) {
    if (typeof entry?.token !== 'string' || typeof entry.logprob !== 'number') return undefined;
    const alternatives = Array.isArray(entry.top_logprobs) ? (entry.top_logprobs as Array<Record<string, unknown>>) : [];
    const top = alternatives
      .filter((alternative) => typeof alternative?.token === 'string' && typeof alternative.logprob === 'number')
      .map((alternative) => ({ token: alternative.token as string, logprob: alternative.logprob as number }));
    tokens.push({ token: entry.token, logprob: entry.logprob, ...(top.length > 0 ? { topLogprobs: top } : {}) });
  }
  return tokens;
}

function contentOf(logprobs: unknown): unknown {
  return typeof logprobs === 'object' && logprobs !== null ? (logprobs as { content?: unknown }).content : undefined;
}

/**
 * The OpenAI-compatible provider does not parse `logprobs` from replies; this extractor copies
 * the raw `choices[0].logprobs.content` list into the provider metadata under `compat`.
 */
const compatLogprobs: MetadataExtractor = {
  extractMetadata: async ({ parsedBody }) => {
    const choices = (parsedBody as { choices?: Array<{ logprobs?: unknown }> } | undefined)?.choices;
    const content = contentOf(choices?.[0]?.logprobs);
    return Array.isArray(content) ? { compat: { logprobs: content } } : undefined;
  },
  createStreamExtractor: () => {
    const content: unknown[] = [];
    return {
      processChunk(chunk: unknown) {
        const choices = (chunk as { choices?: Array<{ logprobs?: unknown }> } | undefined)?.choices;
        const part = contentOf(choices?.[0]?.logprobs);
        if (Array.isArray(part)) content.push(...part);
      },
      buildMetadata: () => (content.length > 0 ? { compat: { logprobs: content as never } } : undefined),
    };
  },
};

/** The AI SDK embedding model, or undefined for providers without an embeddings API. */
export function embeddingModel(resolved: ResolvedModel, name: string, fetchFunction?: FetchFunction): EmbeddingModel | undefined {
  const { spec } = resolved;
  const common = { baseURL: baseUrlOf(spec), ...(fetchFunction ? { fetch: fetchFunction } : {}) };
  if (spec.provider === 'openai') return createOpenAI({ ...common, apiKey: resolved.apiKey }).embedding(name);
  if (spec.provider === 'anthropic') return undefined;
  return createOpenAICompatible({
    ...common,
    name: 'compat',
    ...(resolved.apiKey === undefined ? {} : { apiKey: resolved.apiKey }),
  }).embeddingModel(name);
}
