/**
 * Flywheel tasks stored whole: a JSONL file whose every line is a `FlywheelTask`, as
 * `ouro tasks export --flywheel <file>` writes generated tasks. Nothing is mapped; each line is
 * checked with the same rules a generator's tasks are (`taskProblem`), so a file someone edited by
 * hand fails on load, naming the file, the line and the field, before any model call.
 */
import { basename } from 'node:path';
import type { FlywheelTask, TaskSource } from '../types.ts';
import { taskProblem } from './check-task.ts';
import { idTracker, readJsonlRows, sourcePath } from './jsonl-lines.ts';

/** The fields a stored task may carry; any other field of a line is left out of the task. */
const TASK_FIELDS = ['id', 'source', 'prompt', 'system', 'answer', 'solution', 'kind', 'code', 'tags'] as const;

/**
 * The tasks of `file`, one whole `FlywheelTask` a line, in file order. A line that is not a JSON
 * object, a task `taskProblem` refuses, or an id used on an earlier line throws an `OuroError`
 * (`config-invalid`) whose message starts `<file name>:<line>:` and whose `field` names the field.
 *
 * @example
 * // tasks.jsonl: {"id":"g1","source":"generated:math","prompt":"What is 6 * 7?","kind":"answer","answer":"42"}
 * const tasks = await tasksFileSource('tasks.jsonl').load();
 * tasks[0].answer; // '42'
 */
export function tasksFileSource(file: string | URL): TaskSource {
  const path = sourcePath(file);
  return {
    name: basename(path),
    async load() {
      const tasks: FlywheelTask[] = [];
      const checkId = idTracker();
      readJsonlRows(path, (row, line, at) => {
        const problem = taskProblem(row);
        if (problem !== undefined) throw at(problem[0], `field "${problem[0]}" ${problem[1]}`);
        const task = Object.fromEntries(TASK_FIELDS.filter((field) => row[field] !== undefined).map((field) => [field, row[field]]));
        checkId(task.id as string, line, at, 'id');
        tasks.push(task as unknown as FlywheelTask);
      });
      return tasks;
    },
  };
}
