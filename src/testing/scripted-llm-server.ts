import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage } from '../core/model.ts';

export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One scripted reply to a chat request. */
export interface ScriptStep {
  /** The reply text; with `status`, the error message. */
  text?: string;
  /** Answer with this HTTP status and the protocol's JSON error body. */
  status?: number;
  headers?: Record<string, string>;
  /** Sent verbatim with status 200, such as truncated JSON. */
  rawBody?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Reported usage; by default about four characters per token of prompt and reply. */
  usage?: ScriptedUsage;
  finishReason?: 'stop' | 'length';
  /**
   * Token log-probabilities of the reply, sent in OpenAI's chat format (`choices[].logprobs.content`)
   * when the request asks for them with `logprobs: true`. Leave them out to play a server that
   * does not return log-probabilities.
   */
  logprobs?: ScriptedLogprob[];
}

/** One reply token's log-probability, with its most likely alternatives. */
export interface ScriptedLogprob {
  token: string;
  logprob: number;
  topLogprobs?: Array<{ token: string; logprob: number }>;
}

/** A chat request as the server understood it. */
export interface ScriptedRequest {
  protocol: 'openai' | 'anthropic';
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  stream: boolean;
  temperature?: number;
  /** True when the request asked for token log-probabilities. */
  logprobs: boolean;
  topLogprobs?: number;
  /** Arrival time, in epoch milliseconds. */
  at: number;
}

export interface ScriptedLlmServerOptions {
  /** Replies to chat requests, consumed in order. */
  script?: ScriptStep[];
  /** Asked for a reply once the script is used up. */
  respond?: (request: ScriptedRequest) => ScriptStep | Promise<ScriptStep>;
  /** A fixed delay added to every chat reply, errors included. */
  latencyMs?: number;
}

export interface ScriptedLlmServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  openaiBaseURL: string;
  anthropicBaseURL: string;
  compatBaseURL: string;
  /** Chat requests in order of arrival. */
  requests: ScriptedRequest[];
  /** ScriptedUsage reported in successful chat replies, summed. */
  usage: ScriptedUsage;
  /** Appends steps to the script. */
  enqueue(...steps: ScriptStep[]): void;
  close(): Promise<void>;
}

export const EMBEDDING_DIMENSION = 64;

/** A deterministic unit vector for a text, the same on every run. */
export function scriptedEmbedding(text: string): number[] {
  // Feature hashing of the text's tokens and token pairs: like a real embedding, texts that share
  // most of their tokens point in nearly the same direction, and unrelated texts do not.
  const vector = new Array<number>(EMBEDDING_DIMENSION).fill(0);
  const tokens = text.match(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g) ?? [];
  const add = (feature: string) => {
    const bytes = createHash('sha1').update(feature).digest();
    const slot = (bytes[0] as number) % EMBEDDING_DIMENSION;
    vector[slot] = (vector[slot] as number) + (((bytes[1] as number) & 1) === 0 ? 1 : -1);
  };
  tokens.forEach((token, index) => {
    add(token);
    if (index > 0) add(`${tokens[index - 1]} ${token}`);
  });
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  // An empty text gets a fixed unit vector rather than zeros.
  return norm === 0 ? vector.map((_, index) => (index === 0 ? 1 : 0)) : vector.map((value) => value / norm);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '')).join('');
}

type Body = Record<string, unknown>;

function chatMessages(protocol: ScriptedRequest['protocol'], body: Body): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (protocol === 'anthropic' && body.system !== undefined) messages.push({ role: 'system', content: textOf(body.system) });
  for (const raw of Array.isArray(body.messages) ? (body.messages as Body[]) : []) {
    const role = raw.role === 'developer' ? 'system' : raw.role;
    if (role === 'system' || role === 'user' || role === 'assistant') messages.push({ role, content: textOf(raw.content) });
  }
  return messages;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function errorBody(protocol: ScriptedRequest['protocol'], status: number, message: string): unknown {
  if (protocol === 'anthropic') return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } };
  return { error: { message, type: 'scripted_error', code: String(status) } };
}

/** OpenAI's chat `logprobs` object: each token with its UTF-8 bytes and its top alternatives. */
function openaiLogprobs(tokens: ScriptedLogprob[]): Body {
  const entry = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token, 'utf8')] });
  return {
    content: tokens.map((token) => ({
      ...entry(token.token, token.logprob),
      top_logprobs: (token.topLogprobs ?? []).map((alternative) => entry(alternative.token, alternative.logprob)),
    })),
    refusal: null,
  };
}

function openaiReply(request: ScriptedRequest, text: string, finish: string, usage: ScriptedUsage, logprobs?: ScriptedLogprob[]): Body {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: Math.floor(request.at / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: finish,
        ...(logprobs === undefined ? {} : { logprobs: openaiLogprobs(logprobs) }),
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
  };
}

