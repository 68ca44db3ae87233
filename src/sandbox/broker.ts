import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { ModelCallError, type ChatMessage, type Completion, type ModelHandle } from '../core/model.ts';

export interface ModelBrokerOptions {
  /** Where the broker listens; its directory is created when missing. */
  socketPath: string;
  /** The models on offer by id, or a function that finds one (then only the default is listed). */
  models: ReadonlyMap<string, ModelHandle> | ((modelId: string) => ModelHandle | undefined);
  /** The model a request without `model` gets. */
  defaultModel: string;
  /** The operator the ledger books the calls under; `agent` by default. */
  operator?: string;
  /** Larger request bodies get 413; 1 MiB by default. */
  maxRequestBytes?: number;
}

export interface ModelBroker {
  readonly socketPath: string;
  /** Chat completions handed to a model handle so far, refused and failed ones included. */
  readonly calls: number;
  close(): Promise<void>;
}

/** An answer the broker gives without calling a model. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Offered {
  /** The id the sandbox sees, without any base URL. */
  id: string;
  handle: ModelHandle;
}

type Body = Record<string, unknown>;

/**
 * The name a sandbox sees for a model: a compat id loses its base URL, so
 * `compat:http://127.0.0.1:11434/v1#qwen2.5-coder` is offered as `compat:qwen2.5-coder`.
 */
export function publicModelId(id: string): string {
  return id.startsWith('compat:') ? `compat:${id.slice(id.lastIndexOf('#') + 1)}` : id;
}

