/**
 * The trainer contract: what turns a round's export into the model that samples the next round.
 * Ouroboros trains no weights; a trainer hands the export to a fine-tuning service, to the user's
 * own command, or to nobody.
 *
 * A job is recorded before anything slow happens and after every change, and `wait` carries on
 * from the last record alone. So a flywheel that was stopped and resumed polls the job it already
 * has instead of starting a second one.
 */
import { randomUUID } from 'node:crypto';
import { OuroError } from '../../core/errors.ts';

/** Where a job stands. `pending`: recorded, nothing started yet (or not known to have started). */
export type TrainerJobStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/**
 * One training job as a trainer reports it. Each report is a whole job (not a change), so that the
 * store can append it as one row and the last row of a round is the job's state. It has the shape
 * of the flywheel store's `StoredJob`.
 */
export interface TrainerJob {
  /** The trainer's name: `openai`, `command` or `none`. */
  trainer: string;
  round: number;
  /**
   * Ouroboros's id for the job, the same in every report of it. The service's own ids (its file
   * and job ids) or the command's process id are in `detail`, once they exist.
   */
  id: string;
  status: TrainerJobStatus;
  /** The new model, as an Ouroboros model id ready to sample with (`openai:ft:...`), once the job succeeded. */
  model?: string;
  /** Why the job failed: the service's message, or the command's exit and the end of its stderr. */
  error?: string;
  /**
   * What the trainer needs to carry on from this report alone, and what people may want to look
   * up (the service's `fileId` and `jobId`, a command's `pid`). A failed job with
   * `interrupted: true` did not fail at training: it was cut short by a stop, and can be run again.
   */
  detail?: Record<string, unknown>;
  /** When this report was made, in epoch milliseconds. */
  at: number;
}

/** What `start` is given. */
export interface TrainerStartInput {
  round: number;
  /** The round's export to train on, a JSONL file. */
  exportFile: string;
  /** The Ouroboros model id the round sampled with, such as `openai:gpt-4.1-mini`. */
  baseModel: string;
  /** For trainers whose start is slow; the built-in ones do nothing slow before `wait`. */
  signal?: AbortSignal;
}

/** What `wait` is given besides the job. */
export interface TrainerWaitOptions {
  /**
   * Told about every change of the job, and awaited: a trainer takes no step that would be lost
   * in a crash (creating the service's job, say) until the step before it has been recorded.
   */
  onUpdate: (job: TrainerJob) => void | Promise<void>;
  /** Stops waiting (the job itself goes on at a service; a command is stopped). */
  signal?: AbortSignal;
  /** Time between two polls of a service, in milliseconds. */
  pollMs?: number;
}

/**
 * Turns an export into a new model. Call `start`, record the job it returns, then call `wait` with
 * it; on resume, call `wait` with the last recorded job instead. `wait` on a finished job returns
 * it as it is.
 *
 * @example
 * let job = await trainer.start({ round: 1, exportFile: 'round-1/sft.jsonl', baseModel: 'openai:gpt-4.1-mini' });
 * store.recordJob(runId, job);
 * job = await trainer.wait(job, { onUpdate: (update) => store.recordJob(runId, update) });
 * if (job.status === 'succeeded') nextModel = job.model;
 */
export interface Trainer {
  readonly name: string;
  /** Checks the input and returns the job to record at once; slow work waits for `wait`. */
  start(input: TrainerStartInput): Promise<TrainerJob>;
  /** Carries the job on until it succeeds or fails, from this job alone: it never starts a second one. */
  wait(job: TrainerJob, options: TrainerWaitOptions): Promise<TrainerJob>;
}

/** True once a job has succeeded or failed. */
export function isFinished(job: TrainerJob): boolean {
  return job.status === 'succeeded' || job.status === 'failed';
}

/** A new job in `pending`, with an id of its own. */
export function newJob(trainer: string, round: number, detail: Record<string, unknown>): TrainerJob {
  return { trainer, round, id: `${trainer}-round-${round}-${randomUUID().slice(0, 8)}`, status: 'pending', detail, at: Date.now() };
}

/** The job with `change` applied and `detail` merged, stamped now. */
export function updatedJob(
  job: TrainerJob,
  change: Partial<Pick<TrainerJob, 'status' | 'model' | 'error'>>,
  detail: Record<string, unknown> = {},
): TrainerJob {
  return { ...job, ...change, detail: { ...job.detail, ...detail }, at: Date.now() };
}

/** Throws when a recorded job was made by another trainer than the one asked to carry it on. */
export function checkOwnJob(trainer: string, job: TrainerJob): void {
  if (job.trainer !== trainer) {
    throw new OuroError(
      'option-invalid',
      `trainer: the job ${job.id} of round ${job.round} was started by the "${job.trainer}" trainer, ` +
        `but this flywheel now uses "${trainer}"; resume with --trainer ${job.trainer}, or start a new run`,
      { field: 'trainer' },
    );
  }
}

/** A string from a job's detail, or undefined. */
export function detailString(job: TrainerJob, key: string): string | undefined {
  const value = job.detail?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Checks a round number and the export path given to `start`. */
export function checkStartInput(input: TrainerStartInput): void {
  if (!Number.isInteger(input.round) || input.round < 0) {
    throw new OuroError('option-invalid', `trainer: round must be a whole number, got ${input.round}`, { field: 'round' });
  }
  if (typeof input.exportFile !== 'string' || input.exportFile.trim() === '') {
    throw new OuroError('option-invalid', 'trainer: exportFile is empty', { field: 'exportFile' });
  }
  if (typeof input.baseModel !== 'string' || input.baseModel.trim() === '') {
    throw new OuroError('option-invalid', 'trainer: baseModel is empty', { field: 'baseModel' });
  }
}
