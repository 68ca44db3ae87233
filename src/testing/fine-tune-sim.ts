/**
 * A SIMULATED fine-tuning service, for tests and benchmarks of trainers and whole flywheels: a
 * real HTTP server on 127.0.0.1 that speaks a subset of OpenAI's API, with no model and no training
 * behind it.
 *
 * - `POST /v1/files` (multipart, purpose `fine-tune`) stores the uploaded JSONL.
 * - `POST /v1/fine_tuning/jobs` creates a job (`validating_files`); each `GET
 *   /v1/fine_tuning/jobs/{id}` moves it on: `runningPolls` answers of `running`, then `succeeded`
 *   with a new model `ft:<base>:<suffix>:<n>`, or `failed` with a message. `GET
 *   /v1/fine_tuning/jobs` lists jobs, newest first.
 * - `POST /v1/chat/completions` answers the simulated tasks of `fine-tune-sim-model.ts`: a
 *   simulated fine-tuned model answers a topic right more often the more right examples of it were
 *   in its training files (its own and its base's); with `collapse`, it gives one reply per prompt
 *   at every temperature.
 * - Faults on demand (an HTTP status with `Retry-After`, once per fault), a job failure message,
 *   an API key to insist on, and a record of every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addKnowledge, learnFromJsonl, simChatCompletion, type SimKnowledge, type SimLearning } from './fine-tune-sim-model.ts';

/** Which endpoint a request or a fault is about. */
export type SimRoute = 'upload' | 'create-job' | 'get-job' | 'list-jobs' | 'chat' | 'models' | 'other';

/** An error the simulated service answers once, to the next request on its route. */
export interface SimFault {
  route: SimRoute;
  status: number;
  message?: string;
  /** Sent as the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number;
  /** Do the work first (store the file, create the job), then answer the error: a reply lost after the fact. */
  applied?: boolean;
}

/** A request as the simulated service saw it. */
export interface SimRequest {
  method: string;
  /** Path and query, such as `/v1/fine_tuning/jobs?limit=100`. */
  path: string;
  route: SimRoute;
  /** The status it was answered with. */
  status: number;
  at: number;
}

/** An uploaded file. */
export interface SimFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  createdAt: number;
}

/** A simulated fine-tuning job. */
export interface SimJob {
  id: string;
  /** The base model's name, as the request gave it. */
  model: string;
  trainingFile: string;
  suffix?: string;
  /** The request's `method` and `hyperparameters`, kept as sent. */
  method?: unknown;
  hyperparameters?: unknown;
  status: 'validating_files' | 'running' | 'succeeded' | 'failed';
  polls: number;
  /** Decided at creation: the new model's name, or why the job will fail. */
  outcome: { model: string; knowledge: SimKnowledge } | { error: string; code: string };
  fineTunedModel?: string;
  createdAt: number;
  finishedAt?: number;
}

/** A model the simulated service serves, with what it has learnt. */
export interface SimModel {
  name: string;
  knowledge: SimKnowledge;
  /** The base model it was first trained from (a name not starting with `ft:`). */
  root: string;
}

export interface FineTuneSimOptions {
  /** `running` answers to polls before a job ends. Default 2. */
  runningPolls?: number;
  /** Fail jobs with this message: every job, or those the function returns a message for when they are created. */
  failJobWith?: string | ((job: Pick<SimJob, 'id' | 'model' | 'trainingFile' | 'suffix'>) => string | undefined);
  /** Fine-tuned models answer one reply per prompt at every temperature. */
  collapse?: boolean;
  /** Wait this long before answering each chat request, so that a test can stop a run mid-round. Default 0. */
  chatLatencyMs?: number;
  /** How replies get better with training. */
  learning?: SimLearning;
  /** Mixed into every draw, so that two simulations can differ. Default 0. */
  seed?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get HTTP 401. */
  apiKey?: string;
  faults?: SimFault[];
}

export interface FineTuneSim {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `<url>/v1`: the base URL for trainers and `compat:` model ids. */
  baseURL: string;
  requests: SimRequest[];
  files: Map<string, SimFile>;
  jobs: Map<string, SimJob>;
  /** Fine-tuned models by name. Base models are any name not starting with `ft:`. */
  models: Map<string, SimModel>;
  /** The Ouroboros model id of a model served here: `compat:<baseURL>#<name>`. */
  modelId(name: string): string;
  /** Adds faults to answer, in order. */
  fault(...faults: SimFault[]): void;
  /** Requests on a route. */
  count(route: SimRoute, method?: string): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  if (!response.destroyed) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }
  return status;
}

function errorBody(message: string, code: string | null = null, param: string | null = null): Json {
  return { error: { message, type: 'invalid_request_error', param, code } };
}

