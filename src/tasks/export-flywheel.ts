/**
 * Writes generated tasks as a flywheel task file: one whole `FlywheelTask` a line, which the
 * flywheel reads back with `--source tasks:<file>` (flywheel/sources/tasks-file.ts) under the same
 * checks, so what this writes is exactly what a run samples.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { type FlywheelTask, taskProblem } from '../flywheel/index.ts';
import { toFlywheelTask } from './convert.ts';
import type { GeneratedTask } from './types.ts';

export interface ExportFlywheelOptions {
  /** Write over a file that already exists. */
  force?: boolean;
}

export interface ExportFlywheelResult {
  file: string;
  /** The ids of the tasks written, in the order given. */
  written: string[];
  /** Tasks the flywheel cannot check (`toFlywheelTask` refuses them, or the converted task fails the source's checks). */
  skipped: number;
}

/**
 * Writes `toFlywheelTask` of each task to `file`, one JSON object a line, in the order given.
 * Tasks the flywheel cannot check (an abduction triple without tests, say) are skipped and counted.
 * Refuses, with an `OuroError` naming the file: an existing file unless `force`, a folder, no task
 * left to write, and two tasks with one id (the source would refuse the file).
 *
 * @example
 * const { written, skipped } = exportFlywheelTasks('generated.jsonl', keptTasks);
 * // then: ouro flywheel run --source tasks:generated.jsonl --model <id>
 */
export function exportFlywheelTasks(
  file: string,
  tasks: readonly GeneratedTask[],
  options: ExportFlywheelOptions = {},
): ExportFlywheelResult {
  checkTarget(file, options.force === true);
  const converted: FlywheelTask[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    const flywheelTask = convertible(task);
    if (flywheelTask === undefined) continue;
    if (seen.has(flywheelTask.id)) {
      throw new OuroError(
        'config-invalid',
        `${file}: two tasks have the id ${JSON.stringify(flywheelTask.id)}; a task file needs distinct ids`,
        {
          file,
          field: 'id',
        },
      );
    }
    seen.add(flywheelTask.id);
    converted.push(flywheelTask);
  }
  if (converted.length === 0) {
    throw new OuroError(
      'config-invalid',
      `none of the ${tasks.length} task(s) is one the flywheel can check, so there is nothing to write to ${file}`,
      {
        file,
        field: 'tasks',
      },
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  // Written beside the target and renamed, so a reader never sees half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${converted.map((task) => JSON.stringify(task)).join('\n')}\n`);
  renameSync(partial, file);
  return { file, written: converted.map((task) => task.id), skipped: tasks.length - converted.length };
}

function checkTarget(file: string, force: boolean): void {
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory()) throw new OuroError('option-invalid', `${file} is a folder, not a file`, { file, field: 'file' });
  if (!force) {
    throw new OuroError('option-invalid', `the task file ${file} already exists; choose another, or pass --force to write over it`, {
      file,
      field: 'force',
    });
  }
}

/** The task as a flywheel task, or undefined when the flywheel could not check it. */
function convertible(task: GeneratedTask): FlywheelTask | undefined {
  let converted: FlywheelTask;
  try {
    converted = toFlywheelTask(task);
  } catch (error) {
    if (error instanceof OuroError) return undefined;
    throw error;
  }
  return taskProblem(converted) === undefined ? converted : undefined;
}
