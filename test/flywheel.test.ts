/**
 * The flywheel end to end on a SIMULATION (src/testing/fine-tune-sim.ts): a scripted service that
 * answers simulated arithmetic tasks and speaks the fine-tuning API, whose "fine-tuned" models
 * answer tasks like their training data more often. No real model or training is involved.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkJsonl, FLYWHEEL_DEFAULTS, openFlywheel, resumeFlywheel, startFlywheel, type StoredFigures } from '../src/flywheel/index.ts';
import { simFlywheelTasks } from '../src/testing/fine-tune-sim-model.ts';
import { startFineTuneSim, type FineTuneSim } from '../src/testing/fine-tune-sim.ts';

/** The simulated service finishes a job in a poll or two: poll it every 20 ms, not every 20 s. */
const FAST_POLLS = { openai: { pollMs: 20 } };

let sim: FineTuneSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function tasksFile(count: number): { file: string; prompts: Map<string, string> } {
  const folder = mkdtempSync(join(tmpdir(), 'ouro-flywheel-'));
  const tasks = simFlywheelTasks({ count, seed: 4 });
  const file = join(folder, 'tasks.jsonl');
  writeFileSync(file, `${tasks.map((task) => JSON.stringify({ id: task.id, question: task.prompt, answer: task.answer })).join('\n')}\n`);
  return { file, prompts: new Map(tasks.map((task) => [task.id, task.prompt])) };
}

function settingsFor(file: string, model: string, trainer: string, exportDir: string) {
  return {
    ...FLYWHEEL_DEFAULTS,
    source: { kind: 'jsonl' as const, file, prompt: 'question', answer: 'answer', id: 'id' },
    model,
    rounds: 3,
    k: 4,
    heldOut: 24,
    concurrency: 4,
    trainer,
    exportDir,
    pairs: ['dpo' as const],
  };
}

