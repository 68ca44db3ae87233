import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig } from '../core/experiment.ts';
import { missingKey, parseModelSpec, resolveModel } from './spec.ts';

const LLM: LlmConfig = { timeoutMs: 60_000, attempts: 4, maxOutputTokens: 2048, prices: {} };

function parseError(text: string, field?: string): OuroError {
  try {
    parseModelSpec(text, field);
  } catch (error) {
    expect(error).toBeInstanceOf(OuroError);
    return error as OuroError;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseModelSpec', () => {
  it('reads the three forms', () => {
    expect(parseModelSpec('openai:gpt-4.1-mini')).toEqual({ id: 'openai:gpt-4.1-mini', provider: 'openai', model: 'gpt-4.1-mini' });
    expect(parseModelSpec(' anthropic:claude-sonnet-4-5 ')).toEqual({
      id: 'anthropic:claude-sonnet-4-5',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
    expect(parseModelSpec('compat:http://127.0.0.1:11434/v1/#qwen2.5-coder:7b')).toEqual({
      id: 'compat:http://127.0.0.1:11434/v1/#qwen2.5-coder:7b',
      provider: 'compat',
      model: 'qwen2.5-coder:7b',
      baseURL: 'http://127.0.0.1:11434/v1',
    });
  });

  it.each([
    ['gpt-4.1-mini', 'no provider prefix'],
    ['mistral:large', 'provider "mistral" is unknown'],
    ['openai:', 'missing'],
    ['openai:gpt 4', 'spaces'],
    ['compat:http://127.0.0.1:11434/v1', 'then #'],
    ['compat:http://127.0.0.1:11434/v1#', 'after # is missing'],
    ['compat:not a url#m', 'is not a URL'],
    ['compat:ftp://host/v1#m', 'http(s)'],
  ])('rejects %s', (text, reason) => {
    const error = parseError(text, 'models.0');
    expect(error.code).toBe('config-invalid');
    expect(error.field).toBe('models.0');
    expect(error.message).toContain(`"${text}"`);
    expect(error.message).toContain(reason);
    for (const form of ['openai:<model>', 'anthropic:<model>', 'compat:<base URL>#<model>']) expect(error.message).toContain(form);
  });

  it('names the models field by default', () => {
    expect(parseError('nonsense').field).toBe('models');
  });
});

describe('resolveModel', () => {
  it('applies defaults from the llm section, the price table and the environment', () => {
    const resolved = resolveModel({ id: 'openai:gpt-4.1-mini' }, LLM, { OPENAI_API_KEY: 'sk-test' });
    expect(resolved).toMatchObject({
      id: 'openai:gpt-4.1-mini',
      apiKey: 'sk-test',
      apiKeyEnv: 'OPENAI_API_KEY',
      contextWindow: 1_047_576,
      maxOutputTokens: 2048,
      price: { input: 0.4, output: 1.6 },
      priceKnown: true,
      timeoutMs: 60_000,
      attempts: 4,
    });
    expect(resolved.spec.baseURL).toBeUndefined();
    expect(resolved.temperature).toBeUndefined();
  });

  it('prefers the model config, then llm.prices, over the built-in table', () => {
    const config = { id: 'anthropic:claude-sonnet-4-5', apiKeyEnv: 'MY_KEY', contextWindow: 50_000, maxOutputTokens: 99, temperature: 0.2 };
    const withPrices = { ...LLM, prices: { 'anthropic:claude-sonnet-4-5': { input: 1, output: 1 } } };
    const resolved = resolveModel(config, withPrices, {
      MY_KEY: 'k',
      ANTHROPIC_API_KEY: 'other',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/v1/',
    });
    expect(resolved).toMatchObject({ apiKey: 'k', apiKeyEnv: 'MY_KEY', contextWindow: 50_000, maxOutputTokens: 99, temperature: 0.2 });
    expect(resolved.price).toEqual({ input: 1, output: 1 });
    expect(resolved.spec.baseURL).toBe('http://127.0.0.1:9/v1');
    const own = resolveModel({ ...config, price: { input: 7, output: 8 } }, withPrices, {});
    expect(own.price).toEqual({ input: 7, output: 8 });
  });

  it('treats compat models as free and keyless unless told otherwise', () => {
    const id = 'compat:http://127.0.0.1:11434/v1#qwen2.5-coder';
    const local = resolveModel({ id }, LLM, {});
    expect(local).toMatchObject({ contextWindow: 128_000, price: { input: 0, output: 0 }, keyRequired: false });
    expect(missingKey(local)).toBeNull();
    expect(resolveModel({ id }, LLM, { OURO_COMPAT_API_KEY: 'k' }).apiKey).toBe('k');
    expect(missingKey(resolveModel({ id, apiKeyEnv: 'VLLM_KEY' }, LLM, {}))).toBe('VLLM_KEY');
  });

  it('reports an unknown paid model as unpriced and a missing key by its variable', () => {
    const resolved = resolveModel({ id: 'openai:some-future-model' }, LLM, { OPENAI_API_KEY: '' });
    expect(resolved).toMatchObject({ priceKnown: false, price: { input: 0, output: 0 }, contextWindow: 128_000 });
    expect(missingKey(resolved)).toBe('OPENAI_API_KEY');
    expect(resolveModel({ id: 'anthropic:claude-opus-4-1' }, LLM, {}).contextWindow).toBe(200_000);
  });

  it('passes the field on to parse errors', () => {
    expect(() => resolveModel({ id: 'openai' }, LLM, {})).toThrow(OuroError);
  });
});
