import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { createModel } from '../../llm/client.ts';
import { resolveModel } from '../../llm/spec.ts';
import { simFlywheelTasks } from '../../testing/fine-tune-sim-model.ts';
import { startFineTuneSim, type FineTuneSim, type FineTuneSimOptions } from '../../testing/fine-tune-sim.ts';
import { openaiTrainer, type OpenAiTrainerOptions } from './openai.ts';
import type { StoredJob } from '../store.ts';
import type { TrainerJob } from './trainer.ts';

let sim: FineTuneSim | undefined;
let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ouro-openai-trainer-'));
});

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  rmSync(folder, { recursive: true, force: true });
});

/** An SFT export of right answers to simulated tasks, in chat-message JSONL. */
function writeExport(name = 'sft.jsonl', rows = 12): string {
  const lines = simFlywheelTasks({ count: rows, seed: 3 }).map((task) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: task.prompt },
        { role: 'assistant', content: `Done.\nAnswer: ${task.answer}` },
      ],
    }),
  );
  const file = join(folder, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function startSim(options: FineTuneSimOptions = {}): Promise<FineTuneSim> {
  sim = await startFineTuneSim({ apiKey: 'sk-sim', ...options });
  return sim;
}

function trainerFor(server: FineTuneSim, options: OpenAiTrainerOptions = {}) {
  // A backoff of a minute: a test that finishes has honoured the server's Retry-After of 0.
  return openaiTrainer({ baseUrl: server.baseURL, apiKey: 'sk-sim', retry: { baseDelayMs: 60_000 }, ...options });
}

/** Starts a job and waits for it, recording every report as the flywheel's store would. */
async function train(server: FineTuneSim, options: OpenAiTrainerOptions = {}, exportFile = writeExport()) {
  const trainer = trainerFor(server, options);
  const stored: TrainerJob[] = [await trainer.start({ round: 1, exportFile, baseModel: server.modelId('sim-base') })];
  const job = await trainer.wait(stored[0] as TrainerJob, { onUpdate: (update) => void stored.push(update), pollMs: 1 });
  return { job, stored };
}

describe('openaiTrainer against the simulated fine-tuning service', () => {
  it('uploads the export, creates a job, polls it and returns the new model as a model id', async () => {
    const server = await startSim({ runningPolls: 2 });
    const exportFile = writeExport();
    const { job, stored } = await train(server, { suffix: 'ouro', hyperparameters: { n_epochs: 2 } }, exportFile);

    expect(job.status).toBe('succeeded');
    expect(job.model).toBe(server.modelId('ft:sim-base:ouro:1'));
    expect(server.models.has('ft:sim-base:ouro:1')).toBe(true);
    expect(stored.map((entry) => [entry.status, entry.detail?.remoteStatus])).toEqual([
      ['pending', undefined],
      ['pending', undefined],
      ['running', 'validating_files'],
      ['running', 'running'],
      ['succeeded', 'succeeded'],
    ]);
    expect(new Set(stored.map((entry) => entry.id)).size).toBe(1);
    expect(stored[1]?.detail?.fileId).toBe('file-sim-1');
    expect(stored[2]?.detail?.jobId).toBe('ftjob-sim-1');

    const [file] = [...server.files.values()];
    expect(file?.content).toBe(readFileSync(exportFile, 'utf8'));
    expect(file?.filename).toBe('sft.jsonl');
    const [created] = [...server.jobs.values()];
    expect(created).toMatchObject({
      model: 'sim-base',
      trainingFile: 'file-sim-1',
      suffix: 'ouro',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    expect([server.count('upload'), server.count('create-job'), server.count('get-job')]).toEqual([1, 1, 3]);
  });

  it('returns a model id the model client samples the next round with', async () => {
    const server = await startSim();
    const { job } = await train(server);
    const llm = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 256, prices: {} };
    const model = createModel(resolveModel({ id: job.model as string, apiKeyEnv: 'SIM_KEY' }, llm, { SIM_KEY: 'sk-sim' }));
    const [task] = simFlywheelTasks({ count: 1, seed: 21 });
    const reply = await model.complete({ operator: 'flywheel', messages: [{ role: 'user', content: task?.prompt ?? '' }] });
    expect(reply.text).toMatch(/\nAnswer: -?\d+$/);
    expect(server.requests.at(-1)).toMatchObject({ route: 'chat', status: 200 });
  });

  it('records a failed job with the service message', async () => {
    const server = await startSim({ failJobWith: 'Training file has too few examples for this model' });
    const { job } = await train(server);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('Training file has too few examples for this model');
    expect(job.detail?.errorCode).toBe('simulated_failure');
    expect(job.model).toBeUndefined();
  });

  it('records the service message when the service finds the training file invalid', async () => {
    const server = await startSim();
    const exportFile = join(folder, 'broken.jsonl');
    writeFileSync(exportFile, '{"messages": []}\nnot json\n');
    const { job } = await train(server, {}, exportFile);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/invalid: line 1 has no user prompt/);
  });

  it('records a refused upload and a refused job as failed jobs', async () => {
    const server = await startSim({ faults: [{ route: 'upload', status: 413, message: 'File exceeds the size limit' }] });
    const refusedUpload = await train(server);
    expect(refusedUpload.job.status).toBe('failed');
    expect(refusedUpload.job.error).toMatch(/refused round 1's export: HTTP 413: File exceeds the size limit/);

    server.fault({ route: 'create-job', status: 400, message: 'Model sim-base is not available for fine-tuning' });
    const refusedJob = await train(server);
    expect(refusedJob.job.error).toMatch(/HTTP 400: Model sim-base is not available for fine-tuning/);
    expect(server.jobs.size).toBe(0);
  });

  it('waits as Retry-After says after a 429 and then succeeds', async () => {
    const server = await startSim({
      faults: [
        { route: 'upload', status: 429, retryAfterSeconds: 0, message: 'Rate limit reached' },
        { route: 'create-job', status: 429, retryAfterSeconds: 0, message: 'Rate limit reached' },
        { route: 'get-job', status: 503, retryAfterSeconds: 0 },
      ],
    });
    const { job } = await train(server);
    expect(job.status).toBe('succeeded');
    expect([server.count('upload'), server.count('create-job')]).toEqual([2, 2]);
    expect(server.jobs.size).toBe(1);
    expect(server.requests.filter((request) => request.status === 429)).toHaveLength(2);
  });

  it('finds the job it made when the reply to creating it was lost, instead of making a second', async () => {
    const server = await startSim({ faults: [{ route: 'create-job', status: 502, retryAfterSeconds: 0, applied: true }] });
    const { job } = await train(server);
    expect(job.status).toBe('succeeded');
    expect(server.jobs.size).toBe(1);
    expect(server.count('create-job')).toBe(1);
    expect(server.count('list-jobs')).toBe(1);
  });

  it('gives up after the bounded attempts with a retryable error, and keeps the job for a resume', async () => {
    const faults = Array.from({ length: 2 }, () => ({ route: 'get-job' as const, status: 500, retryAfterSeconds: 0 }));
    const server = await startSim({ faults });
    const trainer = trainerFor(server, { attempts: 2 });
    const stored = [await trainer.start({ round: 4, exportFile: writeExport(), baseModel: server.modelId('sim-base') })];
    const error = await trainer
      .wait(stored[0] as TrainerJob, { onUpdate: (update) => void stored.push(update), pollMs: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'model-http', isRetryable: true });
    expect((error as Error).message).toMatch(/HTTP 500.*after 2 attempts/);

    const resumed = await trainerFor(server).wait(stored.at(-1) as TrainerJob, {
      onUpdate: (update) => void stored.push(update),
      pollMs: 1,
    });
    expect(resumed.status).toBe('succeeded');
    expect(server.count('create-job')).toBe(1);
  });

  it('resumes a stored running job by polling it, without uploading or creating again', async () => {
    const server = await startSim({ runningPolls: 3 });
    const first = trainerFor(server);
    const stop = new AbortController();
    const stored = [await first.start({ round: 2, exportFile: writeExport(), baseModel: server.modelId('sim-base') })];
    const stopped = await first
      .wait(stored[0] as TrainerJob, {
        onUpdate: (update) => {
          stored.push(update);
          if (update.detail?.remoteStatus === 'running') stop.abort();
        },
        signal: stop.signal,
        pollMs: 1,
      })
      .catch((caught: unknown) => caught);
    expect(stopped).toMatchObject({ code: 'model-aborted' });
    const last = stored.at(-1) as TrainerJob;
    expect(last.status).toBe('running');
    const requestsBefore = server.requests.length;

    // A new process: a new trainer, and only what the flywheel store kept (a StoredJob is a TrainerJob).
    const recorded: StoredJob = last;
    const kept: StoredJob = JSON.parse(JSON.stringify(recorded));
    const resumedUpdates: TrainerJob[] = [];
    const resumed = await trainerFor(server).wait(kept, {
      onUpdate: (update) => void resumedUpdates.push(update),
      pollMs: 1,
    });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.id).toBe(last.id);
    expect(resumed.model).toBe(server.modelId('ft:sim-base:sim:1'));
    expect(server.count('upload')).toBe(1);
    expect(server.count('create-job')).toBe(1);
    expect(server.requests.slice(requestsBefore).every((request) => request.route === 'get-job')).toBe(true);
  });

  it('resumes a job whose creation was never recorded by finding it through its training file', async () => {
    const server = await startSim();
    const trainer = trainerFor(server);
    const stored = [await trainer.start({ round: 5, exportFile: writeExport(), baseModel: server.modelId('sim-base') })];
    // The process dies after the service made the job and before the store recorded its id.
    const crash = await trainer
      .wait(stored[0] as TrainerJob, {
        onUpdate: (update) => {
          if (update.detail?.jobId !== undefined) throw new Error('the process died here');
          stored.push(update);
        },
        pollMs: 1,
      })
      .catch((caught: unknown) => caught);
    expect((crash as Error).message).toBe('the process died here');
    expect(stored.at(-1)?.detail?.fileId).toBe('file-sim-1');
    expect(stored.at(-1)?.detail?.jobId).toBeUndefined();

    const resumed = await trainerFor(server).wait(stored.at(-1) as TrainerJob, { onUpdate: () => {}, pollMs: 1 });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.detail?.jobId).toBe('ftjob-sim-1');
    expect([server.count('upload'), server.count('create-job'), server.jobs.size]).toEqual([1, 1, 1]);
  });

  it('fails a job the service does not know, and keeps one it cannot report for now', async () => {
    const server = await startSim({ faults: [{ route: 'get-job', status: 400, message: 'Bad request' }] });
    const trainer = trainerFor(server);
    const pending = await trainer.start({ round: 7, exportFile: writeExport(), baseModel: server.modelId('sim-base') });
    const updates: TrainerJob[] = [];
    await expect(trainer.wait(pending, { onUpdate: (update) => void updates.push(update), pollMs: 1 })).rejects.toMatchObject({
      code: 'model-http',
      message: expect.stringMatching(/HTTP 400: Bad request/),
    });
    expect(updates.at(-1)?.status).toBe('running');

    const unknown = { ...(updates.at(-1) as TrainerJob), detail: { ...updates.at(-1)?.detail, jobId: 'ftjob-gone' } };
    const gone = await trainer.wait(unknown, { onUpdate: () => {}, pollMs: 1 });
    expect(gone).toMatchObject({ status: 'failed', error: 'the service does not know job ftjob-gone: No such fine-tuning job' });
  });

  it('returns a finished job as it is, and refuses a job from another trainer or another service', async () => {
    const server = await startSim();
    const trainer = trainerFor(server);
    const { job } = await train(server);
    const requests = server.requests.length;
    expect(await trainer.wait(job, { onUpdate: () => expect.fail('no update for a finished job') })).toBe(job);
    expect(server.requests.length).toBe(requests);

    const pending = await trainer.start({ round: 6, exportFile: writeExport(), baseModel: server.modelId('sim-base') });
    await expect(trainer.wait({ ...pending, trainer: 'command' }, { onUpdate: () => {} })).rejects.toThrow(
      /started by the "command" trainer/,
    );
    const elsewhere = openaiTrainer({ baseUrl: 'http://127.0.0.1:9/v1' });
    await expect(elsewhere.wait(pending, { onUpdate: () => {} })).rejects.toThrow(/was sent to .* but the trainer now talks to/);
  });

  it('throws config-invalid on a refused key, and checks its input before recording anything', async () => {
    const server = await startSim();
    const wrongKey = openaiTrainer({ baseUrl: server.baseURL, apiKey: 'sk-wrong' });
    const pending = await wrongKey.start({ round: 1, exportFile: writeExport(), baseModel: server.modelId('sim-base') });
    await expect(wrongKey.wait(pending, { onUpdate: () => {} })).rejects.toMatchObject({ code: 'config-invalid', field: 'apiKey' });

    const trainer = trainerFor(server);
    const missing = join(folder, 'missing.jsonl');
    await expect(trainer.start({ round: 1, exportFile: missing, baseModel: 'openai:gpt-4.1-mini' })).rejects.toMatchObject({
      code: 'config-missing',
      file: missing,
    });
    writeFileSync(join(folder, 'empty.jsonl'), '');
    await expect(trainer.start({ round: 1, exportFile: join(folder, 'empty.jsonl'), baseModel: 'openai:x' })).rejects.toThrow(/is empty/);
    await expect(trainer.start({ round: 1, exportFile: writeExport(), baseModel: 'anthropic:claude-sonnet-4-5' })).rejects.toThrow(
      /cannot be fine-tuned through an OpenAI-compatible API/,
    );
    await expect(trainer.start({ round: 1, exportFile: writeExport(), baseModel: 'gpt-4.1-mini' })).rejects.toMatchObject({
      field: 'baseModel',
    });
    expect(server.requests).toHaveLength(1);
  });
});
