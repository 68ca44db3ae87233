/**
 * The `command` trainer: the user's own training program, run through the shell as
 *
 *     sh -c '<command>' ouro-trainer <export file> <round> <base model id>
 *
 * The command line is run as written, and finds the export, the round and the base model's id
 * both as positional parameters ($1, $2, $3: `python train.py "$1" --round "$2"`) and in the
 * environment: `OURO_EXPORT`, `OURO_ROUND`, `OURO_BASE_MODEL` and, for a model id Ouroboros can
 * take apart, `OURO_BASE_MODEL_NAME` (the bare name a service knows, `gpt-4.1-mini`). Nothing is
 * appended to the command, so `make train` stays `make train`.
 *
 * The last non-empty line the command prints on stdout is the new model: a full model id
 * (`compat:http://127.0.0.1:8000/v1#my-model-r3`) or a bare name, then served where the base model
 * is. Everything it prints also goes to `onOutput`. A non-zero exit, a command the shell cannot
 * find (exit 127), a kill, or a last line that is not a model name fails the job, with the end of
 * its stderr.
 *
 * A process cannot be re-attached: when a flywheel stopped while its command ran (the command is
 * stopped with it), a resume finds the job `running` and marks it failed, saying so. Both that job
 * and one stopped through `wait`'s signal have `detail.interrupted: true`: the training did not
 * fail, it was cut short, and the round is trained again by starting a new job.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OuroError } from '../../core/errors.ts';
import { parseModelSpec } from '../../llm/spec.ts';
import { checkExportFile } from './export-file.ts';
import { trainedModelId } from './model-id.ts';
import { processExists, runShell, type ShellOutcome } from './shell-run.ts';
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

export interface CommandTrainerOptions {
  /** A shell command line, such as `python train.py "$1" --epochs 2` ($1 is the export; see above). */
  command: string;
  /** Where it runs; the working folder by default. */
  cwd?: string;
  /** Added to Ouroboros's own environment for the command. */
  env?: Record<string, string>;
  /** Everything the command prints, as it prints it (a CLI shows training progress with it). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** After a stop, how long the command has to exit on SIGTERM before it is killed. Default 5 s. */
  stopGraceMs?: number;
}

export const COMMAND_TRAINER = 'command';

/**
 * A trainer that runs the user's own command on each export.
 *
 * @example
 * const trainer = commandTrainer({ command: 'python finetune.py "$1" --epochs 2', cwd: 'trainer' });
 * // finetune.py trains on its first argument and prints the new model's id as its last line.
 */
export function commandTrainer(options: CommandTrainerOptions): Trainer {
  if (typeof options.command !== 'string' || options.command.trim() === '') {
    throw new OuroError('option-invalid', 'trainer: the command is empty; write --trainer command:<shell command>', { field: 'trainer' });
  }
  const cwd = resolve(options.cwd ?? '.');

  async function start(input: TrainerStartInput): Promise<TrainerJob> {
    checkStartInput(input);
    const exportFile = resolve(input.exportFile);
    await checkExportFile(exportFile);
    await checkFolder(cwd);
    return newJob(COMMAND_TRAINER, input.round, { exportFile, baseModel: input.baseModel, command: options.command, cwd });
  }

  async function wait(job: TrainerJob, waitOptions: TrainerWaitOptions): Promise<TrainerJob> {
    checkOwnJob(COMMAND_TRAINER, job);
    if (isFinished(job)) return job;
    if (job.status === 'running') {
      const failed = updatedJob(job, { status: 'failed', error: orphanedReason(job) }, { interrupted: true });
      await waitOptions.onUpdate(failed);
      return failed;
    }
    if (waitOptions.signal?.aborted) throw stopped(job);
    const exportFile = detailString(job, 'exportFile') ?? '';
    const baseModel = detailString(job, 'baseModel') ?? '';
    const run = runShell({
      command: options.command,
      args: [exportFile, String(job.round), baseModel],
      cwd,
      env: { ...process.env, ...options.env, ...trainerVariables(exportFile, job.round, baseModel) },
      onOutput: options.onOutput,
    });
    const stop = () => run.stop(options.stopGraceMs);
    waitOptions.signal?.addEventListener('abort', stop, { once: true });
    try {
      const running = updatedJob(job, { status: 'running' }, { pid: run.pid, command: options.command, cwd });
      try {
        await waitOptions.onUpdate(running);
      } catch (error) {
        stop();
        await run.done;
        throw error;
      }
      const outcome = await run.done;
      if (waitOptions.signal?.aborted) {
        const error = 'the trainer command was stopped with the flywheel';
        await waitOptions.onUpdate(updatedJob(running, { status: 'failed', error }, { interrupted: true }));
        throw stopped(job);
      }
      const finished = finish(running, outcome, baseModel);
      await waitOptions.onUpdate(finished);
      return finished;
    } finally {
      waitOptions.signal?.removeEventListener('abort', stop);
    }
  }

  return { name: COMMAND_TRAINER, start, wait };
}

