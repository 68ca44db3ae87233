import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../core/experiment.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../testing/scripted-llm-server.ts';
import { CHECK_PROMPT, checkModel } from './check.ts';
import { probeModel } from './probe.ts';
import { resolveModel } from './spec.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 64, prices: {} };

let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('probeModel', () => {
  it('finds a live server', async () => {
    server = await startScriptedLlmServer();
    const resolved = resolveModel({ id: 'openai:gpt-4.1-mini' }, LLM, { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL });
    const probe = await probeModel(resolved);
    expect(probe.reachable).toBe(true);
    expect(probe.detail).toContain(`${server.openaiBaseURL}/models`);
    expect(server.requests).toHaveLength(0);
  });

  it('reports a closed port as unreachable, naming the URL', async () => {
    const closed = await startScriptedLlmServer();
    await closed.close();
    const probe = await probeModel(resolveModel({ id: `compat:${closed.compatBaseURL}#m` }, LLM, {}), { timeoutMs: 2_000 });
    expect(probe.reachable).toBe(false);
    expect(probe.detail).toContain(`${closed.compatBaseURL}/models`);
  });

  it('reports a missing key by its variable without any request', async () => {
    const probe = await probeModel(resolveModel({ id: 'anthropic:claude-haiku-4-5' }, LLM, {}));
    expect(probe).toEqual({ reachable: false, detail: expect.stringContaining('ANTHROPIC_API_KEY') as string });
  });
});

describe('checkModel', () => {
  it('makes one tiny call and reports the reply, usage and cost', async () => {
    server = await startScriptedLlmServer({ script: [{ text: ' OK\n', usage: { inputTokens: 12, outputTokens: 1 } }] });
    const resolved = resolveModel({ id: 'anthropic:claude-haiku-4-5' }, LLM, {
      ANTHROPIC_API_KEY: 'k',
      ANTHROPIC_BASE_URL: server.anthropicBaseURL,
    });
    const check = await checkModel(resolved);
    expect(check).toMatchObject({ id: 'anthropic:claude-haiku-4-5', configured: true, answered: true, reply: 'OK' });
    expect(check.usage).toEqual({ inputTokens: 12, outputTokens: 1 });
    expect(check.costUsd).toBeCloseTo((12 * 1 + 1 * 5) / 1_000_000, 12);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ maxTokens: 16, messages: [{ role: 'user', content: CHECK_PROMPT }] });
  });

  it('reports a failing model with the reason', async () => {
    server = await startScriptedLlmServer({ script: [{ status: 404, text: 'model not found' }] });
    const check = await checkModel(resolveModel({ id: `compat:${server.compatBaseURL}#nope` }, LLM, {}), { attempts: 1 });
    expect(check).toMatchObject({ configured: true, answered: false });
    expect(check.error).toContain('404');
  });

  it('reports a missing key without calling', async () => {
    const check = await checkModel(resolveModel({ id: 'openai:gpt-4.1-mini' }, LLM, {}));
    expect(check).toMatchObject({ configured: false, answered: false });
    expect(check.error).toContain('OPENAI_API_KEY');
  });
});
