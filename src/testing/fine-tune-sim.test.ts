import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { learnFromJsonl, readSimAnswer, recognizeSimTask, simAccuracy, simFlywheelTasks, type SimTopic } from './fine-tune-sim-model.ts';
import { startFineTuneSim, type FineTuneSim, type FineTuneSimOptions } from './fine-tune-sim.ts';

let sim: FineTuneSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: FineTuneSimOptions = {}): Promise<FineTuneSim> {
  sim = await startFineTuneSim(options);
  return sim;
}

type Json = Record<string, any>;

async function call(server: FineTuneSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(`${server.baseURL}${path}`, init);
  return { status: response.status, body: (await response.json()) as Json };
}

async function replies(server: FineTuneSim, model: string, prompt: string, temperature: number, n: number): Promise<string[]> {
  const reply = await call(server, 'POST', '/chat/completions', { model, temperature, n, messages: [{ role: 'user', content: prompt }] });
  expect(reply.status).toBe(200);
  return (reply.body.choices as Json[]).map((choice) => choice.message.content as string);
}

/** Chat-message JSONL of answers to `count` tasks of `topic`: right ones, or all off by one. */
function trainingFile(topic: SimTopic, count: number, right = true): string {
  return simFlywheelTasks({ count, seed: 99, topics: [topic] })
    .map((task) => {
      const answer = right ? Number(task.answer) : Number(task.answer) + 1;
      return JSON.stringify({
        messages: [
          { role: 'user', content: task.prompt },
          { role: 'assistant', content: `Answer: ${answer}` },
        ],
      });
    })
    .join('\n');
}

/** Uploads, creates a job and polls it to its end, as a trainer would; the final job body. */
async function fineTune(server: FineTuneSim, model: string, content: string, suffix?: string): Promise<Json> {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([content]), 'train.jsonl');
  const file = await call(server, 'POST', '/files', form);
  expect(file.status).toBe(200);
  const created = await call(server, 'POST', '/fine_tuning/jobs', { model, training_file: file.body.id, ...(suffix ? { suffix } : {}) });
  expect(created.status).toBe(200);
  for (let poll = 0; poll < 20; poll++) {
    const job = await call(server, 'GET', `/fine_tuning/jobs/${created.body.id}`);
    if (job.body.status === 'succeeded' || job.body.status === 'failed') return job.body;
  }
  throw new Error('the simulated job never ended');
}

/** The share of right answers over `samples` replies to each of 40 held-out tasks of `topic`. */
async function measuredAccuracy(server: FineTuneSim, model: string, topic: SimTopic, samples = 5): Promise<number> {
  const tasks = simFlywheelTasks({ count: 40, seed: 7, topics: [topic] });
  let right = 0;
  for (const task of tasks) {
    for (const text of await replies(server, model, task.prompt, 1, samples)) if (readSimAnswer(text) === Number(task.answer)) right++;
  }
  return right / (tasks.length * samples);
}

