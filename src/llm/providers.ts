import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { OuroError } from '../core/errors.ts';
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
    ...(resolved.apiKey === undefined ? {} : { apiKey: resolved.apiKey }),
  }).chatModel(spec.model);
}

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