const URL_PATTERN = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>]*[^\s"'<>.,:;)\]]/gi;
const ADDRESS_PATTERN = /\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?\b/gi;
const SECRET_PATTERN = /\bBearer\s+\S+|\b(?:sk|pk|rk|key|token)[-_][\w.*-]{6,}|\b[\w-]{32,}\b/gi;

/** A message fit for the sandbox: model ids in their public form, no URL, address or key. */
function redact(text: string, internalIds: Iterable<string>): string {
  let cleaned = text;
  for (const id of internalIds) cleaned = cleaned.split(id).join(publicModelId(id));
  cleaned = cleaned.replace(URL_PATTERN, '[address withheld]').replace(ADDRESS_PATTERN, '[address withheld]');
  cleaned = cleaned.replace(SECRET_PATTERN, '[secret withheld]');
  return cleaned.length > 500 ? `${cleaned.slice(0, 500)}...` : cleaned;
}

/** The models by public id; throws when two share a public id or the default is not among them. */
function catalogueOf(options: ModelBrokerOptions): {
  list: string[];
  find: (id: string) => Offered | undefined;
  internalIds: Set<string>;
  defaultId: string;
} {
  const { models, defaultModel } = options;
  const internalIds = new Set<string>();
  const defaultId = publicModelId(defaultModel);
  if (typeof models === 'function') {
    const handle = models(defaultModel);
    if (!handle) throw new OuroError('model-missing', `defaultModel: no model ${defaultModel} is offered`, { field: 'defaultModel' });
    internalIds.add(defaultModel).add(handle.id);
    const find = (id: string): Offered | undefined => {
      const found = id === defaultId ? handle : models(id);
      if (found) internalIds.add(found.id);
      return found ? { id: publicModelId(id), handle: found } : undefined;
    };
    return { list: [defaultId], find, internalIds, defaultId };
  }
  const offered = new Map<string, Offered>();
  for (const [id, handle] of models) {
    const shown = publicModelId(id);
    if (offered.has(shown))
      throw new OuroError('option-invalid', `models: two models would both be offered as ${shown}`, { field: 'models' });
    offered.set(shown, { id: shown, handle });
    internalIds.add(id).add(handle.id);
  }
  if (!offered.has(defaultId)) {
    throw new OuroError(
      'model-missing',
      `defaultModel: ${defaultModel} is not among the offered models (${[...offered.keys()].join(', ')})`,
      { field: 'defaultModel' },
    );
  }
  return { list: [...offered.keys()], find: (id) => offered.get(id), internalIds, defaultId };
}

function textOf(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  const parts = Array.isArray(content) ? content : [];
  const texts = parts.map((part: unknown) =>
    typeof part === 'object' && part !== null && (part as Body).type === 'text' ? (part as Body).text : undefined,
  );
  if (parts.length === 0 || texts.some((text) => typeof text !== 'string')) {
    throw new Refusal(400, 'invalid_request_error', `${field}: must be a string or an array of { type: "text", text } parts`);
  }
  return texts.join('');
}

/** The chat request's fields the broker uses, checked; a wrong shape names the field. */
function parseChat(raw: Buffer): { model?: string; messages: ChatMessage[]; maxOutputTokens?: number } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new Refusal(400, 'invalid_request_error', `the request body is not JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Refusal(400, 'invalid_request_error', 'the request body must be a JSON object');
  const request = body as Body;
  if (request.stream === true) {
    throw new Refusal(
      400,
      'invalid_request_error',
      'stream: streaming is not offered by this broker; omit "stream" (or send false) and read one JSON reply',
    );
  }
  if (Array.isArray(request.tools) && request.tools.length > 0)
    throw new Refusal(400, 'invalid_request_error', 'tools: tool calls are not offered by this broker');
  if (request.model !== undefined && request.model !== null && typeof request.model !== 'string') {
    throw new Refusal(400, 'invalid_request_error', 'model: must be a string naming a model from GET /v1/models');
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new Refusal(400, 'invalid_request_error', 'messages: must be a non-empty array of { role, content }');
  }
  const messages = request.messages.map((entry: unknown, index): ChatMessage => {
    const message = (typeof entry === 'object' && entry !== null ? entry : {}) as Body;
    const role = message.role === 'developer' ? 'system' : message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new Refusal(400, 'invalid_request_error', `messages[${index}].role: must be "system", "developer", "user" or "assistant"`);
    }
    return { role, content: textOf(message.content, `messages[${index}].content`) };
  });
  const tokenField = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const maxOutputTokens = request[tokenField];
  if (maxOutputTokens != null && !(Number.isSafeInteger(maxOutputTokens) && (maxOutputTokens as number) > 0)) {
    throw new Refusal(400, 'invalid_request_error', `${tokenField}: must be a positive integer`);
  }
  return {
    ...(typeof request.model === 'string' ? { model: request.model } : {}),
    messages,
    ...(typeof maxOutputTokens === 'number' ? { maxOutputTokens } : {}),
  };
}

/** The body, or null when it is larger than the limit (the rest is drained, not kept). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      request.resume();
      return resolve(null);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      chunks.length = 0;
      resolve(null);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** An error in the OpenAI shape. `x-should-retry: false` stops SDK retries: the model handle already retried. */
function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  code: string | null = null,
  close = false,
): void {
  const headers: Record<string, string> = { 'x-should-retry': 'false', ...(close ? { connection: 'close' } : {}) };
  sendJson(response, status, { error: { message, type, code } }, headers);
}

function chatReply(number: number, model: string, completion: Completion): Body {
  const { inputTokens, outputTokens } = completion.usage;
  return {
    id: `chatcmpl-broker-${number}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: completion.text },
        finish_reason: completion.finishReason === 'length' ? 'length' : 'stop',
      },
    ],
    usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
  };
}

/** Whether something listens on the socket, so that a live broker's socket is never removed. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function prepareSocketPath(socketPath: string): Promise<void> {
  const directory = dirname(socketPath);
  // 0711, not 0700: the sandboxed uid (65534) may be a different host uid than the broker's, and
  // it must be able to reach the socket by its name. It still cannot list the directory.
  if ((await mkdir(directory, { recursive: true, mode: 0o711 })) !== undefined) await chmod(directory, 0o711);
  const existing = await lstat(socketPath).catch(() => undefined);
  if (!existing) return;
  if (!existing.isSocket()) {
    throw new OuroError('option-invalid', `socketPath: ${socketPath} exists and is not a socket; the broker will not replace it`, {
      field: 'socketPath',
    });
  }
  if (await answers(socketPath))
    throw new OuroError('option-invalid', `socketPath: another process listens on ${socketPath}`, { field: 'socketPath' });
  await unlink(socketPath);
}

/**
 * A model broker on a Unix socket: the OpenAI chat-completions subset an agent inside a sandbox
 * needs (`POST /v1/chat/completions`, non-streaming, and `GET /v1/models`). Every call goes
 * through the given model handles, so the run's budget and ledger apply; the sandbox never sees
 * a key or a provider URL, and a spent budget answers 429.
 *
 * @example
 * const broker = await startModelBroker({ socketPath, models: new Map([[handle.id, handle]]), defaultModel: handle.id });
 * // bwrap ... --bind <socket directory> /run/ouro --setenv OURO_BROKER_SOCKET /run/ouro/<socket name> ...
 * await broker.close();
 */
