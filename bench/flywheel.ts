// The flywheel's own speed, model time excluded: how fast a numeric answer is verified, how long a
// coding-benchmark solution takes to verify in the sandbox, and what the loop itself costs per
// sample (storing it, verifying, selecting, measuring, exporting) with a model that answers at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Completion, CompletionRequest, ModelHandle } from '../src/core/model.ts';
import {
  FLYWHEEL_DEFAULTS,
  FLYWHEEL_TABLES,
  answerVerifier,
  codingBenchSource,
  executionVerifier,
  type FlywheelTask,
  type Sample,
} from '../src/flywheel/index.ts';
import { runRound } from '../src/flywheel/round.ts';
import { SqliteStore } from '../src/store/sqlite.ts';

export interface FlywheelSpeed {
  /** Numeric verifications a second, medians of `runs` passes over 100,000 samples. */
  numericPerSecond: number[];
  /** Coding-benchmark verification of the reference solution, one sample at a time, ms per sample. */
  codeMs: number[];
  codeTasks: number;
  /** The loop's own ms per sample, one round of 200 tasks x 4 samples each, per run. */
  overheadMsPerSample: number[];
}

function numericTasks(count: number): { tasks: FlywheelTask[]; samples: Sample[][] } {
  const tasks: FlywheelTask[] = [];
  const samples: Sample[][] = [];
  for (let index = 0; index < count; index++) {
    const answer = String(17 + ((index * 7919) % 4000));
    const id = `t${index}`;
    tasks.push({ id, source: 'bench', prompt: `Question ${index}`, answer, kind: 'answer' });
    samples.push(
      Array.from({ length: 4 }, (_, sample) => ({
        taskId: id,
        round: 0,
        index: sample,
        model: 'bench',
        temperature: 0.8,
        text: `First 12 * 3 = 36, then 36 + ${index} is more. So the answer is ${sample % 2 === 0 ? answer : `${Number(answer) + 1}`}.`,
        tokens: 0,
        costUsd: 0,
      })),
    );
  }
  return { tasks, samples };
}

async function measureNumeric(runs: number): Promise<number[]> {
  const verifier = answerVerifier({ mode: 'numeric' });
  const { tasks, samples } = numericTasks(25_000);
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    let checked = 0;
    for (let index = 0; index < tasks.length; index++) {
      checked += (await verifier.verify(tasks[index] as FlywheelTask, samples[index] as Sample[])).length;
    }
    rates.push(checked / ((performance.now() - started) / 1000));
  }
  return rates;
}

async function measureCode(): Promise<{ ms: number[]; tasks: number }> {
  const tasks = await codingBenchSource({}).load();
  const verifier = executionVerifier({ concurrency: 1 });
  const ms: number[] = [];
  for (const task of tasks) {
    const sample: Sample = {
      taskId: task.id,
      round: 0,
      index: 0,
      model: 'bench',
      temperature: 0,
      text: task.solution ?? '',
      tokens: 0,
      costUsd: 0,
    };
    const started = performance.now();
    await verifier.verify(task, [sample]);
    ms.push(performance.now() - started);
  }
  return { ms, tasks: tasks.length };
}

/** A model that answers at once: half its replies right, so verification and selection have work to do. */
function instantModel(answers: Map<string, string>): ModelHandle & { modelMs: number } {
  let calls = 0;
  const handle = {
    id: 'compat:http://127.0.0.1:1/v1#instant',
    contextWindow: 8192,
    modelMs: 0,
    async complete(request: CompletionRequest): Promise<Completion> {
      const started = performance.now();
      const prompt = request.messages.at(-1)?.content ?? '';
      const answer = answers.get(prompt) ?? '0';
      const text = `Working it out. The answer is ${++calls % 2 === 0 ? answer : Number(answer) + 1}.`;
      const completion: Completion = {
        text,
        finishReason: 'stop',
        usage: { inputTokens: 20, outputTokens: 12 },
        costUsd: 0,
        latencyMs: 0,
        model: handle.id,
      };
      handle.modelMs += performance.now() - started;
      return completion;
    },
  };
  return handle;
}

async function measureOverhead(runs: number): Promise<number[]> {
  const perSample: number[] = [];
  for (let run = 0; run < runs; run++) {
    const folder = mkdtempSync(join(tmpdir(), 'ouro-bench-flywheel-'));
    try {
      const store = new SqliteStore(join(folder, 'f.db'));
      const flywheel = store.tables(FLYWHEEL_TABLES);
      if (!flywheel) throw new Error('no flywheel tables');
      const { tasks } = numericTasks(220);
      const model = instantModel(new Map(tasks.map((task) => [task.prompt, task.answer as string])));
      const settings = {
        ...FLYWHEEL_DEFAULTS,
        pairs: ['dpo' as const],
        source: { kind: 'gsm8k' as const, file: '-' },
        model: model.id,
        exportDir: join(folder, 'out'),
      };
      flywheel.createRun({ id: 'f1', settings: settings as unknown as Record<string, unknown>, createdAt: Date.now() });
      const started = performance.now();
      await runRound({
        runId: 'f1',
        round: 0,
        settings,
        split: { train: tasks.slice(20), heldOut: tasks.slice(0, 20) },
        store: flywheel,
        model,
        verifiers: [answerVerifier({ mode: 'numeric' })],
        history: [],
      });
      const samples = flywheel.samples('f1', 0).length;
      perSample.push((performance.now() - started - model.modelMs) / samples);
      store.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  return perSample;
}

export async function measureFlywheel(runs = 5): Promise<FlywheelSpeed> {
  const numericPerSecond = await measureNumeric(runs);
  const code = await measureCode();
  const overheadMsPerSample = await measureOverhead(runs);
  return { numericPerSecond, codeMs: code.ms, codeTasks: code.tasks, overheadMsPerSample };
}