describe('the flywheel on the simulation (SIMULATED model and fine-tuning)', () => {
  it('raises held-out accuracy over three rounds, exports valid data without a held-out task, and records every job', async () => {
    sim = await startFineTuneSim({ runningPolls: 1, seed: 3 });
    const { file, prompts } = tasksFile(120);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const exportDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'exports');
    const result = await startFlywheel(settingsFor(file, sim.modelId('sim-base'), `openai:${sim.baseURL}`, exportDir), {
      db,
      probe: false,
      trainerOptions: FAST_POLLS,
    });
    expect(result).toMatchObject({ rounds: 3, stopReason: 'rounds' });
    expect(result.model).toMatch(/#ft:sim-base/);

    const { store, flywheel } = openFlywheel(db, true);
    try {
      const rounds = flywheel.rounds(result.runId);
      const accuracy = rounds.map((round) => (round.figures as unknown as StoredFigures).heldOutAccuracy as number);
      expect(accuracy).toHaveLength(3);
      expect(accuracy[2]).toBeGreaterThan((accuracy[0] as number) + 0.1);
      // Round 1 and 2 sampled the models the jobs before them produced.
      expect(rounds.map((round) => round.model)).toEqual([
        sim.modelId('sim-base'),
        expect.stringContaining('#ft:'),
        expect.stringContaining('#ft:'),
      ]);
      const jobs = flywheel.jobs(result.runId);
      expect(new Set(jobs.map((job) => job.round))).toEqual(new Set([0, 1, 2]));
      expect(jobs.filter((job) => job.status === 'succeeded')).toHaveLength(3);
      expect(sim.count('create-job', 'POST')).toBe(3);

      // The held-out tasks are in no export, and every export validates against its format's schema.
      const heldOut = new Set(
        flywheel
          .samples(result.runId, 0)
          .filter((sample) => sample.split === 'heldout')
          .map((sample) => sample.taskId),
      );
      expect(heldOut.size).toBe(24);
      for (const round of rounds) {
        for (const [kind, written] of Object.entries(round.exports)) {
          const text = readFileSync(written.file, 'utf8');
          expect(() => checkJsonl(text, kind === 'sft' ? 'openai-chat' : 'trl-dpo')).not.toThrow();
          for (const id of heldOut) expect(text.includes(prompts.get(id) as string)).toBe(false);
          const card = JSON.parse(readFileSync(written.file.replace(/\.jsonl$/, '.card.json'), 'utf8')) as { sha256: string };
          expect(card.sha256).toBe(written.sha256);
        }
      }
    } finally {
      store.close();
    }
  }, 120_000);

  it('stops at the collapse guard when a fine-tuned model loses its diversity', async () => {
    sim = await startFineTuneSim({ runningPolls: 0, seed: 5, collapse: true });
    const { file } = tasksFile(80);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const exportDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'exports');
    const result = await startFlywheel(
      { ...settingsFor(file, sim.modelId('sim-base'), `openai:${sim.baseURL}`, exportDir), guard: 'stop', minDiversity: 0.3 },
      { db, probe: false, trainerOptions: FAST_POLLS },
    );
    expect(result.stopReason).toBe('collapse');
    expect(result.rounds).toBe(2);
    expect(result.message).toMatch(/diversity/);
    const { store, flywheel } = openFlywheel(db, true);
    try {
      expect(flywheel.rounds(result.runId).map((round) => round.status)).toEqual(['complete', 'flagged']);
      // Stopped before training on the flagged round.
      expect(sim.count('create-job', 'POST')).toBe(1);
      expect(flywheel.getRun(result.runId)?.status).toBe('stopped');
    } finally {
      store.close();
    }
  }, 120_000);

  it('re-runs a failed training job on resume, without sampling again', async () => {
    let failing = true;
    sim = await startFineTuneSim({ runningPolls: 0, seed: 7, failJobWith: () => (failing ? 'quota exceeded' : undefined) });
    const { file } = tasksFile(60);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const exportDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'exports');
    const settings = { ...settingsFor(file, sim.modelId('sim-base'), `openai:${sim.baseURL}`, exportDir), rounds: 1 };
    const failed = startFlywheel(settings, { db, probe: false, trainerOptions: FAST_POLLS });
    await expect(failed).rejects.toThrow(/round 0: the openai training job .* failed: .*quota exceeded.*ouro flywheel resume/s);
    const first = openFlywheel(db, true);
    const runId = first.flywheel.listRuns()[0]?.id as string;
    expect(first.flywheel.jobs(runId).at(-1)).toMatchObject({ status: 'failed', error: expect.stringContaining('quota exceeded') });
    first.store.close();
    const chats = sim.count('chat');

    failing = false;
    const resumed = await resumeFlywheel(runId, { db, probe: false, trainerOptions: FAST_POLLS });
    expect(resumed).toMatchObject({ runId, rounds: 1, stopReason: 'rounds', model: expect.stringContaining('#ft:') });
    // The round was stored whole before its job: nothing was sampled again, and one new job ran.
    expect(sim.count('chat')).toBe(chats);
    expect(sim.count('create-job', 'POST')).toBe(2);
  }, 120_000);

  it('refuses bad input before any call: an export folder in use, a model that does not answer, a bad dataset line', async () => {
    const { file } = tasksFile(30);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const used = mkdtempSync(join(tmpdir(), 'ouro-flywheel-used-'));
    writeFileSync(join(used, 'sft.jsonl'), '{}\n');
    const settings = settingsFor(file, 'compat:http://127.0.0.1:9/v1#nobody', 'none', used);
    await expect(startFlywheel(settings, { db })).rejects.toThrow(/export folder .* already holds files.*--force/);
    // With --force the folder is accepted, and the model that does not answer is named before the first round.
    await expect(startFlywheel(settings, { db, force: true })).rejects.toThrow(/compat:http:\/\/127\.0\.0\.1:9\/v1#nobody/);
    const bad = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-bad-')), 'tasks.jsonl');
    writeFileSync(bad, '{"id": "a", "question": "Compute 1 + 1.", "answer": "2"}\n{"id": "b", "answer": "3"}\n');
    await expect(startFlywheel({ ...settings, source: { ...settings.source, file: bad } }, { db, force: true })).rejects.toThrow(
      /tasks\.jsonl:2.*question/,
    );
    // None of these left a run behind: the database was never even created.
    expect(existsSync(db)).toBe(false);
  }, 60_000);

  it('replays a run from its recorded replies and jobs, with the service gone, to the same figures and exports', async () => {
    sim = await startFineTuneSim({ runningPolls: 0, seed: 9 });
    const { file } = tasksFile(60);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const exportDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'exports');
    // Concurrency 1: the replies of a task's K samples, all asked with the same prompt, come back in the recorded order.
    const settings = { ...settingsFor(file, sim.modelId('sim-base'), `openai:${sim.baseURL}`, exportDir), rounds: 2, concurrency: 1 };
    const first = await startFlywheel(settings, { db, probe: false, trainerOptions: FAST_POLLS });
    await sim.close();
    sim = undefined;

    const replayDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'replay');
    const replayed = await startFlywheel(
      { ...FLYWHEEL_DEFAULTS, source: { kind: 'gsm8k', file: '-' }, model: '-', replayOf: first.runId, exportDir: replayDir },
      { db },
    );
    expect(replayed).toMatchObject({ rounds: 2, stopReason: 'rounds', model: first.model });
    const { store, flywheel } = openFlywheel(db, true);
    try {
      const [original, again] = [flywheel.rounds(first.runId), flywheel.rounds(replayed.runId)];
      expect(again.map((round) => round.figures)).toEqual(original.map((round) => round.figures));
      expect(again.map((round) => round.exports.sft?.sha256)).toEqual(original.map((round) => round.exports.sft?.sha256));
      expect(again.map((round) => round.model)).toEqual(original.map((round) => round.model));
      expect(flywheel.getRun(replayed.runId)?.settings).toMatchObject({ replayOf: first.runId, model: settings.model });
    } finally {
      store.close();
    }
  }, 120_000);

  it('stops cleanly at a token budget mid-round, and a resume with more budget finishes the round without asking again', async () => {
    sim = await startFineTuneSim({ runningPolls: 0, seed: 11 });
    const { file } = tasksFile(40);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-db-')), 'f.db');
    const exportDir = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-out-')), 'exports');
    const settings = {
      ...settingsFor(file, sim.modelId('sim-base'), 'none', exportDir),
      rounds: 1,
      concurrency: 1,
      budget: { tokens: 2000 },
    };
    const stopped = await startFlywheel(settings, { db, probe: false });
    expect(stopped).toMatchObject({ stopReason: 'budget', rounds: 0, message: expect.stringMatching(/token budget/) });
    const first = openFlywheel(db, true);
    const kept = first.flywheel.samples(stopped.runId, 0).length;
    expect(kept).toBeGreaterThan(0);
    expect(first.flywheel.getRun(stopped.runId)?.status).toBe('stopped');
    first.store.close();
    const chats = sim.count('chat');

    const done = await resumeFlywheel(stopped.runId, { db, probe: false, budget: { tokens: 1_000_000 } });
    expect(done).toMatchObject({ stopReason: 'rounds', rounds: 1 });
    const again = openFlywheel(db, true);
    try {
      const samples = again.flywheel.samples(stopped.runId, 0);
      // 16 train tasks x 4 and 24 held-out: only the ones the first session lacked were asked for (plus rationalisations).
      const plain = samples.filter((sample) => sample.kind === 'sample').length;
      expect(plain).toBe(16 * 4 + 24);
      const rationalised = samples.length - plain;
      expect(sim.count('chat') - chats).toBe(plain - kept + rationalised);
    } finally {
      again.store.close();
    }
  }, 120_000);
});