export async function startModelBroker(options: ModelBrokerOptions): Promise<ModelBroker> {
  const { socketPath } = options;
  const operator = options.operator ?? 'agent';
  const limit = options.maxRequestBytes ?? 1024 * 1024;
  const catalogue = catalogueOf(options);
  let calls = 0;

  async function chat(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request, limit);
    if (raw === null)
      return sendError(response, 413, 'invalid_request_error', `the request body is larger than ${limit} bytes`, null, true);
    const chatRequest = parseChat(raw);
    const offered = catalogue.find(chatRequest.model ?? catalogue.defaultId);
    if (!offered) {
      const name = redact(chatRequest.model ?? '', catalogue.internalIds);
      throw new Refusal(
        404,
        'invalid_request_error',
        `model: "${name}" is not offered here; GET /v1/models lists ${catalogue.list.join(', ')}`,
      );
    }
    calls += 1;
    const number = calls;
    // An agent that hangs up stops the call, so that nothing is spent on a reply nobody reads.
    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    const completion = await offered.handle.complete({
      messages: chatRequest.messages,
      operator,
      ...(chatRequest.maxOutputTokens === undefined ? {} : { maxOutputTokens: chatRequest.maxOutputTokens }),
      signal: controller.signal,
    });
    sendJson(response, 200, chatReply(number, offered.id, completion));
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]?.replace(/\/+$/, '') ?? '';
    if (path === '/v1/models' && request.method === 'GET') {
      return sendJson(response, 200, {
        object: 'list',
        data: catalogue.list.map((id) => ({ id, object: 'model', created: 0, owned_by: 'ouroboros' })),
      });
    }
    if (path === '/v1/chat/completions' && request.method === 'POST') return chat(request, response);
    const known = path === '/v1/models' || path === '/v1/chat/completions';
    const message = known
      ? `${request.method} is not allowed on ${path}`
      : `no route for ${request.method} ${path}; the broker offers POST /v1/chat/completions and GET /v1/models`;
    request.resume();
    sendError(response, known ? 405 : 404, 'invalid_request_error', redact(message, catalogue.internalIds));
  }

  function fail(response: ServerResponse, error: unknown): void {
    const clean = (text: string): string => redact(text, catalogue.internalIds);
    if (error instanceof Refusal) {
      sendError(response, error.status, error.type, error.message);
      return;
    }
    if (error instanceof ModelCallError && error.kind === 'budget') {
      const message = `the run's model budget is spent (${clean(error.message)}); stop calling the model and finish with what you have`;
      sendError(response, 429, 'insufficient_quota', message, 'budget_spent');
      return;
    }
    if (error instanceof ModelCallError) {
      const status = error.status === undefined ? '' : `, status ${error.status}`;
      sendError(response, 502, 'upstream_error', `the model call failed (${error.kind}${status}): ${clean(error.message)}`, error.kind);
      return;
    }
    sendError(response, 500, 'server_error', `the broker failed: ${clean(error instanceof Error ? error.message : String(error))}`);
  }

  await prepareSocketPath(socketPath);
  const server = createServer((request, response) => {
    response.on('error', () => {});
    route(request, response).catch((error: unknown) => fail(response, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => unlink(socketPath).catch(() => {}));
  // Connecting to a Unix socket takes write permission on it, which the sandbox's uid needs. A host
  // user who finds the socket could spend the run's budget through it, but never sees a key.
  await chmod(socketPath, 0o666).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return {
    socketPath,
    get calls() {
      return calls;
    },
    close,
  };
}
