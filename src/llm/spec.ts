import { OuroError } from '../core/errors.ts';
import type { LlmConfig, ModelConfig, PriceConfig } from '../core/experiment.ts';
import { FREE, priceFor } from './prices.ts';

export type Provider = 'openai' | 'anthropic' | 'compat';

/** A model id taken apart: `openai:gpt-4.1-mini`, `compat:http://127.0.0.1:11434/v1#qwen2.5-coder`. */
export interface ModelSpec {
  /** The id as written, trimmed. */
  id: string;
  provider: Provider;
  model: string;
  /** Where the API lives; the provider's public endpoint when omitted. */
  baseURL?: string;
}

/** Everything a call needs to know about one configured model, defaults applied. */
export interface ResolvedModel {
  id: string;
  spec: ModelSpec;
  apiKey?: string;
  /** The environment variable the key is read from. */
  apiKeyEnv: string;
  /** False for a `compat:` server with no `apiKeyEnv` of its own: local servers need no key. */
  keyRequired: boolean;
  contextWindow: number;
  maxOutputTokens: number;
  temperature?: number;
  /** US dollars per million tokens. */
  price: PriceConfig;
  /** False when no price was configured or listed, so the cost budget cannot see this model. */
  priceKnown: boolean;
  timeoutMs: number;
  attempts: number;
}

export const DEFAULT_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
} as const;

const KEY_VARIABLES: Record<Provider, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  compat: 'OURO_COMPAT_API_KEY',
};

const BASE_URL_VARIABLES = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL' } as const;

const ACCEPTED_FORMS = [
  'openai:<model>, such as openai:gpt-4.1-mini',
  'anthropic:<model>, such as anthropic:claude-sonnet-4-5',
  'compat:<base URL>#<model>, such as compat:http://127.0.0.1:11434/v1#qwen2.5-coder',
];

/**
 * Takes a model id apart; throws `config-invalid` naming the field when it is malformed.
 *
 * @example
 * parseModelSpec('compat:http://127.0.0.1:11434/v1#qwen2.5-coder');
 * // { id: ..., provider: 'compat', model: 'qwen2.5-coder', baseURL: 'http://127.0.0.1:11434/v1' }
 */
export function parseModelSpec(text: string, field = 'models'): ModelSpec {
  const id = text.trim();
  function fail(reason: string): never {
    const forms = ACCEPTED_FORMS.map((form) => `  ${form}`).join('\n');
    throw new OuroError('config-invalid', `${field}: "${text}" is not a model id: ${reason}. Write one of:\n${forms}`, { field });
  }
  const colon = id.indexOf(':');
  if (colon < 0) fail('it has no provider prefix');
  const provider = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (provider === 'openai' || provider === 'anthropic') {
    if (!/^[^\s#]+$/.test(rest)) fail('the model name after the provider is missing or has spaces');
    return { id, provider, model: rest };
  }
  if (provider !== 'compat') fail(`the provider "${provider}" is unknown`);
  const hash = rest.lastIndexOf('#');
  if (hash < 0) fail('a compat id needs the base URL, then #, then the model name');
  const model = rest.slice(hash + 1);
  const baseURL = rest.slice(0, hash).replace(/\/+$/, '');
  if (!/^[^\s#]+$/.test(model)) fail('the model name after # is missing or has spaces');
  if (!URL.canParse(baseURL)) fail(`"${baseURL}" is not a URL`);
  const protocol = new URL(baseURL).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') fail(`"${baseURL}" is not an http(s) URL`);
  return { id, provider, model, baseURL };
}

/** Where requests for this spec go, without a trailing slash. */
export function baseUrlOf(spec: ModelSpec): string {
  return spec.baseURL ?? DEFAULT_BASE_URLS[spec.provider === 'anthropic' ? 'anthropic' : 'openai'];
}

/** Context window in tokens for models whose size is published; a safe default otherwise. */
export function knownContextWindow(spec: ModelSpec): number {
  if (spec.provider === 'anthropic') return 200_000;
  if (spec.provider === 'compat') return 128_000;
  if (spec.model.startsWith('gpt-4.1')) return 1_047_576;
  if (spec.model.startsWith('gpt-5')) return 400_000;
  if (/^o\d/.test(spec.model)) return 200_000;
  return 128_000;
}

/**
 * Applies defaults to one configured model: key and base URL from the environment, context
 * window, reply cap, price and call limits. A missing key is not an error here (see
 * `missingKey`), so that `ouro models check` can report it.
 *
 * @example
 * const resolved = resolveModel({ id: 'openai:gpt-4.1-mini' }, experiment.llm);
 */
export function resolveModel(config: ModelConfig, llm: LlmConfig, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  let spec = parseModelSpec(config.id);
  if (spec.provider !== 'compat') {
    const override = env[BASE_URL_VARIABLES[spec.provider]];
    if (override) spec = { ...spec, baseURL: override.replace(/\/+$/, '') };
  }
  const apiKeyEnv = config.apiKeyEnv ?? KEY_VARIABLES[spec.provider];
  const apiKey = env[apiKeyEnv] || undefined;
  const listed = priceFor(spec.id, llm.prices);
  return {
    id: spec.id,
    spec,
    ...(apiKey === undefined ? {} : { apiKey }),
    apiKeyEnv,
    keyRequired: spec.provider !== 'compat' || config.apiKeyEnv !== undefined,
    contextWindow: config.contextWindow ?? knownContextWindow(spec),
    maxOutputTokens: config.maxOutputTokens ?? llm.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    price: config.price ?? listed ?? FREE,
    priceKnown: config.price !== undefined || listed !== undefined,
    timeoutMs: llm.timeoutMs,
    attempts: llm.attempts,
  };
}

/** The environment variable to set when the model needs a key and has none; null otherwise. */
export function missingKey(resolved: ResolvedModel): string | null {
  return resolved.keyRequired && resolved.apiKey === undefined ? resolved.apiKeyEnv : null;
}