async function checkFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new OuroError('config-missing', `trainer: the command's folder ${folder} is not a folder`, { file: folder, field: 'cwd' });
  }
}

/** The variables the command finds in its environment. */
function trainerVariables(exportFile: string, round: number, baseModel: string): Record<string, string> {
  const variables: Record<string, string> = { OURO_EXPORT: exportFile, OURO_ROUND: String(round), OURO_BASE_MODEL: baseModel };
  try {
    variables.OURO_BASE_MODEL_NAME = parseModelSpec(baseModel).model;
  } catch {
    // not an Ouroboros model id: the script gets it as it is
  }
  return variables;
}

/** The job once the command has ended. */
function finish(job: TrainerJob, outcome: ShellOutcome, baseModel: string): TrainerJob {
  const fail = (error: string, detail: Record<string, unknown> = {}) => updatedJob(job, { status: 'failed', error }, detail);
  const stderr = outcome.stderr.trim();
  const withStderr = (text: string) => (stderr === '' ? `${text} (it wrote nothing on stderr)` : `${text}:\n${stderr}`);
  if (outcome.spawnError !== undefined) return fail(`the shell could not start: ${outcome.spawnError}`);
  if (outcome.signal !== null) return fail(withStderr(`the trainer command was killed by ${outcome.signal}`));
  if (outcome.exitCode === 127) return fail(withStderr('the trainer command was not found (exit 127)'), { exitCode: 127 });
  if (outcome.exitCode !== 0)
    return fail(withStderr(`the trainer command exited with code ${outcome.exitCode}`), { exitCode: outcome.exitCode });
  const lines = outcome.stdout.split(/\r?\n/).map((line) => line.trim());
  const last = lines.filter((line) => line !== '').pop();
  if (last === undefined)
    return fail('the trainer command exited with 0 but printed nothing; it must print the new model id last', { exitCode: 0 });
  try {
    return updatedJob(job, { status: 'succeeded', model: trainedModelId(baseModel, last) }, { exitCode: 0 });
  } catch (error) {
    return fail(`the trainer command's last line is not a model id: "${last.slice(0, 200)}" (${(error as Error).message})`, {
      exitCode: 0,
    });
  }
}

/** Why a job found running on resume cannot be carried on. */
function orphanedReason(job: TrainerJob): string {
  const pid = job.detail?.pid;
  const alive = typeof pid === 'number' && processExists(pid);
  const still = alive
    ? ` A process with id ${pid} still exists: if it is that command, stop it before training the round again.`
    : typeof pid === 'number'
      ? ` Its process (${pid}) is gone.`
      : '';
  return (
    `the trainer command of round ${job.round} was running when the flywheel stopped, and a resumed flywheel cannot re-attach to it.` +
    `${still} Train the round again by starting a new job.`
  );
}

function stopped(job: TrainerJob): OuroError {
  return new OuroError('model-aborted', `trainer: round ${job.round}'s trainer command was stopped with the flywheel`);
}
