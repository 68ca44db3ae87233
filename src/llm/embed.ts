import { embedMany } from 'ai';
import { embeddingModel, requireKey, type FetchFunction } from './providers.ts';
import type { ResolvedModel } from './spec.ts';

/** Vectors for the texts, in order, and the input tokens the provider charged for them. */
export type Embedder = (texts: string[]) => Promise<{ vectors: number[][]; tokens: number }>;

const DEFAULT_OPENAI_EMBEDDING = 'text-embedding-3-small';

/**
 * Turns texts into vectors with the model's provider: OpenAI's `text-embedding-3-small` by
 * default, a `compat:` server's own model by default. Undefined for Anthropic, which has no
 * embeddings API; callers then fall back to token-based similarity.
 *
 * @example
 * const embed = createEmbedder(resolved);
 * const [left, right] = embed ? (await embed(['let a = 1;', 'let b = 1;'])).vectors : [];
 * if (left && right) console.log(cosine(left, right));
 */
export function createEmbedder(
  resolved: ResolvedModel,
  embeddingModelName?: string,
  options: { fetch?: FetchFunction } = {},
): Embedder | undefined {
  if (resolved.spec.provider === 'anthropic') return undefined;
  requireKey(resolved);
  const name = embeddingModelName ?? (resolved.spec.provider === 'openai' ? DEFAULT_OPENAI_EMBEDDING : resolved.spec.model);
  const model = embeddingModel(resolved, name, options.fetch);
  if (!model) return undefined;
  return async (texts) => {
    if (texts.length === 0) return { vectors: [], tokens: 0 };
    const result = await embedMany({
      model,
      values: texts,
      maxRetries: resolved.attempts - 1,
      abortSignal: AbortSignal.timeout(resolved.timeoutMs),
    });
    return { vectors: result.embeddings, tokens: result.usage?.tokens ?? 0 };
  };
}

/** Cosine similarity of two vectors of the same length; 0 when either is all zeros. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`cosine: vectors differ in length (${a.length} and ${b.length})`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
