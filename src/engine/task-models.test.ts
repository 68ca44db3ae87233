import { afterEach, describe, expect, it } from 'vitest';
import type { TaskModelRequest } from '../core/evaluator.ts';
import type { LlmConfig } from '../core/experiment.ts';
import type { LlmExchange } from '../core/model.ts';
import { openRunModels } from '../llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../testing/scripted-llm-server.ts';
import { taskModelHost } from './task-models.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 64, prices: {} };
const ask = (content: string, temperature?: number): TaskModelRequest => ({
  messages: [{ role: 'user', content }],
  ...(temperature === undefined ? {} : { temperature }),
});

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function hostOver(configs: (id: string) => { id: string; temperature?: number }[], prior: LlmExchange[] = []) {
  server = await startScriptedLlmServer({
    respond: (request) => ({ text: `re: ${request.messages.at(-1)!.content}`, delayMs: 20, usage: { inputTokens: 5, outputTokens: 5 } }),
  });
  const id = `compat:${server.compatBaseURL}#scripted`;
  const booked: LlmExchange[] = [];
  const models = await openRunModels({ configs: configs(id), llm: LLM, budget: {}, env: {}, record: (exchange) => booked.push(exchange) });
  return {
    id,
    booked,
    host: taskModelHost(
      models,
      configs(id),
      prior.map((exchange) => ({ ...exchange, model: id })),
    ),
  };
}

describe('taskModelHost', () => {
  it('pays once for a temperature-0 prompt, asked in turn or at the same time', async () => {
    const { host, booked } = await hostOver((id) => [{ id }]);
    const signal = new AbortController().signal;
    const first = await host.complete('r-1', ask('a', 0), signal);
    const again = await host.complete('r-2', ask('a', 0), signal);
    const together = await Promise.all([host.complete('r-3', ask('b', 0), signal), host.complete('r-4', ask('b', 0), signal)]);
    expect([first.cached, again.cached]).toEqual([false, true]);
    expect(together.map((reply) => reply.cached).sort()).toEqual([false, true]);
    expect(again).toMatchObject({ text: 're: a', costUsd: 0 });
    expect(server?.requests.map((request) => request.messages.at(-1)?.content)).toEqual(['a', 'b']);
    expect(booked.map((exchange) => [exchange.operator, exchange.proposal])).toEqual([
      ['task', 'r-1'],
      ['task', 'r-3'],
    ]);
    expect(host.stats()).toEqual({ calls: 4, cached: 2 });
  });

  it('samples afresh above temperature 0, and follows the configured temperature when the call sets none', async () => {
    const { host } = await hostOver((id) => [{ id, temperature: 0.7 }]);
    const signal = new AbortController().signal;
    await host.complete('r-1', ask('a'), signal);
    await host.complete('r-1', ask('a'), signal);
    await host.complete('r-1', ask('a', 0), signal);
    await host.complete('r-1', ask('a', 0), signal);
    expect(server?.requests.map((request) => request.temperature)).toEqual([0.7, 0.7, 0]);
  });

  it('serves a resumed run from the temperature-0 answers already in its store', async () => {
    const recorded: LlmExchange = {
      model: 'set by hostOver',
      operator: 'task',
      proposal: 'r-1',
      request: { messages: [{ role: 'user', content: 'a' }], temperature: 0 },
      reply: 'stored answer',
      finishReason: 'stop',
      usage: { inputTokens: 5, outputTokens: 5 },
      costUsd: 0.01,
      latencyMs: 3,
      attempts: 1,
      startedAt: 0,
    };
    const sampled = { ...recorded, request: { messages: [{ role: 'user' as const, content: 'b' }], temperature: 1 } };
    const { host } = await hostOver((id) => [{ id }], [recorded, sampled]);
    const signal = new AbortController().signal;
    expect(await host.complete('r-9', ask('a', 0), signal)).toMatchObject({ text: 'stored answer', cached: true, costUsd: 0 });
    expect(await host.complete('r-9', ask('b', 0), signal)).toMatchObject({ text: 're: b', cached: false });
    expect(server?.requests).toHaveLength(1);
  });

  it('does not keep a failed call: the next asker calls again', async () => {
    server = await startScriptedLlmServer({ script: [{ status: 400, text: 'bad' }], respond: () => ({ text: 'fine' }) });
    const id = `compat:${server.compatBaseURL}#scripted`;
    const models = await openRunModels({ configs: [{ id }], llm: LLM, budget: {}, env: {} });
    const host = taskModelHost(models, [{ id }]);
    const signal = new AbortController().signal;
    await expect(host.complete('r-1', ask('a', 0), signal)).rejects.toThrow(/400/);
    expect(await host.complete('r-2', ask('a', 0), signal)).toMatchObject({ text: 'fine', cached: false });
  });
});
