import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLYWHEEL_DEFAULTS } from '../flywheel/settings.ts';
import { openFlywheel, startFlywheel } from '../flywheel/run.ts';
import { simFlywheelTasks } from './fine-tune-sim-model.ts';
import { startFineTuneSim } from './fine-tune-sim.ts';

export interface SimulatedFlywheelOptions {
  /** The database to store the run in. */
  db: string;
  rounds: number;
  /** Fine-tuned models lose their diversity, so that the guard flags every round after the first. */
  collapse?: boolean;
  /** Fail every training job with this message: the run stops after its first round. */
  failJobWith?: string;
}

/** The simulated service's jobs end in a poll or two: poll every 20 ms, not every 20 s. */
const FAST_POLLS = { openai: { pollMs: 20 } };

/**
 * A real flywheel run on the fine-tuning SIMULATION (src/testing/fine-tune-sim.ts), for the
 * dashboard's tests: 40 simulated arithmetic tasks (10 held out), K = 4, STaR with DPO pairs and
 * the `openai` trainer against the simulated service, which is closed again before this returns.
 * With `collapse`, the guard (`flag`, diversity floor 0.3) flags the rounds after the first and the
 * run goes on. Takes a second or two.
 *
 * @example
 * const { runId } = await runSimulatedFlywheel({ db: 'test.db', rounds: 3, collapse: true });
 */
export async function runSimulatedFlywheel(options: SimulatedFlywheelOptions): Promise<{ runId: string; error?: Error }> {
  const sim = await startFineTuneSim({
    runningPolls: 1,
    seed: 5,
    ...(options.collapse ? { collapse: true } : {}),
    ...(options.failJobWith ? { failJobWith: options.failJobWith } : {}),
  });
  const folder = mkdtempSync(join(tmpdir(), 'ouro-ui-flywheel-'));
  const file = join(folder, 'tasks.jsonl');
  const tasks = simFlywheelTasks({ count: 40, seed: 4 });
  writeFileSync(file, `${tasks.map((task) => JSON.stringify({ id: task.id, question: task.prompt, answer: task.answer })).join('\n')}\n`);
  const startedBefore = Date.now();
  try {
    const result = await startFlywheel(
      {
        ...FLYWHEEL_DEFAULTS,
        source: { kind: 'jsonl', file, prompt: 'question', answer: 'answer', id: 'id' },
        model: sim.modelId('sim-base'),
        rounds: options.rounds,
        k: 4,
        heldOut: 10,
        trainer: `openai:${sim.baseURL}`,
        exportDir: join(folder, 'exports'),
        minDiversity: 0.3,
      },
      { db: options.db, probe: false, trainerOptions: FAST_POLLS },
    );
    return { runId: result.runId };
  } catch (error) {
    // A failed training job ends the run with an error; the run is stored all the same.
    const { store, flywheel } = openFlywheel(options.db, true);
    try {
      const run = flywheel
        .listRuns()
        .filter((entry) => entry.createdAt >= startedBefore)
        .at(-1);
      if (!run) throw error;
      return { runId: run.id, error: error as Error };
    } finally {
      store.close();
    }
  } finally {
    await sim.close();
  }
}