function routeOf(method: string, path: string): SimRoute {
  if (path === '/v1/files') return method === 'POST' ? 'upload' : 'other';
  if (path === '/v1/fine_tuning/jobs') return method === 'POST' ? 'create-job' : method === 'GET' ? 'list-jobs' : 'other';
  if (/^\/v1\/fine_tuning\/jobs\/[^/]+$/.test(path) && method === 'GET') return 'get-job';
  if (path === '/v1/chat/completions' && method === 'POST') return 'chat';
  if (path === '/v1/models' && method === 'GET') return 'models';
  return 'other';
}

/** The job as OpenAI's API shows it. */
function jobBody(job: SimJob): Json {
  const failed = job.status === 'failed' && 'error' in job.outcome ? job.outcome : undefined;
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.model,
    created_at: Math.floor(job.createdAt / 1000),
    finished_at: job.finishedAt === undefined ? null : Math.floor(job.finishedAt / 1000),
    fine_tuned_model: job.fineTunedModel ?? null,
    organization_id: 'org-simulated',
    result_files: [],
    status: job.status,
    training_file: job.trainingFile,
    validation_file: null,
    hyperparameters: job.hyperparameters ?? null,
    method: job.method ?? { type: 'supervised' },
    trained_tokens: job.status === 'succeeded' ? 1000 : null,
    error: failed === undefined ? null : { code: failed.code, message: failed.error, param: 'training_file' },
    suffix: job.suffix ?? null,
  };
}

async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8') || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the simulated fine-tuning service. Close it after use.
 *
 * @example
 * const sim = await startFineTuneSim({ runningPolls: 1 });
 * const trainer = openaiTrainer({ baseUrl: sim.baseURL });
 * const policy = sim.modelId('sim-base'); // sample the first round with this model id
 * // ... run the flywheel, then:
 * await sim.close();
 */