function openaiStream(
  response: ServerResponse,
  request: ScriptedRequest,
  text: string,
  finish: string,
  usage: ScriptedUsage,
  logprobs?: ScriptedLogprob[],
): void {
  if (response.destroyed) return;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: Math.floor(request.at / 1000), model: request.model };
  const send = (chunk: Body): boolean => response.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
  send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  if (logprobs !== undefined) {
    // One chunk per token, each carrying that token's log-probability, as OpenAI streams them.
    for (const token of logprobs) {
      send({ choices: [{ index: 0, delta: { content: token.token }, logprobs: openaiLogprobs([token]), finish_reason: null }] });
    }
  } else {
    for (let start = 0; start < text.length; start += 16) {
      send({ choices: [{ index: 0, delta: { content: text.slice(start, start + 16) }, finish_reason: null }] });
    }
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
  send({
    choices: [],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
  });
  response.end('data: [DONE]\n\n');
}

function anthropicReply(request: ScriptedRequest, text: string, finish: string, usage: ScriptedUsage): Body {
  return {
    id: 'msg_scripted',
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: [{ type: 'text', text }],
    stop_reason: finish === 'length' ? 'max_tokens' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
  };
}

async function readBody(request: IncomingMessage): Promise<Body | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A real HTTP server on 127.0.0.1 that speaks just enough of the OpenAI chat-completions, Anthropic
 * Messages and OpenAI embeddings APIs to test model clients end to end: scripted replies, errors,
 * delays and broken bodies, and a record of every chat request.
 *
 * @example
 * const server = await startScriptedLlmServer({ script: [{ status: 429 }, { text: 'hello' }] });
 * const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, llm);
 * // ... call the model, then:
 * await server.close();
 */
export async function startScriptedLlmServer(options: ScriptedLlmServerOptions = {}): Promise<ScriptedLlmServer> {
  const script = [...(options.script ?? [])];
  const requests: ScriptedRequest[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function nextStep(request: ScriptedRequest): Promise<ScriptStep> {
    const step = script.shift();
    if (step) return step;
    if (options.respond) return options.respond(request);
    return { status: 500, text: `scripted LLM server: no step left in the script for request ${requests.length} and no respond function` };
  }

  async function chat(protocol: ScriptedRequest['protocol'], body: Body, response: ServerResponse): Promise<void> {
    const maxTokens = body.max_tokens ?? body.max_completion_tokens;
    const request: ScriptedRequest = {
      protocol,
      model: typeof body.model === 'string' ? body.model : '',
      messages: chatMessages(protocol, body),
      ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
      stream: body.stream === true,
      ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
      logprobs: body.logprobs === true,
      ...(typeof body.top_logprobs === 'number' ? { topLogprobs: body.top_logprobs } : {}),
      at: Date.now(),
    };
    requests.push(request);
    const step = await nextStep(request);
    await wait((options.latencyMs ?? 0) + (step.delayMs ?? 0));
    if (response.destroyed) return;
    const headers = step.headers ?? {};
    if (step.status !== undefined && step.status !== 200) {
      sendJson(response, step.status, errorBody(protocol, step.status, step.text ?? `scripted error ${step.status}`), headers);
      return;
    }
    if (step.rawBody !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json', ...headers });
      response.end(step.rawBody);
      return;
    }
    const text = step.text ?? '';
    const promptChars = request.messages.reduce((sum, message) => sum + message.content.length, 0);
    const reported = step.usage ?? { inputTokens: Math.ceil(promptChars / 4), outputTokens: Math.ceil(text.length / 4) };
    usage.inputTokens += reported.inputTokens;
    usage.outputTokens += reported.outputTokens;
    const finish = step.finishReason ?? 'stop';
    const logprobs = request.logprobs ? step.logprobs : undefined;
    if (protocol === 'anthropic') sendJson(response, 200, anthropicReply(request, text, finish, reported), headers);
    else if (request.stream) openaiStream(response, request, text, finish, reported, logprobs);
    else sendJson(response, 200, openaiReply(request, text, finish, reported, logprobs), headers);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.on('error', () => {});
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: [{ id: 'scripted', object: 'model', created: 0, owned_by: 'ouroboros' }] });
      return;
    }
    if (request.method !== 'POST') return sendJson(response, 404, { error: { message: `no route for ${request.method} ${path}` } });
    const body = await readBody(request);
    if (!body) return sendJson(response, 400, { error: { message: 'the request body is not a JSON object' } });
    if (path === '/v1/chat/completions') return chat('openai', body, response);
    if (path === '/v1/messages') {
      if (body.stream === true) return sendJson(response, 400, errorBody('anthropic', 400, 'streaming is not scripted for /v1/messages'));
      return chat('anthropic', body, response);
    }
    if (path === '/v1/embeddings') {
      const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
      const tokens = inputs.reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
      return sendJson(response, 200, {
        object: 'list',
        data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: scriptedEmbedding(input) })),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }
    sendJson(response, 404, { error: { message: `no route for POST ${path}` } });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(response, 500, { error: { message: `scripted LLM server failed: ${String(error)}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: `${url}/v1`,
    compatBaseURL: `${url}/v1`,
    requests,
    usage,
    enqueue: (...steps) => void script.push(...steps),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
