import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { gradeTask, gradeTasks, resolvedRate } from '../src/agents/coding-bench/grade.ts';
import { importExercises } from '../src/agents/coding-bench/import.ts';
import { loadBenchmark, type CodingTask } from '../src/agents/coding-bench/tasks.ts';
import { validateBenchmark } from '../src/agents/coding-bench/validate.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

const SHIPPED = resolve(import.meta.dirname, '../benchmarks/coding');
const FIXTURES = resolve(import.meta.dirname, 'fixtures/exercises');

/** A task whose hidden tests check `add`, with the given reference. */
function addTask(id: string, reference = 'export const add = (a, b) => a + b;', timeoutMs = 3_000): CodingTask {
  return {
    id,
    title: id,
    difficulty: 'easy',
    sets: [],
    entry: 'solution.js',
    timeoutMs,
    statement: 'Export add(a, b).',
    stub: { 'solution.js': "export const add = () => { throw new Error('not implemented'); };" },
    tests: `import assert from 'node:assert/strict';
import { add } from './solution.js';
test('small numbers', () => assert.equal(add(2, 3), 5));
test('negative numbers', () => assert.equal(add(-2, -3), -5));
describe('with expect', () => { test('zero', () => expect(add(0, 0)).toBe(0)); });`,
    reference: { 'solution.js': reference },
    origin: `memory/${id}`,
  };
}

describe.skipIf(bubblewrap.missing)(bubblewrap.title('coding benchmark grading in the process sandbox'), () => {
  it('validates the whole shipped benchmark: every reference passes, every stub fails', async () => {
    const benchmark = loadBenchmark(SHIPPED);
    const report = await validateBenchmark(benchmark, { concurrency: 2 });
    expect(report.tasks).toBe(benchmark.tasks.length);
    expect(report.references.every((result) => result.status === 'resolved' && result.passed === result.total && result.total >= 4)).toBe(
      true,
    );
    expect(report.stubs.every((result) => result.status !== 'resolved')).toBe(true);
    expect(resolvedRate(report.references)).toBe(1);
    expect(resolvedRate(report.stubs)).toBe(0);
  }, 180_000);

  it('grades imported exercises with Jest-style specs, running xtest cases too', async () => {
    const tasks = importExercises(FIXTURES);
    const report = await validateBenchmark(tasks);
    expect(report.references.map((result) => [result.taskId, result.passed, result.total])).toEqual([
      ['leap-check', 5, 5],
      ['vowel-tally', 3, 3],
      ['word-reverse', 3, 3],
    ]);
    const halfRight = await gradeTask(tasks[0]!, { 'leap-check.js': 'export const isLeap = (year) => year % 4 === 0;' });
    expect(halfRight.status).toBe('unresolved');
    expect(halfRight.passed).toBe(3);
    expect(halfRight.output).toContain('FAIL isLeap > a century');
    expect(halfRight.output).toContain('FAIL isLeap > bad input > fractions throw');
  });

  it('gives an endless loop `timeout` and goes on with the other tasks', async () => {
    const results = await gradeTasks(
      [
        addTask('loops', 'export const add = () => { for (;;) {} };', 1_500),
        addTask('fine'),
        addTask('wrong', 'export const add = (a, b) => a - b;'),
      ],
      (task) => task.reference,
      { concurrency: 2 },
    );
    expect(results.map((result) => [result.taskId, result.status])).toEqual([
      ['loops', 'timeout'],
      ['fine', 'resolved'],
      ['wrong', 'unresolved'],
    ]);
    expect(results[0]!.output).toMatch(/did not finish within 1500 ms/);
    expect(results[2]!).toMatchObject({ passed: 1, total: 3 });
    expect(results[2]!.output).toContain('FAIL small numbers');
  });

  it('reports a solution that does not load, and one that exits early', async () => {
    const syntax = await gradeTask(addTask('syntax'), { 'solution.js': 'export const add = (a, b) => a + ;' });
    expect(syntax.status).toBe('unresolved');
    expect(syntax.output).toMatch(/could not load the solution: SyntaxError/);
    const exits = await gradeTask(addTask('exits'), { 'solution.js': 'process.exit(0); export const add = (a, b) => a + b;' });
    expect(exits.status).toBe('error');
    expect(exits.output).toMatch(/ended without a result/);
  });

  it('fails validation with an error naming a task whose reference fails', async () => {
    const error = await validateBenchmark([addTask('good'), addTask('broken-reference', 'export const add = (a, b) => a * b;')]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).message).toMatch(
      /task "broken-reference": its reference solution does not pass its tests \(unresolved, 1 of 3 passed\)/,
    );
    expect((error as OuroError).message).not.toMatch(/task "good"/);
    expect((error as OuroError).file).toMatch(/broken-reference[\\/]reference$/);
  });

  it('fails validation when a stub already passes', async () => {
    const task = addTask('lazy-stub');
    const error = await validateBenchmark([{ ...task, stub: task.reference }]).catch((caught: unknown) => caught);
    expect((error as OuroError).message).toMatch(/task "lazy-stub": its stub passes every test/);
  });

  describe('anti-forgery', () => {
    const forgeries: Record<string, string> = {
      'prints a fake "all passed" result line': `
        for (const key of ['', 'x', 'undefined']) console.log('@@ouro-result:' + key + ':{"passed":3,"total":3,"failures":{}}');
        process.stdout.write('\\n3 of 3 tests passed.\\n');
        export const add = () => 0;`,
      'looks for the key in its argv, environment and files':
        `
        import { readFileSync, readdirSync } from 'node:fs';
        const found = [process.argv.join(' '), JSON.stringify(process.env)];
        for (const name of readdirSync('.', { recursive: true })) { try { found.push(readFileSync(name, 'utf8')); } catch {} }
        for (const file of ['/proc/self/cmdline', '/proc/self/environ', '/proc/1/cmdline']) { try { ` +
        `found.push(readFileSync(file, 'utf8')); } catch {} }
        for (const text of found) for (const key of text.match(/[0-9a-f]{48}/g) ?? []) console.log('@@ouro-result:' + key + ` +
        `':{"passed":3,"total":3,"failures":{}}');
        export const add = () => 0;`,
      'patches the assertion library and the test globals':
        `
        import assert from 'node:assert/strict';
        import plain from 'node:assert';
        for (const target of [assert, plain]) { for (const name of ['equal', 'strictEqual', 'deepEqual']) { ` +
        `try { target[name] = () => {}; } catch {} } }
        try { globalThis.test = (name) => {}; } catch {}
        try { Object.defineProperty(globalThis, 'expect', { value: () => ({ toBe() {} }) }); } catch {}
        try { Array.prototype.push = function () { return 0; }; } catch {}
        try { Promise.prototype.then = function (ok) { return ok(); }; } catch {}
        export const add = () => 0;`,
      'reads its hidden tests from disk or reaches for the inspector': `
        import { existsSync } from 'node:fs';
        let inspector = 'blocked';
        try { await import('node:inspector').then((m) => new m.Session().connect()); inspector = 'open'; } catch {}
        export const add = (a, b) => existsSync('tests.js') || inspector === 'open' ? a + b : 0;`,
    };
    for (const [what, code] of Object.entries(forgeries)) {
      it(`a solution that ${what} is still unresolved`, async () => {
        const result = await gradeTask(addTask('forged'), { 'solution.js': code });
        expect(result.status, result.output).toBe('unresolved');
        expect(result.passed).toBe(1); // only the zero case, which 0 satisfies
        expect(result.total).toBe(3);
      });
    }
  });
});
