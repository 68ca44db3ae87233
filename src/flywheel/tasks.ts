/** A run's tasks: loaded from its source, then split once, by the run's seed, into train and held-out. */
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { SourceSpec } from './settings.ts';
import { codingBenchSource, gsm8kSource, jsonlSource, pythonTestsSource, tasksFileSource } from './sources/index.ts';
import type { FlywheelTask, TaskSource } from './types.ts';

export interface TaskSplit {
  train: FlywheelTask[];
  heldOut: FlywheelTask[];
}

/** The task source a `SourceSpec` names. */
export function sourceOf(spec: SourceSpec): TaskSource {
  switch (spec.kind) {
    case 'gsm8k':
      return gsm8kSource(spec.file);
    case 'python':
      return pythonTestsSource({ file: spec.file });
    case 'tasks':
      return tasksFileSource(spec.file);
    case 'coding-bench':
      return codingBenchSource({ ...(spec.dir ? { dir: spec.dir } : {}), ...(spec.only ? { only: spec.only } : {}) });
    case 'jsonl':
      return jsonlSource({
        file: spec.file,
        fields: {
          prompt: spec.prompt,
          ...(spec.answer ? { answer: spec.answer } : {}),
          ...(spec.id ? { id: spec.id } : {}),
          ...(spec.solution ? { solution: spec.solution } : {}),
        },
      });
  }
}

/**
 * Loads every task (checked before any model call) and splits them: a seeded shuffle, then the
 * first `heldOut` are held out. The same seed and tasks give the same split on every resume.
 */
export async function loadSplit(spec: SourceSpec, heldOut: number, seed: number): Promise<TaskSplit> {
  const tasks = await sourceOf(spec).load();
  if (heldOut >= tasks.length) {
    throw new OuroError(
      'option-invalid',
      `flywheel heldOut: ${heldOut} held-out tasks leave none to train on; the source has ${tasks.length}`,
      { field: 'heldOut' },
    );
  }
  const shuffled = Rng.fromSeed(seed >>> 0).shuffle([...tasks]);
  return { heldOut: shuffled.slice(0, heldOut), train: shuffled.slice(heldOut) };
}

/** The train tasks of round `round`: all of them, or a seeded draw of `count`. */
export function roundTasks(train: readonly FlywheelTask[], count: number | undefined, seed: number, round: number): FlywheelTask[] {
  if (count === undefined || count >= train.length) return [...train];
  const rng = Rng.fromSeed(((seed >>> 0) ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0);
  return rng.shuffle([...train]).slice(0, count);
}
