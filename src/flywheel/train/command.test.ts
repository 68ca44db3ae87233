import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandTrainer, type CommandTrainerOptions } from './command.ts';
import type { TrainerJob } from './trainer.ts';

const BASE = 'compat:http://127.0.0.1:8000/v1#base-model';
let folder: string;
let exportFile: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ouro-command-trainer-'));
  exportFile = join(folder, 'round-3.jsonl');
  writeFileSync(exportFile, '{"messages":[]}\n');
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Writes an executable shell script into the test's folder. */
function script(name: string, body: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function train(options: CommandTrainerOptions, signal?: AbortSignal) {
  const trainer = commandTrainer({ cwd: folder, ...options });
  const stored: TrainerJob[] = [await trainer.start({ round: 3, exportFile, baseModel: BASE })];
  const job = await trainer.wait(stored[0] as TrainerJob, { onUpdate: (update) => void stored.push(update), signal });
  return { job, stored };
}

describe('commandTrainer', () => {
  it('runs the command with the export, round and base model, and reads the new model from its last line', async () => {
    script(
      'train.sh',
      [
        'echo "args=$1|$2|$3" > seen.txt',
        'echo "env=$OURO_EXPORT|$OURO_ROUND|$OURO_BASE_MODEL|$OURO_BASE_MODEL_NAME|$EXTRA" >> seen.txt',
        'echo "epoch 1/2 loss 0.8"',
        'echo "warning: slow disk" >&2',
        'echo "my-model-r$2"',
        'echo ""',
      ].join('\n'),
    );
    const output: string[] = [];
    const { job, stored } = await train({
      command: './train.sh "$1" "$2" "$3"',
      env: { EXTRA: 'yes' },
      onOutput: (text, stream) => output.push(`${stream}:${text}`),
    });

    expect(job.status).toBe('succeeded');
    expect(job.model).toBe('compat:http://127.0.0.1:8000/v1#my-model-r3');
    expect(readFileSync(join(folder, 'seen.txt'), 'utf8')).toBe(
      `args=${exportFile}|3|${BASE}\nenv=${exportFile}|3|${BASE}|base-model|yes\n`,
    );
    expect(stored.map((entry) => entry.status)).toEqual(['pending', 'running', 'succeeded']);
    expect(typeof stored[1]?.detail?.pid).toBe('number');
    expect(output.join('')).toContain('stdout:epoch 1/2 loss 0.8');
    expect(output.join('')).toContain('stderr:warning: slow disk');
  });

  it('takes a full model id printed by the command as it is', async () => {
    const { job } = await train({ command: 'echo "compat:http://127.0.0.1:9000/v1#served-elsewhere"' });
    expect(job.model).toBe('compat:http://127.0.0.1:9000/v1#served-elsewhere');
  });

  it('fails the job with the exit code and the end of stderr on a non-zero exit', async () => {
    script('fail.sh', 'echo "loading data"\necho "RuntimeError: CUDA out of memory" >&2\nexit 3');
    const { job, stored } = await train({ command: './fail.sh' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/exited with code 3:\nRuntimeError: CUDA out of memory$/);
    expect(job.detail?.exitCode).toBe(3);
    expect(stored.at(-1)).toEqual(job);
  });

  it('keeps only the last few KB of a long stderr', async () => {
    script('noisy.sh', 'i=0; while [ $i -lt 3000 ]; do echo "noise line $i" >&2; i=$((i+1)); done; echo "the real reason" >&2; exit 1');
    const { job } = await train({ command: './noisy.sh' });
    expect(job.error).toMatch(/the real reason$/);
    expect((job.error ?? '').length).toBeLessThan(4_300);
    expect(job.error).not.toContain('noise line 0\n');
  });

  it('fails the job when the command is not found', async () => {
    const { job } = await train({ command: 'ouro-no-such-trainer-program --epochs 2' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/not found \(exit 127\)/);
    expect(job.error).toContain('ouro-no-such-trainer-program');
  });

  it('fails the job when the last line is not a model id, or nothing is printed', async () => {
    const wordy = await train({ command: 'echo "my-model-1"; echo "Training finished OK"' });
    expect(wordy.job.error).toMatch(/last line is not a model id: "Training finished OK"/);
    const silent = await train({ command: 'true' });
    expect(silent.job.error).toMatch(/printed nothing/);
  });

  it('stops the command with the flywheel and records why', async () => {
    const stop = new AbortController();
    const trainer = commandTrainer({ command: 'sleep 30', cwd: folder, stopGraceMs: 200 });
    const stored: TrainerJob[] = [await trainer.start({ round: 3, exportFile, baseModel: BASE })];
    const error = await trainer
      .wait(stored[0] as TrainerJob, {
        onUpdate: (update) => {
          stored.push(update);
          if (update.status === 'running') stop.abort();
        },
        signal: stop.signal,
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'model-aborted' });
    expect(stored.at(-1)).toMatchObject({
      status: 'failed',
      error: 'the trainer command was stopped with the flywheel',
      detail: { interrupted: true },
    });
  });

  it('marks a job found running on resume as failed, without running the command again', async () => {
    const trainer = commandTrainer({ command: 'touch ran.txt; echo model-x', cwd: folder });
    const pending = await trainer.start({ round: 3, exportFile, baseModel: BASE });
    const orphan: TrainerJob = { ...pending, status: 'running', detail: { ...pending.detail, pid: 2 ** 22 + 12_345 } };
    const updates: TrainerJob[] = [];
    const job = await trainer.wait(orphan, { onUpdate: (update) => void updates.push(update) });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/cannot re-attach to it\. Its process \(\d+\) is gone\. Train the round again by starting a new job\./);
    expect(updates).toEqual([job]);
    expect(job.detail?.interrupted).toBe(true);
    expect(existsSync(join(folder, 'ran.txt'))).toBe(false);

    const alive = await trainer.wait({ ...orphan, detail: { ...orphan.detail, pid: process.pid } }, { onUpdate: () => {} });
    expect(alive.error).toContain(`A process with id ${process.pid} still exists: if it is that command, stop it`);

    const again = await trainer.wait(await trainer.start({ round: 3, exportFile, baseModel: BASE }), { onUpdate: () => {} });
    expect(again.status).toBe('succeeded');
    expect(existsSync(join(folder, 'ran.txt'))).toBe(true);
  });

  it('checks the command, the folder and the export before recording a job', async () => {
    expect(() => commandTrainer({ command: '  ' })).toThrow(/the command is empty/);
    const missingFolder = commandTrainer({ command: 'true', cwd: join(folder, 'nowhere') });
    await expect(missingFolder.start({ round: 1, exportFile, baseModel: BASE })).rejects.toMatchObject({
      code: 'config-missing',
      field: 'cwd',
    });
    const trainer = commandTrainer({ command: 'true', cwd: folder });
    await expect(trainer.start({ round: 1, exportFile: join(folder, 'none.jsonl'), baseModel: BASE })).rejects.toMatchObject({
      code: 'config-missing',
    });
  });
});