describe('simulated flywheel tasks', () => {
  it('are distinct, reproducible, tagged by topic, and recognised with their answers', () => {
    const tasks = simFlywheelTasks({ count: 40, seed: 5 });
    expect(simFlywheelTasks({ count: 40, seed: 5 })).toEqual(tasks);
    expect(new Set(tasks.map((task) => task.prompt)).size).toBe(40);
    expect(tasks.slice(0, 4).map((task) => task.tags?.topic)).toEqual(['addition', 'subtraction', 'multiplication', 'remainder']);
    for (const task of tasks) {
      expect(task).toMatchObject({ kind: 'answer', source: 'fine-tune-sim' });
      expect(task.prompt).toMatch(/^Compute .+\. Finish with a line "Answer: <number>"\.$/);
      const parts = recognizeSimTask(task.prompt);
      expect(parts?.topic).toBe(task.tags?.topic);
      expect(String(parts?.answer)).toBe(task.answer);
    }
    expect(recognizeSimTask('Compute the remainder of 347 divided by 12.')).toEqual({ topic: 'remainder', a: 347, b: 12, answer: 11 });
    expect(() => simFlywheelTasks({ count: 2, seed: 1, topics: ['division' as SimTopic] })).toThrow(/topics must be some of/);
  });

  it('teach a topic through right examples only, from every usual JSONL shape', () => {
    const [task] = simFlywheelTasks({ count: 1, seed: 2, topics: ['addition'] });
    const prompt = task?.prompt ?? '';
    const right = `Answer: ${task?.answer}`;
    const lesson = learnFromJsonl(
      [
        {
          messages: [
            { role: 'system', content: 'Be exact.' },
            { role: 'user', content: prompt },
            { role: 'assistant', content: right },
          ],
        },
        { input: { messages: [{ role: 'user', content: prompt }] }, preferred_output: [{ role: 'assistant', content: right }] },
        { prompt, completion: 'Answer: 1' },
        { prompt, chosen: right, rejected: 'Answer: 1' },
        { prompt: 'Write a poem.', completion: 'Roses.' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    expect(lesson).toEqual({ knowledge: { addition: { right: 3, wrong: 1 } }, examples: 4, ignored: 1 });
    expect(simAccuracy('addition', lesson.knowledge)).toBeGreaterThan(simAccuracy('addition', {}));
    expect(simAccuracy('addition', { addition: { right: 3, wrong: 3 } })).toBe(simAccuracy('addition', {}));
    expect(() => learnFromJsonl('{"prompt": "x"}\n')).toThrow(/line 1 has no user prompt/);
  });
});

describe('the simulated fine-tuning service', () => {
  it('runs a job through validating, a few running polls, and success with a new model id', async () => {
    const server = await start({ runningPolls: 2 });
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob([trainingFile('addition', 3)]), 'sft.jsonl');
    const file = await call(server, 'POST', '/files', form);
    expect(file.body).toMatchObject({ object: 'file', id: 'file-sim-1', filename: 'sft.jsonl', purpose: 'fine-tune' });
    const created = await call(server, 'POST', '/fine_tuning/jobs', { model: 'sim-base', training_file: 'file-sim-1', suffix: 'ouro' });
    expect(created.body).toMatchObject({
      object: 'fine_tuning.job',
      id: 'ftjob-sim-1',
      status: 'validating_files',
      fine_tuned_model: null,
    });
    const statuses = [];
    for (let poll = 0; poll < 4; poll++) statuses.push((await call(server, 'GET', '/fine_tuning/jobs/ftjob-sim-1')).body.status);
    expect(statuses).toEqual(['running', 'running', 'succeeded', 'succeeded']);
    const listed = await call(server, 'GET', '/fine_tuning/jobs?limit=10');
    expect(listed.body.data[0]).toMatchObject({ id: 'ftjob-sim-1', fine_tuned_model: 'ft:sim-base:ouro:1', training_file: 'file-sim-1' });
    expect(server.models.get('ft:sim-base:ouro:1')?.knowledge).toEqual({ addition: { right: 3, wrong: 0 } });

    // Training a fine-tuned model again keeps the root name and adds to what it knew.
    const second = await fineTune(server, 'ft:sim-base:ouro:1', trainingFile('addition', 2));
    expect(second.fine_tuned_model).toBe('ft:sim-base:sim:2');
    expect(server.models.get('ft:sim-base:sim:2')?.knowledge).toEqual({ addition: { right: 5, wrong: 0 } });
  });

  it('fails jobs with the given message, and answers OpenAI-style errors', async () => {
    const server = await start({ failJobWith: (job) => (job.suffix === 'doomed' ? 'The job ran out of quota' : undefined) });
    const failed = await fineTune(server, 'sim-base', trainingFile('addition', 2), 'doomed');
    expect(failed).toMatchObject({ status: 'failed', fine_tuned_model: null, error: { message: 'The job ran out of quota' } });
    expect((await fineTune(server, 'sim-base', trainingFile('addition', 2))).status).toBe('succeeded');

    const unknownFile = await call(server, 'POST', '/fine_tuning/jobs', { model: 'sim-base', training_file: 'file-nope' });
    expect(unknownFile).toMatchObject({ status: 400, body: { error: { param: 'training_file', code: 'invalid_training_file' } } });
    expect((await call(server, 'GET', '/fine_tuning/jobs/ftjob-nope')).status).toBe(404);
    const unknownModel = await call(server, 'POST', '/chat/completions', { model: 'ft:sim-base:x:9', messages: [] });
    expect(unknownModel).toMatchObject({ status: 404, body: { error: { code: 'model_not_found' } } });
  });

  it('answers faults once, with Retry-After, and insists on its API key', async () => {
    const server = await start({ apiKey: 'sk-sim', faults: [{ route: 'list-jobs', status: 429, retryAfterSeconds: 7 }] });
    const withKey = { headers: { authorization: 'Bearer sk-sim' } };
    const limited = await fetch(`${server.baseURL}/fine_tuning/jobs`, withKey);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await fetch(`${server.baseURL}/fine_tuning/jobs`, withKey)).status).toBe(200);
    expect((await fetch(`${server.baseURL}/fine_tuning/jobs`)).status).toBe(401);
    expect(server.requests.map((request) => [request.route, request.status])).toEqual([
      ['list-jobs', 429],
      ['list-jobs', 200],
      ['list-jobs', 401],
    ]);
  });

  it('answers chat completions so that a fine-tune on matching right answers raises accuracy on that topic', async () => {
    const server = await start();
    const before = await measuredAccuracy(server, 'sim-base', 'multiplication');
    const job = await fineTune(server, 'sim-base', trainingFile('multiplication', 60));
    const tuned = job.fine_tuned_model as string;
    const after = await measuredAccuracy(server, tuned, 'multiplication');
    expect(before).toBeLessThan(0.45);
    expect(after).toBeGreaterThan(0.8);
    // Other topics are where they were, and wrong answers teach nothing.
    expect(simAccuracy('remainder', server.models.get(tuned)?.knowledge ?? {})).toBe(simAccuracy('remainder', {}));
    const misled = await fineTune(server, 'sim-base', trainingFile('multiplication', 60, false));
    expect(await measuredAccuracy(server, misled.fine_tuned_model as string, 'multiplication')).toBeLessThan(0.45);
  });

  it('samples diverse replies at a temperature, one greedy reply at 0, and one reply at every temperature once collapsed', async () => {
    const distinct = async (server: FineTuneSim, model: string, temperatures: number[]) => {
      const [task] = simFlywheelTasks({ count: 1, seed: 4, topics: ['remainder'] });
      const texts = [];
      for (const temperature of temperatures) texts.push(...(await replies(server, model, task?.prompt ?? '', temperature, 6)));
      return new Set(texts).size;
    };
    const open = await start();
    const tunedOpen = (await fineTune(open, 'sim-base', trainingFile('remainder', 10))).fine_tuned_model as string;
    expect(await distinct(open, 'sim-base', [1])).toBeGreaterThan(2);
    expect(await distinct(open, 'sim-base', [0])).toBe(1);
    expect(await distinct(open, tunedOpen, [0.7, 1, 1.3])).toBeGreaterThan(2);
    await open.close();

    const collapsing = await start({ collapse: true });
    const tuned = (await fineTune(collapsing, 'sim-base', trainingFile('remainder', 10))).fine_tuned_model as string;
    expect(await distinct(collapsing, tuned, [0, 0.7, 1, 1.5])).toBe(1);
    expect(await distinct(collapsing, 'sim-base', [1])).toBeGreaterThan(2);
  });

  it('is a model server the real model client can call by its compat id', async () => {
    const server = await start();
    const llm = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
    const model = createModel(resolveModel({ id: server.modelId('sim-base') }, llm, {}));
    const [task] = simFlywheelTasks({ count: 1, seed: 8 });
    const reply = await model.complete({ operator: 'flywheel', messages: [{ role: 'user', content: task?.prompt ?? '' }], temperature: 0 });
    expect(reply.text).toMatch(/\nAnswer: -?\d+$/);
    expect(reply.usage.outputTokens).toBeGreaterThan(0);
  });
});
