import { createHash } from 'node:crypto';
import { findRegions } from '../../core/genome.ts';
import type { LlmExchange } from '../../core/model.ts';
import type { Genome } from '../../core/types.ts';
import { costOf, cosine, createEmbedder, resolveModel, type Embedder } from '../../llm/index.ts';
import type { LlmConfig, PriceConfig } from '../../core/experiment.ts';
import type { Store } from '../../store/store.ts';

export interface EmbeddingNoveltyOptions {
  /** The embedding model, as `provider:model`. */
  model: string;
  threshold: number;
  /** How many recent candidates a proposal is compared with, besides its parents. */
  window: number;
  store: Store;
  llm: LlmConfig;
  /** Books a call that was made (cache hits cost nothing and are not booked). */
  onExchange: (exchange: LlmExchange) => void;
  /** Says why no call may start (a spent budget); the check is then skipped. */
  admit?: () => string | null;
  /** In replay, embeddings come only from the cache: nothing is fetched. */
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The text an embedding is taken of: every EVOLVE region, under its file name. */
function evolvingText(genome: Genome): string {
  return Object.entries(genome)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, text]) => {
      let body: string;
      try {
        body = findRegions(text, file)
          .map((region) => text.slice(region.start, region.end))
          .join('\n');
      } catch {
        body = text;
      }
      return `${file}\n${body}`;
    })
    .join('\n');
}

/**
 * Near-duplicate rejection by embedding cosine, for providers that offer embeddings. Vectors are
 * cached in the store by model and text hash, so a resumed or replayed run, or another run of the
 * same experiment, does not pay for them twice. A failed embedding call never rejects a proposal.
 */
export class EmbeddingNovelty {
  readonly threshold: number;
  private readonly embed: Embedder | undefined;
  private readonly price: PriceConfig | undefined;
  private readonly recent: Array<{ id: string; vector: Float32Array }> = [];
  private readonly byId = new Map<string, Float32Array>();
  private readonly pending = new Map<string, Float32Array>();

  constructor(private readonly options: EmbeddingNoveltyOptions) {
    this.threshold = options.threshold;
    const resolved = resolveModel({ id: options.model }, options.llm, options.env ?? process.env);
    this.embed = options.offline ? undefined : createEmbedder(resolved, resolved.spec.model);
    this.price = resolved.price;
    if (!options.offline && !this.embed) {
      throw new Error(
        `novelty.embeddings: ${options.model} offers no embeddings (Anthropic has none); use an openai: or compat: embedding model`,
      );
    }
  }

  private cached(genome: Genome): Float32Array | undefined {
    return this.options.store.getEmbedding(this.options.model, createHash('sha1').update(evolvingText(genome)).digest('hex'));
  }

  /** The vector of a genome's EVOLVE text, from the cache or the provider; undefined when neither has it. */
  async vectorOf(genome: Genome): Promise<Float32Array | undefined> {
    const text = evolvingText(genome);
    const hash = createHash('sha1').update(text).digest('hex');
    const cached = this.options.store.getEmbedding(this.options.model, hash);
    if (cached || !this.embed || this.options.admit?.()) return cached;
    const startedAt = Date.now();
    try {
      const { vectors, tokens } = await this.embed([text]);
      const vector = Float32Array.from(vectors[0] ?? []);
      this.options.store.putEmbedding(this.options.model, hash, vector, tokens);
      this.book(hash, startedAt, tokens, undefined);
      return vector;
    } catch (error) {
      this.book(hash, startedAt, 0, (error as Error).message);
      return undefined;
    }
  }

  /** The most similar of the parents and recent candidates, and the child's vector for `remember`. */
  async nearest(
    genome: Genome,
    genomeHash: string,
    parents: ReadonlyArray<{ id: string; genome: Genome }>,
  ): Promise<{ id: string; similarity: number } | undefined> {
    const vector = await this.vectorOf(genome);
    if (!vector) return undefined;
    this.pending.set(genomeHash, vector);
    let best: { id: string; similarity: number } | undefined;
    const consider = (id: string, other: Float32Array) => {
      if (other.length !== vector.length) return;
      const similarity = cosine(Array.from(vector), Array.from(other));
      if (!best || similarity > best.similarity) best = { id, similarity };
    };
    for (const parent of parents) {
      const other = this.byId.get(parent.id) ?? (await this.vectorOf(parent.genome));
      if (other) consider(parent.id, other);
    }
    for (const entry of this.recent) consider(entry.id, entry.vector);
    return best;
  }

  /** Keeps a committed candidate's vector, when one was taken while checking it. */
  remember(id: string, genomeHash: string): void {
    const vector = this.pending.get(genomeHash);
    this.pending.delete(genomeHash);
    if (!vector) return;
    this.byId.set(id, vector);
    this.recent.push({ id, vector });
    if (this.recent.length > this.options.window) {
      const dropped = this.recent.shift();
      if (dropped) this.byId.delete(dropped.id);
    }
  }

  /**
   * Keeps the vector of a candidate committed outside a proposal: the initial genome, or on resume
   * a recent candidate. With `cachedOnly` nothing is fetched: on resume only the candidates whose
   * vectors were taken before come back into the window.
   */
  async rememberGenome(id: string, genome: Genome, cachedOnly = false): Promise<void> {
    const vector = cachedOnly ? this.cached(genome) : await this.vectorOf(genome);
    if (!vector) return;
    this.pending.set(`genome:${id}`, vector);
    this.remember(id, `genome:${id}`);
  }

  /** Forgets the vector of a proposal that was rejected or never committed. */
  forget(genomeHash: string): void {
    this.pending.delete(genomeHash);
  }

  private book(hash: string, startedAt: number, tokens: number, error: string | undefined): void {
    const usage = { inputTokens: tokens, outputTokens: 0 };
    this.options.onExchange({
      model: this.options.model,
      operator: 'novelty',
      request: { messages: [{ role: 'user', content: `embedding of EVOLVE text ${hash}` }] },
      reply: error === undefined ? `${hash}` : null,
      finishReason: error === undefined ? 'stop' : null,
      ...(error === undefined ? {} : { error: { kind: 'network' as const, message: error } }),
      usage,
      costUsd: this.price ? costOf(usage, this.price) : 0,
      latencyMs: Date.now() - startedAt,
      attempts: 1,
      startedAt,
    });
  }
}
