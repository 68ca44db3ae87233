/**
 * The `openai` trainer: fine-tuning through OpenAI's fine-tuning API, or any service that speaks
 * it. Three steps, each recorded before the next begins, so that a resumed flywheel carries on
 * where it stopped and never makes a second job:
 *
 * 1. upload the export (`POST /files`, multipart, purpose `fine-tune`): the file id is recorded;
 * 2. create the job (`POST /fine_tuning/jobs` with `model` and `training_file`): the job id is
 *    recorded. When a stop fell between creating and recording, the job is found again by its
 *    training file (`GET /fine_tuning/jobs`) instead of being created twice;
 * 3. poll it (`GET /fine_tuning/jobs/{id}`) until it has `succeeded` (its `fine_tuned_model` is the
 *    new model), `failed` (with the service's message) or been `cancelled`.
 *
 * Stopping `wait` leaves the service's job running; a resumed flywheel polls it again.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_BASE_URLS } from '../../llm/spec.ts';
import { checkExportFile } from './export-file.ts';
import { baseModelSpec, trainedModelId } from './model-id.ts';
import { callService, type ServiceOptions, type ServiceReply } from './service-call.ts';
import {
  checkOwnJob,
  checkStartInput,
  detailString,
  isFinished,
  newJob,
  updatedJob,
  type Trainer,
  type TrainerJob,
  type TrainerStartInput,
  type TrainerWaitOptions,
} from './trainer.ts';

/** A hyperparameter value: a number, or `auto` to let the service choose. */
export type Hyperparameter = number | 'auto';

export interface OpenAiTrainerOptions extends Omit<ServiceOptions, 'baseUrl'> {
  /** The service, such as `https://api.openai.com/v1` (the default). */
  baseUrl?: string;
  /** Added to the new model's name by the service, such as `ouro` in `ft:gpt-4.1-mini:acme:ouro:a1b2`. */
  suffix?: string;
  /** `supervised` trains on chat-message JSONL; `dpo` on preference JSONL. Sent only when set or with hyperparameters. */
  method?: 'supervised' | 'dpo';
  /** Such as `{ n_epochs: 2 }`, or `beta` for DPO; sent under `method`. */
  hyperparameters?: Record<string, Hyperparameter>;
  /** Time between two polls when `wait` is not told; default 20 s. */
  pollMs?: number;
}

export const OPENAI_TRAINER = 'openai';
const DEFAULT_POLL_MS = 20_000;
const LISTED_JOBS = 100;

/** The service's job, as far as the trainer reads it. */
interface RemoteJob {
  id: string;
  status: string;
  fineTunedModel?: string;
  errorMessage?: string;
  errorCode?: string;
}

/**
 * A trainer that fine-tunes through an OpenAI-compatible fine-tuning API. The base model must be
 * an `openai:` or `compat:` model id; the new model is served the same way (`openai:ft:...`).
 *
 * @example
 * const trainer = openaiTrainer({ apiKey: process.env.OPENAI_API_KEY, suffix: 'ouro', hyperparameters: { n_epochs: 2 } });
 */
