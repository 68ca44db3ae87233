import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { EMBEDDING_DIMENSION, scriptedEmbedding, startScriptedLlmServer, type ScriptedLlmServer } from '../testing/scripted-llm-server.ts';
import { cosine, createEmbedder } from './embed.ts';
import { resolveModel } from './spec.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 64, prices: {} };

let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createEmbedder', () => {
  it('embeds through a compat server and through OpenAI', async () => {
    server = await startScriptedLlmServer();
    const compat = createEmbedder(resolveModel({ id: `compat:${server.compatBaseURL}#coder` }, LLM, {}), 'nomic-embed-text');
    const openai = createEmbedder(
      resolveModel({ id: 'openai:gpt-4.1-mini' }, LLM, { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL }),
    );
    for (const embed of [compat, openai]) {
      if (!embed) throw new Error('expected an embedder');
      const { vectors, tokens } = await embed(['const a = 1;', 'const b = 2;']);
      expect(tokens).toBeGreaterThan(0);
      expect(vectors).toHaveLength(2);
      expect(vectors[0]).toHaveLength(EMBEDDING_DIMENSION);
      expect(vectors[0]?.[3]).toBeCloseTo(scriptedEmbedding('const a = 1;')[3] ?? Number.NaN, 9);
      expect(await embed([])).toEqual({ vectors: [], tokens: 0 });
      // Texts that share most tokens are close; unrelated ones are not.
      const close = (await embed(['const rows = [[5, 0.1, 0.1, 0.9]];', 'const rows = [[5, 0.12, 0.1, 0.9]];'])).vectors;
      const far = (await embed(['const rows = [[5, 0.1, 0.1, 0.9]];', 'return items.map((item) => item.weight);'])).vectors;
      expect(cosine(close[0] as number[], close[1] as number[])).toBeGreaterThan(0.8);
      expect(cosine(far[0] as number[], far[1] as number[])).toBeLessThan(0.5);
    }
  });

  it('has nothing for Anthropic', () => {
    expect(createEmbedder(resolveModel({ id: 'anthropic:claude-haiku-4-5' }, LLM, { ANTHROPIC_API_KEY: 'k' }))).toBeUndefined();
  });
});

describe('cosine', () => {
  it('measures the angle between vectors', () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 0], [-1, 0])).toBeCloseTo(-1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow(RangeError);
  });
});
