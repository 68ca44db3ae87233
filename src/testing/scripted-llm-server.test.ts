import { request as httpRequest, Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EMBEDDING_DIMENSION, scriptedEmbedding, startScriptedLlmServer, type ScriptedLlmServer } from './scripted-llm-server.ts';

let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(path: string, body: unknown): Promise<{ status: number; headers: Headers; text: string }> {
  if (!server) throw new Error('no server');
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const CHAT = {
  model: 'scripted',
  messages: [
    { role: 'developer', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
  ],
  max_completion_tokens: 50,
};

describe('scripted LLM server', () => {
  it('answers OpenAI chat completions in order and records the requests', async () => {
    server = await startScriptedLlmServer({
      script: [{ text: 'hi there' }, { text: 'cut', finishReason: 'length', usage: { inputTokens: 7, outputTokens: 3 } }],
    });
    const first = JSON.parse((await post('/v1/chat/completions', CHAT)).text) as Record<string, any>;
    expect(first.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop' });
    expect(first.usage).toEqual({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
    const second = JSON.parse((await post('/v1/chat/completions', CHAT)).text) as Record<string, any>;
    expect(second.choices[0].finish_reason).toBe('length');
    expect(server.requests[0]).toMatchObject({
      protocol: 'openai',
      model: 'scripted',
      maxTokens: 50,
      stream: false,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    expect(server.usage).toEqual({ inputTokens: 11, outputTokens: 5 });
  });

  it('streams chat completions as server-sent events ending with usage', async () => {
    server = await startScriptedLlmServer({ script: [{ text: 'a reply long enough to need several chunks' }] });
    const reply = await post('/v1/chat/completions', { ...CHAT, stream: true, stream_options: { include_usage: true } });
    expect(reply.headers.get('content-type')).toContain('text/event-stream');
    const events = reply.text
      .split('\n\n')
      .filter(Boolean)
      .map((event) => event.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as Record<string, any>);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('a reply long enough to need several chunks');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 11 });
    expect(server.requests[0]?.stream).toBe(true);
  });

  it('answers the Anthropic Messages API', async () => {
    server = await startScriptedLlmServer({ script: [{ text: 'hello', finishReason: 'length' }] });
    const reply = await post('/v1/messages', {
      model: 'claude-haiku-4-5',
      max_tokens: 20,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }],
    });
    expect(JSON.parse(reply.text)).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'hello' }],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 4, output_tokens: 2 },
    });
    expect(server.requests[0]).toMatchObject({
      protocol: 'anthropic',
      maxTokens: 20,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
  });

  it('sends scripted errors with headers, raw bodies, and then asks respond', async () => {
    server = await startScriptedLlmServer({
      script: [{ status: 429, text: 'slow down', headers: { 'retry-after': '2' } }, { rawBody: '{"choices": [' }],
      respond: (request) => ({ text: `echo ${request.messages.at(-1)?.content ?? ''}` }),
    });
    const limited = await post('/v1/chat/completions', CHAT);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(JSON.parse(limited.text)).toMatchObject({ error: { message: 'slow down' } });
    expect((await post('/v1/chat/completions', CHAT)).text).toBe('{"choices": [');
    const echoed = JSON.parse(
      (await post('/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'ping' }] })).text,
    );
    expect(echoed).toMatchObject({ content: [{ text: 'echo ping' }] });
    expect(server.usage.outputTokens).toBe(3);
  });

  it('answers 500 with a clear message when it has nothing to say', async () => {
    server = await startScriptedLlmServer();
    const reply = await post('/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'ping' }] });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.text)).toMatchObject({ type: 'error', error: { message: expect.stringContaining('no step left') as string } });
    expect(server.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('serves deterministic embeddings and a model list', async () => {
    server = await startScriptedLlmServer();
    const reply = JSON.parse((await post('/v1/embeddings', { model: 'e', input: ['one', 'two'] })).text) as Record<string, any>;
    expect(reply.data).toHaveLength(2);
    expect(reply.data[1].embedding).toEqual(scriptedEmbedding('two'));
    const vector = scriptedEmbedding('one');
    expect(vector).toHaveLength(EMBEDDING_DIMENSION);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 9);
    expect(scriptedEmbedding('one')).toEqual(vector);
    const models = await fetch(`${server.url}/v1/models`);
    expect(models.status).toBe(200);
    expect(await models.json()).toMatchObject({ data: [{ id: 'scripted' }] });
    expect((await post('/v1/unknown', {})).status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });

  it('closes promptly with a kept-alive socket and a reply still waiting', async () => {
    const started = await startScriptedLlmServer({ script: [{ text: 'fast' }, { text: 'never sent', delayMs: 60_000 }] });
    const agent = new Agent({ keepAlive: true });
    const send = (onError?: (error: Error) => void) =>
      new Promise<number>((resolve) => {
        const request = httpRequest(`${started.url}/v1/chat/completions`, { method: 'POST', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', (error) => {
          onError?.(error);
          resolve(-1);
        });
        request.end(JSON.stringify(CHAT));
      });
    expect(await send()).toBe(200);
    let dropped: Error | undefined;
    const pending = send((error) => (dropped = error));
    while (started.requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
    await started.close();
    expect(await pending).toBe(-1);
    expect(dropped).toBeDefined();
    agent.destroy();
  });
});