export function openaiTrainer(options: OpenAiTrainerOptions = {}): Trainer {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URLS.openai).replace(/\/+$/, '');
  const { apiKey, attempts, retry, timeoutMs } = options;
  const service: ServiceOptions = { baseUrl, apiKey, attempts, retry, timeoutMs, fetch: options.fetch };

  async function start(input: TrainerStartInput): Promise<TrainerJob> {
    checkStartInput(input);
    const spec = baseModelSpec(input.baseModel);
    if (spec.provider === 'anthropic') {
      throw new OuroError('option-invalid', `trainer: ${input.baseModel} cannot be fine-tuned through an OpenAI-compatible API`, {
        field: 'baseModel',
      });
    }
    const exportFile = resolve(input.exportFile);
    await checkExportFile(exportFile);
    return newJob(OPENAI_TRAINER, input.round, { exportFile, baseModel: input.baseModel, baseUrl });
  }

  async function wait(job: TrainerJob, waitOptions: TrainerWaitOptions): Promise<TrainerJob> {
    checkOwnJob(OPENAI_TRAINER, job);
    if (isFinished(job)) return job;
    const recordedUrl = detailString(job, 'baseUrl');
    if (recordedUrl !== undefined && recordedUrl !== baseUrl) {
      throw new OuroError(
        'option-invalid',
        `trainer: job ${job.id} of round ${job.round} was sent to ${recordedUrl}, but the trainer now talks to ${baseUrl}; ` +
          'resume with the same base URL',
        { field: 'baseUrl' },
      );
    }
    const { signal } = waitOptions;
    let current = job;
    const report = async (next: TrainerJob): Promise<TrainerJob> => {
      current = next;
      await waitOptions.onUpdate(next);
      return next;
    };
    const fail = (message: string, detail: Record<string, unknown> = {}) =>
      report(updatedJob(current, { status: 'failed', error: message }, detail));

    let fileId = detailString(current, 'fileId');
    let jobId = detailString(current, 'jobId');
    let remote: RemoteJob | undefined;
    if (jobId === undefined) {
      // A file id recorded by an earlier wait: a job may exist that was never recorded.
      remote = fileId === undefined ? undefined : await findJobFor(fileId, current, signal);
      if (fileId === undefined) {
        const uploaded = await upload(current, signal);
        if (!uploaded.ok) return fail(uploaded.message);
        fileId = uploaded.id;
        await report(updatedJob(current, {}, { fileId }));
      }
      if (remote === undefined) {
        const created = await create(current, fileId, signal);
        if (!created.ok) return fail(`the service refused to create the fine-tuning job: ${created.message}`, errorCodeOf(created));
        remote = created.job;
      }
      jobId = remote.id;
      current = await report(updatedJob(current, { status: 'running' }, { jobId, remoteStatus: remote.status }));
    }
    for (;;) {
      if (remote !== undefined) {
        const next = applyRemote(current, remote);
        if (next !== current) await report(next);
        if (isFinished(next)) return next;
        try {
          await sleep(waitOptions.pollMs ?? options.pollMs ?? DEFAULT_POLL_MS, undefined, { signal });
        } catch {
          throw new OuroError('model-aborted', `trainer: stopped waiting for job ${jobId}; it goes on at the service and resume polls it`);
        }
      }
      const polled = await callService(service, {
        method: 'GET',
        path: `/fine_tuning/jobs/${encodeURIComponent(jobId)}`,
        what: `polling round ${current.round}'s fine-tuning job ${jobId}`,
        signal,
      });
      if (!polled.ok && polled.status === 404) return fail(`the service does not know job ${jobId}: ${polled.message}`);
      if (!polled.ok) {
        // The job may be running still: it is not marked failed, so that a resume polls it again.
        throw new OuroError('model-http', `trainer: polling job ${jobId} at ${baseUrl}: HTTP ${polled.status}: ${polled.message}`);
      }
      remote = remoteJob(polled.body, `job ${jobId}`);
    }
  }

  async function upload(job: TrainerJob, signal?: AbortSignal): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
    const exportFile = detailString(job, 'exportFile') ?? '';
    let content: Uint8Array<ArrayBuffer>;
    try {
      content = new Uint8Array(await readFile(exportFile));
    } catch (error) {
      return { ok: false, message: `cannot read round ${job.round}'s export ${exportFile}: ${(error as Error).message}` };
    }
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob([content], { type: 'application/jsonl' }), basename(exportFile));
    const reply = await callService(service, { method: 'POST', path: '/files', body: form, what: `uploading ${exportFile}`, signal });
    if (!reply.ok) return { ok: false, message: `the service refused round ${job.round}'s export: HTTP ${reply.status}: ${reply.message}` };
    const id = reply.body.id;
    if (typeof id !== 'string' || id === '') throw badReply('the uploaded file', 'no "id"', reply.body);
    return { ok: true, id };
  }

  async function create(
    job: TrainerJob,
    fileId: string,
    signal?: AbortSignal,
  ): Promise<{ ok: true; job: RemoteJob } | { ok: false; message: string; code?: string }> {
    const body: Record<string, unknown> = { model: baseModelSpec(detailString(job, 'baseModel') ?? '').model, training_file: fileId };
    if (options.suffix !== undefined) body.suffix = options.suffix;
    if (options.method !== undefined || options.hyperparameters !== undefined) {
      const type = options.method ?? 'supervised';
      body.method = { type, [type]: options.hyperparameters === undefined ? {} : { hyperparameters: options.hyperparameters } };
    }
    const reply: ServiceReply = await callService(service, {
      method: 'POST',
      path: '/fine_tuning/jobs',
      body,
      what: `creating round ${job.round}'s fine-tuning job`,
      signal,
      // A 5xx or a dropped connection may come after the job was made: look before making another.
      recover: async () => {
        const found = await findJobFor(fileId, job, signal);
        return found === undefined ? undefined : { id: found.id, status: found.status };
      },
    });
    if (!reply.ok)
      return { ok: false, message: `HTTP ${reply.status}: ${reply.message}`, ...(reply.code === undefined ? {} : { code: reply.code }) };
    return { ok: true, job: remoteJob(reply.body, 'the created job') };
  }

  /** The most recent job trained on this file, if the service lists jobs and has one. */
  async function findJobFor(fileId: string, job: TrainerJob, signal?: AbortSignal): Promise<RemoteJob | undefined> {
    const reply = await callService(service, {
      method: 'GET',
      path: `/fine_tuning/jobs?limit=${LISTED_JOBS}`,
      what: `looking for round ${job.round}'s fine-tuning job`,
      signal,
    });
    if (!reply.ok || !Array.isArray(reply.body.data)) return undefined;
    const match = (reply.body.data as unknown[]).find(
      (entry) => typeof entry === 'object' && entry !== null && (entry as { training_file?: unknown }).training_file === fileId,
    );
    return match === undefined ? undefined : remoteJob(match as Record<string, unknown>, 'a listed job');
  }

  return { name: OPENAI_TRAINER, start, wait };
}

