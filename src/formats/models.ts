/** A model as Ouroboros names it: a model id, and the environment variable holding its key when not the provider's usual one. */
export interface MappedModel {
  id: string;
  apiKeyEnv?: string;
}

const OPENAI_BASE = 'https://api.openai.com/v1';
const GEMINI_BASE = 'https://generativelanguage.googleapis.com/v1beta/openai';

/**
 * OpenEvolve talks to every model through an OpenAI-compatible client at `api_base` (OpenAI's
 * own endpoint by default): OpenAI's endpoint becomes `openai:<name>`, any other `compat:<base>#<name>`.
 *
 * @example
 * openEvolveModelId(undefined, 'gpt-4.1-mini'); // 'openai:gpt-4.1-mini'
 * openEvolveModelId('http://localhost:11434/v1/', 'qwen2.5-coder'); // 'compat:http://localhost:11434/v1#qwen2.5-coder'
 */
export function openEvolveModelId(apiBase: string | undefined, name: string): string {
  const base = (apiBase ?? OPENAI_BASE).trim().replace(/\/+$/, '');
  return base === OPENAI_BASE ? `openai:${name}` : `compat:${base}#${name}`;
}

/**
 * The variable named by an api_key written `${VAR}` (OpenEvolve reads the key from it); undefined
 * for a key written out, which Ouroboros never stores in a config.
 *
 * @example
 * keyVariable('${GEMINI_API_KEY}'); // 'GEMINI_API_KEY'
 */
export function keyVariable(apiKey: string): string | undefined {
  return /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(apiKey.trim())?.[1];
}

/**
 * ShinkaEvolve names models bare and picks the provider from the name. The providers Ouroboros can
 * reach the same way: OpenAI (`gpt-*`, `o1`/`o3`/`o4`), Anthropic (`claude-*`), and Gemini,
 * DeepSeek and OpenRouter through their OpenAI-compatible endpoints, each with the key variable
 * ShinkaEvolve reads. Undefined for the rest (Bedrock, Azure, local and headless models).
 *
 * @example
 * shinkaModel('gemini-2.5-flash'); // { id: 'compat:https://generativelanguage.googleapis.com/v1beta/openai#gemini-2.5-flash', ... }
 */
export function shinkaModel(name: string): MappedModel | undefined {
  const model = name.trim();
  if (/^(gpt-|chatgpt-|o[134](-|$))/.test(model)) return { id: `openai:${model}` };
  if (/^claude-/.test(model)) return { id: `anthropic:${model}` };
  if (/^gemini-/.test(model)) return { id: `compat:${GEMINI_BASE}#${model}`, apiKeyEnv: 'GEMINI_API_KEY' };
  if (/^deepseek-/.test(model)) return { id: `compat:https://api.deepseek.com#${model}`, apiKeyEnv: 'DEEPSEEK_API_KEY' };
  const routed = /^openrouter\/(.+)$/.exec(model)?.[1];
  if (routed) return { id: `compat:https://openrouter.ai/api/v1#${routed}`, apiKeyEnv: 'OPENROUTER_API_KEY' };
  return undefined;
}

/**
 * A ShinkaEvolve embedding model for `novelty.embeddings`: OpenAI's embedding models map to
 * `openai:<name>`; other providers' ones (Gemini's) are left unmapped.
 *
 * @example
 * shinkaEmbeddingModel('text-embedding-3-small'); // 'openai:text-embedding-3-small'
 */
export function shinkaEmbeddingModel(name: string): string | undefined {
  return /^text-embedding-/.test(name.trim()) ? `openai:${name.trim()}` : undefined;
}