export async function startFineTuneSim(options: FineTuneSimOptions = {}): Promise<FineTuneSim> {
  const requests: SimRequest[] = [];
  const files = new Map<string, SimFile>();
  const jobs = new Map<string, SimJob>();
  const models = new Map<string, SimModel>();
  const faults = [...(options.faults ?? [])];
  /** How many times each model and prompt was asked: what varies sampled replies. */
  const occurrences = new Map<string, number>();
  let fileCount = 0;
  let jobCount = 0;

  const takeFault = (route: SimRoute): SimFault | undefined => {
    const index = faults.findIndex((fault) => fault.route === route);
    return index < 0 ? undefined : faults.splice(index, 1)[0];
  };

  function upload(raw: Buffer, contentType: string): Promise<{ status: number; body: Json }> {
    const form = new Request('http://simulated/v1/files', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    });
    return form.formData().then(
      async (data) => {
        const file = data.get('file');
        const purpose = data.get('purpose');
        if (typeof file === 'string' || file === null)
          return { status: 400, body: errorBody("the form has no file part named 'file'", null, 'file') };
        if (purpose !== 'fine-tune') {
          return { status: 400, body: errorBody(`purpose must be 'fine-tune' here, got ${JSON.stringify(purpose)}`, null, 'purpose') };
        }
        const stored: SimFile = {
          id: `file-sim-${++fileCount}`,
          filename: file.name,
          purpose,
          content: await file.text(),
          createdAt: Date.now(),
        };
        files.set(stored.id, stored);
        const body = {
          object: 'file',
          id: stored.id,
          bytes: Buffer.byteLength(stored.content),
          created_at: Math.floor(stored.createdAt / 1000),
          filename: stored.filename,
          purpose,
        };
        return { status: 200, body };
      },
      () => ({ status: 400, body: errorBody('the body is not multipart/form-data') }),
    );
  }

  function createJob(body: Json): { status: number; body: Json } {
    const model = body.model;
    const trainingFile = body.training_file;
    if (typeof model !== 'string' || model === '') return { status: 400, body: errorBody('model is required', null, 'model') };
    if (typeof trainingFile !== 'string') return { status: 400, body: errorBody('training_file is required', null, 'training_file') };
    const file = files.get(trainingFile);
    if (file === undefined) {
      return { status: 400, body: errorBody(`invalid training_file: ${trainingFile}`, 'invalid_training_file', 'training_file') };
    }
    const parent = models.get(model);
    if (model.startsWith('ft:') && parent === undefined) {
      return { status: 404, body: errorBody(`The model '${model}' does not exist`, 'model_not_found', 'model') };
    }
    const suffix = typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : undefined;
    const id = `ftjob-sim-${++jobCount}`;
    const job: SimJob = {
      id,
      model,
      trainingFile,
      ...(suffix === undefined ? {} : { suffix }),
      ...(body.method === undefined ? {} : { method: body.method }),
      ...(body.hyperparameters === undefined ? {} : { hyperparameters: body.hyperparameters }),
      status: 'validating_files',
      polls: 0,
      outcome: { error: '', code: '' },
      createdAt: Date.now(),
    };
    job.outcome = decideOutcome(job, file, parent);
    jobs.set(id, job);
    return { status: 200, body: jobBody(job) };
  }

  function decideOutcome(job: SimJob, file: SimFile, parent: SimModel | undefined): SimJob['outcome'] {
    let lesson: ReturnType<typeof learnFromJsonl>;
    try {
      lesson = learnFromJsonl(file.content);
    } catch (error) {
      return { error: `The training file ${file.id} is invalid: ${(error as Error).message}`, code: 'invalid_training_file' };
    }
    const failure = typeof options.failJobWith === 'function' ? options.failJobWith(job) : options.failJobWith;
    if (failure !== undefined) return { error: failure, code: 'simulated_failure' };
    const root = parent?.root ?? job.model;
    const knowledge = parent === undefined ? lesson.knowledge : addKnowledge(parent.knowledge, lesson.knowledge);
    return { model: `ft:${root}:${job.suffix ?? 'sim'}:${jobCount}`, knowledge };
  }

  function poll(job: SimJob): Json {
    job.polls++;
    if (job.status !== 'succeeded' && job.status !== 'failed') {
      if (job.polls <= (options.runningPolls ?? 2)) job.status = 'running';
      else if ('error' in job.outcome) {
        job.status = 'failed';
        job.finishedAt = Date.now();
      } else {
        job.status = 'succeeded';
        job.finishedAt = Date.now();
        job.fineTunedModel = job.outcome.model;
        const root = models.get(job.model)?.root ?? job.model;
        models.set(job.outcome.model, { name: job.outcome.model, knowledge: job.outcome.knowledge, root });
      }
    }
    return jobBody(job);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, route: SimRoute, path: string): Promise<number> {
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(response, 401, errorBody('Incorrect API key provided', 'invalid_api_key'));
    }
    const raw = await readRaw(request);
    const fault = takeFault(route);
    const answerFault = (): number =>
      send(
        response,
        fault?.status ?? 500,
        errorBody(fault?.message ?? `simulated HTTP ${fault?.status}`, 'simulated_fault'),
        fault?.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
      );
    if (fault !== undefined && fault.applied !== true) return answerFault();
    const result = await answer(route, path, raw, request.headers['content-type'] ?? '');
    if (fault !== undefined) return answerFault();
    return send(response, result.status, result.body);
  }

  async function answer(route: SimRoute, path: string, raw: Buffer, contentType: string): Promise<{ status: number; body: Json }> {
    const url = new URL(path, 'http://simulated');
    if (route === 'upload') return upload(raw, contentType);
    if (route === 'get-job') {
      const job = jobs.get(decodeURIComponent(url.pathname.split('/').pop() ?? ''));
      return job === undefined
        ? { status: 404, body: errorBody('No such fine-tuning job', 'job_not_found') }
        : { status: 200, body: poll(job) };
    }
    if (route === 'list-jobs') {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const data = [...jobs.values()].reverse().slice(0, limit).map(jobBody);
      return { status: 200, body: { object: 'list', data, has_more: jobs.size > data.length } };
    }
    if (route === 'models') {
      const names = ['sim-base', ...models.keys()];
      return {
        status: 200,
        body: { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'simulation' })) },
      };
    }
    const body = parseJson(raw);
    if (body === undefined) return { status: 400, body: errorBody('the request body is not a JSON object') };
    if (route === 'create-job') return createJob(body);
    if (route === 'chat') {
      const model = typeof body.model === 'string' ? body.model : '';
      if (body.stream === true)
        return { status: 400, body: errorBody('the simulated service does not stream; send stream: false', null, 'stream') };
      if (model.startsWith('ft:') && !models.has(model)) {
        return { status: 404, body: errorBody(`The model '${model}' does not exist`, 'model_not_found', 'model') };
      }
      const fineTuned = models.get(model);
      if (options.chatLatencyMs) await new Promise((resolve) => setTimeout(resolve, options.chatLatencyMs));
      const reply = simChatCompletion(body, {
        knowledge: fineTuned?.knowledge ?? {},
        collapsed: options.collapse === true && fineTuned !== undefined,
        seed: options.seed ?? 0,
        occurrences,
        ...(options.learning === undefined ? {} : { learning: options.learning }),
      });
      return { status: 200, body: reply };
    }
    return { status: 404, body: errorBody(`the simulated service has no route for ${url.pathname}`) };
  }

  const server = createServer((request, response) => {
    response.on('error', () => {});
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const route = routeOf(method, new URL(path, 'http://simulated').pathname.replace(/\/+$/, ''));
    const record = (status: number) => requests.push({ method, path, route, status, at: Date.now() });
    handle(request, response, route, path).then(record, (error: unknown) =>
      record(send(response, 500, errorBody(`the simulated service failed: ${String(error)}`))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseURL = `${url}/v1`;

  return {
    url,
    baseURL,
    requests,
    files,
    jobs,
    models,
    modelId: (name) => `compat:${baseURL}#${name}`,
    fault: (...more) => void faults.push(...more),
    count: (route, method) =>
      requests.filter((request) => request.route === route && (method === undefined || request.method === method)).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
