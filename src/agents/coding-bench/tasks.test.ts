import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { importExercises } from './import.ts';
import { loadBenchmark, tasksOf, workspaceOf } from './tasks.ts';

const SHIPPED = resolve(import.meta.dirname, '../../../benchmarks/coding');
const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/exercises');

function caught(run: () => unknown): OuroError {
  try {
    run();
  } catch (error) {
    if (error instanceof OuroError) return error;
    throw error;
  }
  throw new Error('expected an OuroError');
}

/** A benchmark folder holding one task whose task.json is `meta`. */
function benchmarkWith(meta: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bench-'));
  const folder = join(dir, String(meta.id ?? 'task'));
  mkdirSync(join(folder, 'reference'), { recursive: true });
  const all = {
    'task.json': JSON.stringify(meta),
    'statement.md': '# T',
    'solution.js': 'export const f = 1;',
    'tests.js': 'test("x", () => {});',
    'reference/solution.js': 'export const f = 2;',
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(folder, name), text);
  return dir;
}
const GOOD = { id: 'one', title: 'One', difficulty: 'easy', sets: ['small'], entry: 'solution.js' };

describe('the shipped coding benchmark', () => {
  const benchmark = loadBenchmark(SHIPPED);

  it('has at least 40 tasks graded easy to hard', () => {
    const count = (difficulty: string) => benchmark.tasks.filter((task) => task.difficulty === difficulty).length;
    expect(benchmark.tasks.length).toBeGreaterThanOrEqual(40);
    expect(count('easy')).toBeGreaterThanOrEqual(15);
    expect(count('medium')).toBeGreaterThanOrEqual(15);
    expect(count('hard')).toBeGreaterThanOrEqual(10);
    const rank = benchmark.tasks.map((task) => ['easy', 'medium', 'hard'].indexOf(task.difficulty));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
  });

  it('has a small set inside a medium set inside the full set', () => {
    const small = tasksOf(benchmark, 'small');
    const medium = tasksOf(benchmark, 'medium');
    expect(small.length).toBeGreaterThanOrEqual(5);
    expect(small.length).toBeLessThanOrEqual(8);
    expect(small.filter((task) => task.difficulty === 'easy').length).toBeGreaterThan(small.length / 2);
    expect(medium.length).toBeGreaterThanOrEqual(12);
    expect(medium.length).toBeLessThanOrEqual(18);
    expect(small.every((task) => medium.includes(task))).toBe(true);
    expect(tasksOf(benchmark, 'full')).toEqual(benchmark.tasks);
  });

  it('gives every task a statement, a stub, hidden tests and a reference for its entry', () => {
    for (const task of benchmark.tasks) {
      expect(task.statement.length, task.id).toBeGreaterThan(100);
      expect(task.tests, task.id).toMatch(/from '\.\/solution\.js'/);
      expect(Object.keys(task.stub)).toEqual([task.entry]);
      expect(task.reference[task.entry], task.id).toBeDefined();
      expect(task.reference[task.entry]).not.toEqual(task.stub[task.entry]);
      expect(Object.keys(workspaceOf(task))).toEqual(['STATEMENT.md', task.entry]);
    }
  });

  it('refuses an unknown set, naming the known ones', () => {
    const error = caught(() => tasksOf(benchmark, 'huge'));
    expect(error.field).toBe('set');
    expect(error.message).toMatch(/"huge".*small.*medium.*full|"huge".*full/);
  });
});

