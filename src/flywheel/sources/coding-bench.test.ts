// The coding benchmark as flywheel tasks, read from the repository's benchmarks/coding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { taskProblem } from './check-task.ts';
import { codingBenchSource, DEFAULT_BENCHMARK_DIR } from './coding-bench.ts';

const SHIPPED = join(import.meta.dirname, '../../../benchmarks/coding');

describe('codingBenchSource', () => {
  it('finds the repository benchmark by default and reads every task as a sound code task', async () => {
    expect(DEFAULT_BENCHMARK_DIR).toBe(SHIPPED);
    const tasks = await codingBenchSource().load();
    expect(tasks).toHaveLength(40);
    for (const task of tasks) {
      expect(taskProblem(task), task.id).toBeUndefined();
      expect(task.source).toBe('coding-bench');
      expect(task.code?.benchmarkTask).toBe(join(SHIPPED, task.id));
    }
    expect(tasks.map((task) => task.tags?.difficulty).filter((level) => level === 'easy')).toHaveLength(15);
  });

  it('shows the statement and the stub, keeps the hidden tests out of the prompt and the reference as the solution', async () => {
    const [task] = await codingBenchSource({ only: ['digital-root'] }).load();
    const folder = join(SHIPPED, 'digital-root');
    const statement = readFileSync(join(folder, 'statement.md'), 'utf8').trim();
    const stub = readFileSync(join(folder, 'solution.js'), 'utf8').trim();
    const tests = readFileSync(join(folder, 'tests.js'), 'utf8');
    expect(task?.prompt.startsWith(statement)).toBe(true);
    expect(task?.prompt).toContain(`\`\`\`js\n${stub}\n\`\`\``);
    expect(task?.prompt).toContain('Reply with the complete `solution.js`');
    expect(task?.prompt).not.toContain(tests.split('\n').find((line) => line.startsWith('test(')));
    expect(task?.code).toEqual({
      language: 'javascript',
      solutionFile: 'solution.js',
      tests: { 'tests.js': tests },
      benchmarkTask: folder,
      timeoutMs: 5000,
    });
    const reference = readFileSync(join(folder, 'reference/solution.js'), 'utf8').trim();
    expect(task?.solution).toBe(`\`\`\`js\n${reference}\n\`\`\``);
  });

  it('narrows to a named set and to listed ids, and names unknown ids', async () => {
    const small = await codingBenchSource({ set: 'small' }).load();
    expect(small).toHaveLength(6);
    const picked = await codingBenchSource({ set: 'full', only: ['roman-numerals', 'clamp-range'] }).load();
    expect(picked.map((task) => task.id).sort()).toEqual(['clamp-range', 'roman-numerals']);
    const error = await codingBenchSource({ only: ['clamp-range', 'no-such-task'] })
      .load()
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).message).toMatch(/^only: no task "no-such-task" in benchmark /);
    await expect(codingBenchSource({ set: 'huge' }).load()).rejects.toThrow('unknown task set "huge"');
    await expect(codingBenchSource({ dir: join(SHIPPED, 'no-such-folder') }).load()).rejects.toThrow('does not exist');
  });
});
