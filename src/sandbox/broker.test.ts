import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import type { LlmConfig } from '../core/experiment.ts';
import type { LlmExchange } from '../core/model.ts';
import { createModel, Ledger, resolveModel } from '../llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../testing/scripted-llm-server.ts';
import { startModelBroker, type ModelBroker } from './broker.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
const KEY = 'sk-secret-123';
const TOKEN_CAP = 100;
// Found on PATH, where the guard looked for it.
const BWRAP = 'bwrap';
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

interface Setup {
  server: ScriptedLlmServer;
  broker: ModelBroker;
  ledger: Ledger;
  exchanges: LlmExchange[];
  root: string;
}

let current: Setup | undefined;

afterEach(async () => {
  await current?.broker.close();
  await current?.server.close();
  if (current) await rm(current.root, { recursive: true, force: true });
  current = undefined;
});

/** A real model handle on the scripted server, capped at TOKEN_CAP tokens, behind a broker. */
async function setup(script: ScriptStep[], maxRequestBytes?: number): Promise<Setup> {
  const server = await startScriptedLlmServer({ script });
  const ledger = new Ledger();
  const exchanges: LlmExchange[] = [];
  const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted`, apiKeyEnv: 'OURO_TEST_BROKER_KEY' }, LLM, {
    OURO_TEST_BROKER_KEY: KEY,
  });
  const handle = createModel(resolved, {
    onExchange: (exchange) => {
      exchanges.push(exchange);
      ledger.record(exchange);
    },
    admit: () => (ledger.exceeded({ tokens: TOKEN_CAP }) ? `the token budget (${TOKEN_CAP}) is spent` : null),
  });
  const root = await mkdtemp(join(tmpdir(), 'ouro-broker-'));
  // Traversable by others, so that a sandbox running as uid 65534 can reach the bind source.
  await chmod(root, 0o711);
  const broker = await startModelBroker({
    socketPath: join(root, 'broker', 'model.sock'),
    models: new Map([[handle.id, handle]]),
    defaultModel: handle.id,
    ...(maxRequestBytes === undefined ? {} : { maxRequestBytes }),
  });
  current = { server, broker, ledger, exchanges, root };
  return current;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function call(socketPath: string, method: string, path: string, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ socketPath, method, path, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: JSON.parse(text) });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const chat = (socketPath: string, body: unknown): Promise<Answer> => call(socketPath, 'POST', '/v1/chat/completions', JSON.stringify(body));

describe('model broker', () => {
  it('answers a chat completion through the handle and books it under the agent', async () => {
    const { server, broker, ledger, exchanges } = await setup([
      { text: 'hello from the model', usage: { inputTokens: 12, outputTokens: 5 } },
    ]);
    const answer = await chat(broker.socketPath, {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
      ],
      max_tokens: 40,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      object: 'chat.completion',
      model: 'compat:scripted',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello from the model' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    });
    expect(answer.text).not.toContain(server.url);
    expect(server.requests[0]).toMatchObject({
      maxTokens: 40,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      operator: 'agent',
      request: { maxOutputTokens: 40 },
      reply: 'hello from the model',
      usage: { inputTokens: 12, outputTokens: 5 },
    });
    expect(ledger.byOperator().get('agent')).toMatchObject({ calls: 1, inputTokens: 12, outputTokens: 5 });
    expect(broker.calls).toBe(1);

    const models = await call(broker.socketPath, 'GET', '/v1/models');
    expect(models.json.data.map((model: { id: string }) => model.id)).toEqual(['compat:scripted']);
    expect(models.text).not.toContain('127.0.0.1');
    expect((await stat(broker.socketPath)).mode & 0o777).toBe(0o666);
    expect((await stat(dirname(broker.socketPath))).mode & 0o777).toBe(0o711);
  });

  it.skipIf(bubblewrap.missing)(
    bubblewrap.title('serves an agent inside bubblewrap that has no key, no provider address and no network'),
    async () => {
      const { server, broker, exchanges } = await setup([{ text: 'hello sandbox' }]);
      const output = await runInBubblewrap(broker.socketPath, server.url);
      const result = JSON.parse(output) as { status: number; reply: string; env: string; uid: number; fetch: string };
      expect(result.status).toBe(200);
      expect(JSON.parse(result.reply).choices[0].message.content).toBe('hello sandbox');
      expect(result.uid).toBe(65534);
      for (const secret of [KEY, server.url, `:${new URL(server.url).port}`]) {
        expect(result.env).not.toContain(secret);
        expect(result.reply).not.toContain(secret);
      }
      expect(result.fetch).not.toBe('connected');
      expect(exchanges[0]).toMatchObject({ operator: 'agent', request: { messages: [{ role: 'user', content: 'hello from inside' }] } });
    },
  );

  it('answers 429 once the budget is spent, and the provider sees no further request', async () => {
    const { server, broker, ledger } = await setup([
      { text: 'first', usage: { inputTokens: 60, outputTokens: 50 } },
      { text: 'never sent' },
    ]);
    expect((await chat(broker.socketPath, { messages: [{ role: 'user', content: 'one' }] })).status).toBe(200);
    expect(ledger.totals().tokens).toBe(110);
    const refused = await chat(broker.socketPath, { messages: [{ role: 'user', content: 'two' }] });
    expect(refused.status).toBe(429);
    expect(refused.headers['x-should-retry']).toBe('false');
    expect(refused.json.error).toMatchObject({ code: 'budget_spent' });
    expect(refused.json.error.message).toMatch(/budget is spent.*stop calling the model/);
    expect(server.requests).toHaveLength(1);
    expect(broker.calls).toBe(2);
  });

  it('answers 502 for a failed call without the provider address or a key', async () => {
    const failure = 'upstream broke at http://10.1.2.3:9999/v1 with key sk-abcdef123456 and Bearer hunter2';
    const { server, broker } = await setup([{ status: 500, text: failure }]);
    const answer = await chat(broker.socketPath, { messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(502);
    expect(answer.json.error).toMatchObject({ type: 'upstream_error', code: 'http' });
    expect(answer.json.error.message).toContain('compat:scripted');
    for (const secret of [server.url, '127.0.0.1', '10.1.2.3', 'sk-abcdef', 'hunter2', KEY]) expect(answer.text).not.toContain(secret);
  });

  it('refuses bad requests with the field at fault', async () => {
    const { server, broker } = await setup([], 4096);
    const socket = broker.socketPath;
    const malformed = await call(socket, 'POST', '/v1/chat/completions', '{"messages": [');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/not JSON/);
    const missing = await chat(socket, { model: 'compat:scripted' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/^messages:/);
    const badRole = await chat(socket, { messages: [{ role: 'tool', content: 'x' }] });
    expect(badRole.json.error.message).toMatch(/^messages\[0\]\.role:/);
    const badTokens = await chat(socket, { messages: [{ role: 'user', content: 'x' }], max_completion_tokens: -3 });
    expect(badTokens.json.error.message).toMatch(/^max_completion_tokens:/);
    const unknown = await chat(socket, { model: 'openai:gpt-nope', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/openai:gpt-nope.*not offered.*compat:scripted/);
    const streaming = await chat(socket, { stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(streaming.status).toBe(400);
    expect(streaming.json.error.message).toMatch(/streaming is not offered/);
    const oversized = await chat(socket, { messages: [{ role: 'user', content: 'x'.repeat(8192) }] });
    expect(oversized.status).toBe(413);
    const huge = await chat(socket, { messages: [{ role: 'user', content: 'x'.repeat(4 * 1024 * 1024) }] });
    expect(huge.status).toBe(413);
    expect((await call(socket, 'GET', '/v1/chat/completions')).status).toBe(405);
    expect((await call(socket, 'GET', '/v1/embeddings')).status).toBe(404);
    expect(server.requests).toHaveLength(0);
    expect(broker.calls).toBe(0);
  });

  it('replaces a stale socket but never a live one or another file', async () => {
    const { broker, root } = await setup([]);
    const options = { models: new Map(), defaultModel: 'compat:scripted' };
    await expect(startModelBroker({ ...options, socketPath: broker.socketPath })).rejects.toThrow(/defaultModel/);
    const handle = { id: 'openai:gpt-test', contextWindow: 1000, complete: () => Promise.reject(new Error('unused')) };
    const models = new Map([[handle.id, handle]]);
    await expect(startModelBroker({ socketPath: broker.socketPath, models, defaultModel: handle.id })).rejects.toThrow(
      /another process listens/,
    );
    const file = join(root, 'not-a-socket');
    await writeFile(file, 'keep me');
    await expect(startModelBroker({ socketPath: file, models, defaultModel: handle.id })).rejects.toThrow(/is not a socket/);

    const stale = join(root, 'stale.sock');
    await leaveStaleSocket(stale);
    const lookup = (id: string) => (id === handle.id ? handle : undefined);
    const second = await startModelBroker({ socketPath: stale, models: lookup, defaultModel: handle.id });
    expect((await call(stale, 'GET', '/v1/models')).json.data[0].id).toBe('openai:gpt-test');
    await second.close();
    expect(existsSync(stale)).toBe(false);
  });
});

/** A socket file nobody listens on: its owner was killed before it could remove it. */
async function leaveStaleSocket(socketPath: string): Promise<void> {
  const script = `require('node:net').createServer().listen(process.argv[1], () => console.log('listening'))`;
  const child = spawn(process.execPath, ['-e', script, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(lstatSync(socketPath).isSocket()).toBe(true);
}

/** Runs inside the sandbox: one chat completion over the socket, then a try at the network. */
const AGENT =
  `
const http = require('node:http');
const request = http.request({ socketPath: process.env.OURO_BROKER_SOCKET, path: '/v1/chat/completions', method: 'POST' }, (response) => {
  let reply = '';
  response.setEncoding('utf8');
  response.on('data', (chunk) => { reply += chunk; });
  response.on('end', async () => {
    let reached = 'connected';
    try { await fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }); ` +
  `} catch (error) { reached = String(error.cause?.code ?? error.message); }
    console.log(JSON.stringify({ status: response.statusCode, reply, env: JSON.stringify(process.env), ` +
  `uid: process.getuid(), fetch: reached }));
  });
});
request.on('error', (error) => console.log(JSON.stringify({ error: String(error) })));
request.end(JSON.stringify({ messages: [{ role: 'user', content: 'hello from inside' }] }));
`;

/** Read-only system directories, as binds or as the symlinks they are on merged-/usr systems. */
function systemBinds(): string[] {
  const binds = ['--ro-bind', '/usr', '/usr'];
  for (const path of ['/bin', '/lib', '/lib64']) {
    if (!existsSync(path)) continue;
    binds.push(...(lstatSync(path).isSymbolicLink() ? ['--symlink', readlinkSync(path), path] : ['--ro-bind', path, path]));
  }
  const prefix = dirname(dirname(process.execPath));
  if (prefix !== '/usr') binds.push('--ro-bind', prefix, prefix);
  return binds;
}

/** Whether a stranger's uid can run this file: every directory above it is searchable by others. */
function othersCanRun(file: string): boolean {
  for (let path = dirname(file); ; path = dirname(path)) {
    if ((statSync(path).mode & 0o001) === 0) return false;
    if (path === dirname(path)) return (statSync(file).mode & 0o001) !== 0;
  }
}

async function runInBubblewrap(socketPath: string, providerUrl: string): Promise<string> {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--clearenv',
    ...systemBinds(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--chdir',
    '/tmp',
    '--bind',
    dirname(socketPath),
    '/run/ouro',
    '--setenv',
    'OURO_BROKER_SOCKET',
    `/run/ouro/${basename(socketPath)}`,
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--unshare-user',
    process.execPath,
    '-e',
    AGENT,
    providerUrl,
  ];
  // As root, bubblewrap itself runs as uid 65534, so that the socket's permissions are really
  // tested (root's user namespace would map the sandbox back to root). The key sits in the
  // environment bubblewrap is started with, as on a host; --clearenv must keep it out.
  const unprivileged = process.getuid?.() === 0 && othersCanRun(process.execPath);
  const child = spawn(BWRAP, args, {
    env: { ...process.env, OURO_TEST_BROKER_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(unprivileged ? { uid: 65534, gid: 65534 } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`bubblewrap exited with ${code}: ${stderr}`);
  return stdout.trim();
}