function remoteJob(body: Record<string, unknown>, what: string): RemoteJob {
  if (typeof body.id !== 'string' || typeof body.status !== 'string') throw badReply(what, 'no "id" or "status"', body);
  const error = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : {};
  return {
    id: body.id,
    status: body.status,
    ...(typeof body.fine_tuned_model === 'string' && body.fine_tuned_model !== '' ? { fineTunedModel: body.fine_tuned_model } : {}),
    ...(typeof error.message === 'string' && error.message !== '' ? { errorMessage: error.message } : {}),
    ...(typeof error.code === 'string' && error.code !== '' ? { errorCode: error.code } : {}),
  };
}

/** The job after the service's report; the same object when nothing a record keeps has changed. */
function applyRemote(job: TrainerJob, remote: RemoteJob): TrainerJob {
  const baseModel = detailString(job, 'baseModel') ?? '';
  if (remote.status === 'succeeded') {
    if (remote.fineTunedModel === undefined) {
      return updatedJob(
        job,
        { status: 'failed', error: `job ${remote.id} succeeded but the service named no fine_tuned_model` },
        { remoteStatus: remote.status },
      );
    }
    return updatedJob(
      job,
      { status: 'succeeded', model: trainedModelId(baseModel, remote.fineTunedModel) },
      { remoteStatus: remote.status },
    );
  }
  if (remote.status === 'failed' || remote.status === 'cancelled') {
    const error =
      remote.status === 'cancelled'
        ? `job ${remote.id} was cancelled at the service`
        : (remote.errorMessage ?? `job ${remote.id} failed and the service gave no reason`);
    return updatedJob(job, { status: 'failed', error }, { remoteStatus: remote.status, ...errorCodeOf({ code: remote.errorCode }) });
  }
  if (job.status === 'running' && detailString(job, 'remoteStatus') === remote.status) return job;
  return updatedJob(job, { status: 'running' }, { remoteStatus: remote.status });
}

function errorCodeOf(reply: { code?: string }): Record<string, unknown> {
  return reply.code === undefined ? {} : { errorCode: reply.code };
}

function badReply(what: string, reason: string, body: Record<string, unknown>): OuroError {
  return new OuroError('model-bad-reply', `trainer: ${what} has ${reason}: ${JSON.stringify(body).slice(0, 300)}`);
}