describe('loadBenchmark: bad input', () => {
  it('names the file and the field when task.json misses a field', () => {
    const { difficulty: _dropped, ...meta } = GOOD;
    const error = caught(() => loadBenchmark(benchmarkWith(meta)));
    expect(error.code).toBe('config-invalid');
    expect(error.field).toBe('difficulty');
    expect(error.file).toMatch(/one[\\/]task\.json$/);
    expect(error.message).toContain('field "difficulty"');
  });

  it('names a bad value, an unknown field and an id that differs from its folder', () => {
    expect(caught(() => loadBenchmark(benchmarkWith({ ...GOOD, difficulty: 'trivial' }))).field).toBe('difficulty');
    expect(caught(() => loadBenchmark(benchmarkWith({ ...GOOD, hint: 'x' }))).field).toBe('hint');
    const dir = benchmarkWith(GOOD);
    writeFileSync(join(dir, 'one', 'task.json'), JSON.stringify({ ...GOOD, id: 'other' }));
    expect(caught(() => loadBenchmark(dir)).field).toBe('id');
  });

  it('names invalid JSON and a missing hidden test file', () => {
    const broken = benchmarkWith(GOOD);
    writeFileSync(join(broken, 'one', 'task.json'), '{ "id": ');
    expect(caught(() => loadBenchmark(broken)).message).toMatch(/task\.json: not valid JSON/);
    const dir = mkdtempSync(join(tmpdir(), 'ouro-bench-'));
    mkdirSync(join(dir, 'one', 'reference'), { recursive: true });
    writeFileSync(join(dir, 'one', 'task.json'), JSON.stringify(GOOD));
    writeFileSync(join(dir, 'one', 'statement.md'), '# T');
    writeFileSync(join(dir, 'one', 'solution.js'), '');
    const error = caught(() => loadBenchmark(dir));
    expect(error.code).toBe('config-missing');
    expect(error.file).toMatch(/one[\\/]tests\.js$/);
  });

  it('refuses a folder with no tasks', () => {
    expect(caught(() => loadBenchmark(mkdtempSync(join(tmpdir(), 'ouro-bench-')))).code).toBe('config-missing');
  });
});

describe('importExercises', () => {
  it('reads the common exercise layout into tasks', () => {
    const tasks = importExercises(FIXTURES, { sets: ['imported'], idPrefix: 'ex-' });
    expect(tasks.map((task) => task.id)).toEqual(['ex-leap-check', 'ex-vowel-tally', 'ex-word-reverse']);
    const leap = tasks[0]!;
    expect(leap.entry).toBe('leap-check.js');
    expect(leap.statement).toContain('divides by 4');
    expect(leap.statement).toContain('year must be an integer');
    expect(leap.tests).toContain("from './leap-check'");
    expect(leap.reference['leap-check.js']).toContain('year % 400');
    expect(leap.stub['leap-check.js']).toContain('Remove this line');
    expect(leap.sets).toEqual(['imported']);
    expect(tasks[2]!.reference['word-reverse.js']).toContain('reverse()'); // found through the .meta/example.js fallback
  });

  it('names the missing spec file of an exercise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-exercises-'));
    mkdirSync(join(dir, 'no-spec', '.docs'), { recursive: true });
    mkdirSync(join(dir, 'no-spec', '.meta'));
    writeFileSync(join(dir, 'no-spec', '.docs', 'instructions.md'), '# Instructions');
    writeFileSync(join(dir, 'no-spec', 'no-spec.js'), 'export const f = () => 1;');
    writeFileSync(join(dir, 'no-spec', '.meta', 'proof.ci.js'), 'export const f = () => 2;');
    const error = caught(() => importExercises(dir));
    expect(error.code).toBe('config-missing');
    expect(error.file).toMatch(/no-spec[\\/]no-spec\.spec\.js$/);
    expect(error.message).toContain('exercise no-spec');
  });

  it('names a missing reference and a folder without exercises', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-exercises-'));
    mkdirSync(join(dir, 'bare', '.docs'), { recursive: true });
    writeFileSync(join(dir, 'bare', '.docs', 'instructions.md'), '# Instructions');
    writeFileSync(join(dir, 'bare', 'bare.js'), '');
    writeFileSync(join(dir, 'bare', 'bare.spec.js'), '');
    expect(caught(() => importExercises(dir)).message).toMatch(/no reference solution/);
    expect(caught(() => importExercises(mkdtempSync(join(tmpdir(), 'ouro-exercises-')))).code).toBe('config-missing');
  });
});
