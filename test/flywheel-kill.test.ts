/**
 * kill -9 in the middle of a flywheel: `ouro flywheel run` as a child process against the
 * fine-tuning SIMULATION served by this test process, killed with SIGKILL mid-sampling and then
 * mid-job, and resumed from the database alone. Nothing answered is asked again, and no second
 * training job is started.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openFlywheel, resumeFlywheel } from '../src/flywheel/index.ts';
import { simFlywheelTasks } from '../src/testing/fine-tune-sim-model.ts';
import { startFineTuneSim, type FineTuneSim } from '../src/testing/fine-tune-sim.ts';

const ROOT = join(import.meta.dirname, '..');
let sim: FineTuneSim | undefined;
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sim?.close();
  sim = undefined;
});

/** What a second process sees in the database: the run, its samples and its jobs' statuses. */
function peek(db: string): { runId?: string; samples: number; rationalised: number; jobs: string[] } {
  if (!existsSync(db)) return { samples: 0, rationalised: 0, jobs: [] };
  let raw: Database.Database | undefined;
  try {
    raw = new Database(db, { readonly: true, fileMustExist: true });
    const runId = raw.prepare('SELECT id FROM flywheel_runs').pluck().get() as string | undefined;
    const samples = raw.prepare("SELECT count(*) FROM flywheel_samples WHERE kind = 'sample'").pluck().get() as number;
    const rationalised = raw.prepare("SELECT count(*) FROM flywheel_samples WHERE kind = 'rationalised'").pluck().get() as number;
    const jobs = raw.prepare('SELECT status FROM flywheel_jobs ORDER BY id').pluck().all() as string[];
    return { ...(runId ? { runId } : {}), samples, rationalised, jobs };
  } catch {
    return { samples: 0, rationalised: 0, jobs: [] };
  } finally {
    raw?.close();
  }
}

async function killWhen(child: ReturnType<typeof spawn>, db: string, ready: (seen: ReturnType<typeof peek>) => boolean): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const seen = peek(db);
    if (seen.runId && ready(seen)) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      return seen.runId;
    }
    if (child.exitCode !== null) throw new Error(`the flywheel ended before it could be killed (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error('the flywheel never reached the point to kill it at');
}

function startRun(db: string, file: string, exportDir: string): ReturnType<typeof spawn> {
  const args = [
    join(ROOT, 'bin/ouro.js'),
    'flywheel',
    'run',
    '--source',
    `jsonl:${file}`,
    '--prompt-field',
    'question',
    '--answer-field',
    'answer',
    '--id-field',
    'id',
    '--model',
    sim?.modelId('sim-base') as string,
    '--trainer',
    `openai:${sim?.baseURL}`,
    '--trainer-poll',
    '0.05',
    '--rounds',
    '1',
    '--k',
    '3',
    '--held-out',
    '10',
    '--concurrency',
    '2',
    '--export',
    exportDir,
    '--db',
    db,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return child;
}

describe('a flywheel killed with SIGKILL', () => {
  it('resumes mid-sampling without asking again, and mid-job without starting a second job', async () => {
    sim = await startFineTuneSim({ runningPolls: 60, seed: 2, chatLatencyMs: 5 });
    const folder = mkdtempSync(join(tmpdir(), 'ouro-flywheel-kill-'));
    const file = join(folder, 'tasks.jsonl');
    const tasks = simFlywheelTasks({ count: 50, seed: 8 });
    writeFileSync(file, `${tasks.map((task) => JSON.stringify({ id: task.id, question: task.prompt, answer: task.answer })).join('\n')}\n`);
    const db = join(folder, 'f.db');
    const exportDir = join(folder, 'exports');

    // 1. Killed mid-sampling: 40 train tasks x 3 samples + 10 held-out = 130 samples in the round.
    const runId = await killWhen(startRun(db, file, exportDir), db, (seen) => seen.samples >= 30);
    const stored = peek(db).samples;
    expect(stored).toBeGreaterThanOrEqual(30);
    expect(stored).toBeLessThan(130);
    const chatsBefore = sim.count('chat');

    // 2. Resumed in a child again, and killed once the training job is running at the service.
    const resumed = spawn(
      process.execPath,
      [join(ROOT, 'bin/ouro.js'), 'flywheel', 'resume', runId, '--trainer-poll', '0.05', '--db', db],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(resumed);
    await killWhen(resumed, db, (seen) => seen.jobs.includes('running'));
    // Only the missing samples were asked for, and STaR's rationalisations of the tasks with no right
    // sample (plus the model check and at most the two calls in flight when the first run was killed).
    const after = peek(db);
    expect(after.samples).toBe(130);
    expect(sim.count('chat') - chatsBefore).toBeLessThanOrEqual(130 - stored + after.rationalised + 3);
    expect(sim.count('create-job', 'POST')).toBe(1);

    // 3. Resumed here: the job in flight is polled to its end; no second job, no new samples.
    const chats = sim.count('chat');
    const result = await resumeFlywheel(runId, { db, probe: false, trainerOptions: { openai: { pollMs: 10 } } });
    expect(result).toMatchObject({ runId, rounds: 1, stopReason: 'rounds', model: expect.stringContaining('#ft:') });
    expect(sim.count('create-job', 'POST')).toBe(1);
    expect(sim.count('chat')).toBe(chats);
    const { store, flywheel } = openFlywheel(db, true);
    try {
      const jobs = flywheel.jobs(runId);
      expect(new Set(jobs.map((job) => job.id)).size).toBe(1);
      expect(jobs.at(-1)?.status).toBe('succeeded');
      expect(flywheel.samples(runId, 0).filter((sample) => sample.kind === 'sample')).toHaveLength(130);
    } finally {
      store.close();
    }
  }, 120_000);
});
