/**
 * Tasks that code produces: the plug for a task generator (self-generated tasks, curricula). What
 * it hands over is checked like a file would be, because a generator is the least trusted source.
 */
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, TaskSource } from '../types.ts';
import { taskProblem } from './check-task.ts';

/**
 * A source whose tasks come from `produce`. Every task is checked (non-empty id, source and prompt;
 * ids unique; `kind` consistent with `code`; see `taskProblem`); the first bad one throws an
 * `OuroError` naming the source, the task's position and id, and the field.
 *
 * @example
 * const source = generatedSource('ladder', async () => variantsOf(hardProblems));
 * const tasks = await source.load();
 */
export function generatedSource(name: string, produce: () => Promise<FlywheelTask[]>): TaskSource {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new OuroError('option-invalid', 'a generated source needs a name, such as "ladder"', { field: 'name' });
  }
  return {
    name,
    async load() {
      const tasks = await produce();
      if (!Array.isArray(tasks)) {
        throw new OuroError('config-invalid', `generated source "${name}" produced ${typeof tasks}, expected a list of tasks`, {
          field: 'tasks',
        });
      }
      checkTasks(tasks, `generated source "${name}"`);
      return tasks;
    },
  };
}

/** Throws for the first malformed task or reused id; `where` begins each message. */
export function checkTasks(tasks: readonly unknown[], where: string): void {
  const indexOfId = new Map<string, number>();
  tasks.forEach((task, index) => {
    const id = (task as { id?: unknown } | null)?.id;
    const label = `${where}: task ${index + 1}${typeof id === 'string' ? ` (id ${JSON.stringify(id)})` : ''}`;
    const problem = taskProblem(task);
    if (problem !== undefined) {
      throw new OuroError('config-invalid', `${label}: field "${problem[0]}" ${problem[1]}`, { field: problem[0] });
    }
    const earlier = indexOfId.get(id as string);
    if (earlier !== undefined)
      throw new OuroError('config-invalid', `${label}: the id is already used by task ${earlier + 1}`, { field: 'id' });
    indexOfId.set(id as string, index);
  });
}
