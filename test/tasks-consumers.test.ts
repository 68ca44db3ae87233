// The consumers of generated tasks: the flywheel (as a task source, checked by its own verifiers) and
// the coding benchmark (an exported folder that loadBenchmark reads as is and validateBenchmark passes
// in the real bubblewrap sandbox).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBenchmark, validateBenchmark } from '../src/agents/index.ts';
import { OuroError } from '../src/core/errors.ts';
import { answerVerifier, executionVerifier, type FlywheelTask, type Sample } from '../src/flywheel/index.ts';
import { BENCHMARK_NAME, generatedTasksSource, toCodingTask, toFlywheelTask } from '../src/tasks/convert.ts';
import { CARD_FILE, exportBench } from '../src/tasks/export-bench.ts';
import type { CodeTaskBody, GeneratedTask, TripleBody, Validation } from '../src/tasks/types.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

function provenance(generator: GeneratedTask['provenance']['generator']): GeneratedTask['provenance'] {
  return { generator, model: 'scripted', prompt: 'write a task', reply: '(the reply)' };
}

const RUN_LENGTH: GeneratedTask = {
  id: 'g1a2b3c4d5e6f',
  title: 'Run-length encoding',
  category: { generator: 'coding', difficulty: 'easy', topic: 'strings' },
  statement: 'Export `encode(text)`: each run of one character becomes the run length and the character, so "aaab" is "3a1b".',
  code: {
    entry: 'solution.js',
    stub: "export function encode(text) {\n  throw new Error('not implemented');\n}",
    tests: [
      "import assert from 'node:assert/strict';",
      "import { encode } from './solution.js';",
      "test('runs', () => assert.equal(encode('aaab'), '3a1b'));",
      "test('single characters', () => assert.equal(encode('abc'), '1a1b1c'));",
      "test('empty text', () => assert.equal(encode(''), ''));",
      "test('long run', () => assert.equal(encode('z'.repeat(12)), '12z'));",
    ].join('\n'),
    reference: [
      'export function encode(text) {',
      "  let out = '';",
      '  for (let i = 0; i < text.length; ) {',
      '    let j = i;',
      '    while (j < text.length && text[j] === text[i]) j++;',
      '    out += String(j - i) + text[i];',
      '    i = j;',
      '  }',
      '  return out;',
      '}',
    ].join('\n'),
  },
  provenance: provenance('coding'),
};

const MERGE_INTERVALS: GeneratedTask = {
  id: 'g9f8e7d6c5b4a',
  title: 'Merge overlapping intervals',
  category: { generator: 'coding', difficulty: 'medium', topic: 'arrays' },
  statement: 'Export `merge(intervals)`: given `[start, end]` pairs, return the union as sorted, non-overlapping pairs.',
  code: {
    entry: 'solution.js',
    stub: 'export function merge(intervals) {\n  return intervals;\n}',
    tests: [
      "import { merge } from './solution.js';",
      "describe('merge', () => {",
      "  test('overlapping', () => expect(merge([[1, 3], [2, 6], [8, 10]])).toEqual([[1, 6], [8, 10]]));",
      "  test('unsorted input', () => expect(merge([[5, 7], [1, 2]])).toEqual([[1, 2], [5, 7]]));",
      "  test('touching', () => expect(merge([[1, 4], [4, 5]])).toEqual([[1, 5]]));",
      "  test('empty', () => expect(merge([])).toEqual([]));",
      '});',
    ].join('\n'),
    reference: [
      'export function merge(intervals) {',
      '  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);',
      '  const out = [];',
      '  for (const [start, end] of sorted) {',
      '    const last = out[out.length - 1];',
      '    if (last && start <= last[1]) last[1] = Math.max(last[1], end);',
      '    else out.push([start, end]);',
      '  }',
      '  return out;',
      '}',
    ].join('\n'),
  },
  provenance: { ...provenance('ladder'), parent: 'g000000000001', depth: 1 },
};

const BAKERY: GeneratedTask = {
  id: 'g0123456789ab',
  title: 'Bakery boxes',
  category: { generator: 'math', difficulty: 'easy', topic: 'arithmetic' },
  statement: 'A baker makes 7 trays of 9 rolls and sells all but 21. How many rolls are sold?',
  answer: { value: '42', program: 'export function answer() {\n  return 7 * 9 - 21;\n}' },
  provenance: provenance('math'),
};

const DEDUCTION: GeneratedTask = {
  id: 'gaaaabbbbcccc',
  title: 'Predict the output',
  category: { generator: 'triple', difficulty: 'easy', topic: 'arrays' },
  statement: 'What does `f` return for the input below?',
  triple: {
    mode: 'deduction',
    program: 'export function f(xs) {\n  return xs.map((x) => x * 2);\n}',
    input: '[[1,2,3]]',
    output: '[2,4,6]',
  },
  provenance: provenance('triple'),
};

function sample(task: FlywheelTask, index: number, text: string): Sample {
  return { taskId: task.id, round: 0, index, model: 'scripted', temperature: 0, text, tokens: 0, costUsd: 0 };
}

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ouro-tasks-consumers-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('generated tasks as flywheel tasks', () => {
  it('turns a coding task into a code task graded by its tests, with the benchmark prompt and the reference as solution', () => {
    const task = toFlywheelTask(RUN_LENGTH);
    expect(task).toMatchObject({
      id: 'g1a2b3c4d5e6f',
      source: 'generated:coding',
      kind: 'code',
      code: { language: 'javascript', solutionFile: 'solution.js', tests: { 'tests.js': RUN_LENGTH.code?.tests } },
      tags: { generator: 'coding', difficulty: 'easy', topic: 'strings' },
    });
    expect(task.prompt).toContain(RUN_LENGTH.statement);
    expect(task.prompt).toContain("throw new Error('not implemented')");
    expect(task.solution).toBe(`\`\`\`js\n${RUN_LENGTH.code?.reference}\n\`\`\``);
  });

  it('turns a math task and a deduction triple into answer tasks; an abduction triple without tests is refused by name', () => {
    expect(toFlywheelTask(BAKERY)).toMatchObject({ kind: 'answer', answer: '42', source: 'generated:math', prompt: BAKERY.statement });
    const deduction = toFlywheelTask(DEDUCTION);
    expect(deduction).toMatchObject({ kind: 'answer', answer: '[2,4,6]', tags: { generator: 'triple', mode: 'deduction' } });
    expect(deduction.prompt).toContain('return xs.map((x) => x * 2);');
    expect(deduction.prompt).toContain('f(...[[1,2,3]])');
    const abduction: GeneratedTask = {
      ...DEDUCTION,
      id: 'gabduction001',
      triple: { ...(DEDUCTION.triple as TripleBody), mode: 'abduction' },
    };
    expect(() => toFlywheelTask(abduction)).toThrow(/gabduction001.*abduction triple needs a code body/);
  });

  it('gives benchmark ids the benchmark accepts: a slug of the title and the start of the task id', () => {
    expect(toCodingTask(RUN_LENGTH, 'x').id).toBe('run-length-encoding-g1a2b3c4');
    const odd = toCodingTask({ ...RUN_LENGTH, title: '  Résumé: Ünïcode & "quotes"!! ' }, 'x');
    expect(odd.id).toBe('resume-unicode-quotes-g1a2b3c4');
    expect(toCodingTask({ ...RUN_LENGTH, title: '***' }, 'x').id).toMatch(BENCHMARK_NAME);
    expect(() => toCodingTask(BAKERY, 'x')).toThrow(/not a coding task/);
    expect(() => toCodingTask({ ...RUN_LENGTH, code: { ...(RUN_LENGTH.code as CodeTaskBody), entry: '../x.js' } }, 'x')).toThrow(
      /code\.entry/,
    );
  });

  it('loads converted tasks through a generated source, and its checks catch a task the flywheel cannot take', async () => {
    const tasks = await generatedTasksSource('generated', async () => [RUN_LENGTH, MERGE_INTERVALS, BAKERY]).load();
    expect(tasks.map((task) => [task.id, task.kind])).toEqual([
      ['g1a2b3c4d5e6f', 'code'],
      ['g9f8e7d6c5b4a', 'code'],
      ['g0123456789ab', 'answer'],
    ]);
    const math = tasks[2] as FlywheelTask;
    const [right, wrong] = await answerVerifier({ mode: 'numeric' }).verify(math, [
      sample(math, 0, math.solution as string),
      sample(math, 1, 'Answer: 41'),
    ]);
    expect([right?.passed, wrong?.passed]).toEqual([true, false]);
    const twice = generatedTasksSource('twice', async () => [RUN_LENGTH, RUN_LENGTH]);
    await expect(twice.load()).rejects.toThrow(/generated source "twice": task 2 .*already used/);
  });
});

describe('exporting generated tasks as a coding benchmark', () => {
  const validation: Validation = {
    kept: true,
    detail: 'kept',
    checks: [{ check: 'reference', passed: true, detail: '4 of 4 tests passed', durationMs: 120 }],
  };

  it('writes the benchmark layout that loadBenchmark reads as is, with sets, a README and a card; math is skipped', () => {
    const folder = join(scratch, 'bench');
    const result = exportBench(folder, [MERGE_INTERVALS, BAKERY, RUN_LENGTH], {
      validations: { [RUN_LENGTH.id]: validation },
      attempts: { [RUN_LENGTH.id]: { taskId: RUN_LENGTH.id, model: 'solver', attempts: 8, passed: 3, passRate: 0.375 } },
    });
    expect(result).toEqual({ folder, written: ['run-length-encoding-g1a2b3c4', 'merge-overlapping-intervals-g9f8e7d6'], skipped: 1 });
    const benchmark = loadBenchmark(folder);
    expect(benchmark.tasks.map((task) => [task.id, task.difficulty, task.entry])).toEqual([
      ['run-length-encoding-g1a2b3c4', 'easy', 'solution.js'],
      ['merge-overlapping-intervals-g9f8e7d6', 'medium', 'solution.js'],
    ]);
    expect(benchmark.sets).toEqual({ small: result.written, medium: result.written, full: result.written });
    const encode = benchmark.tasks[0];
    expect(encode?.title).toBe('Run-length encoding');
    expect(encode?.statement.trim()).toBe(RUN_LENGTH.statement);
    expect(encode?.tests.trim()).toBe(RUN_LENGTH.code?.tests);
    expect(encode?.stub['solution.js']?.trim()).toBe(RUN_LENGTH.code?.stub);
    expect(encode?.reference).toEqual({ 'solution.js': `${RUN_LENGTH.code?.reference}\n` });
    const card = JSON.parse(readFileSync(join(folder, CARD_FILE), 'utf8'));
    expect(card.skipped).toBe(1);
    expect(card.tasks[0]).toMatchObject({
      id: 'run-length-encoding-g1a2b3c4',
      taskId: RUN_LENGTH.id,
      generator: 'coding',
      model: 'scripted',
      validation: { kept: true, checks: [{ check: 'reference', passed: true }] },
      attempts: { passRate: 0.375 },
    });
    expect(card.tasks[1]).toMatchObject({ generator: 'ladder', parent: 'g000000000001', depth: 1 });
    expect(card.tasks[1].validation).toBeUndefined();
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/2 JavaScript tasks[\s\S]*1 easy, 1 medium, 0 hard/);
  });

  it('refuses a folder that holds files unless forced, and a forced export replaces the earlier one', () => {
    const folder = join(scratch, 'bench');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const refused = (() => {
      try {
        exportBench(folder, [RUN_LENGTH]);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(OuroError);
    expect((refused as OuroError).message).toContain(folder);
    expect((refused as OuroError).message).toContain('--force');
    expect(existsSync(join(folder, 'run-length-encoding-g1a2b3c4'))).toBe(false);

    exportBench(folder, [RUN_LENGTH, MERGE_INTERVALS], { force: true });
    const again = exportBench(folder, [MERGE_INTERVALS], { force: true });
    expect(again.written).toEqual(['merge-overlapping-intervals-g9f8e7d6']);
    expect(loadBenchmark(folder).tasks.map((task) => task.id)).toEqual(['merge-overlapping-intervals-g9f8e7d6']);
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses an export with no coding task, naming the folder', () => {
    expect(() => exportBench(join(scratch, 'none'), [BAKERY])).toThrow(/none of the 1 task\(s\) is a coding task.*none/);
  });
});

describe.skipIf(bubblewrap.missing)(bubblewrap.title('generated tasks in the real sandbox'), () => {
  it('validateBenchmark passes the exported folder: every reference resolves, every stub fails', async () => {
    const folder = join(scratch, 'bench');
    exportBench(folder, [RUN_LENGTH, MERGE_INTERVALS, BAKERY]);
    const report = await validateBenchmark(loadBenchmark(folder), { concurrency: 2 });
    expect(report.tasks).toBe(2);
    expect(report.references.map((result) => [result.status, result.passed, result.total])).toEqual([
      ['resolved', 4, 4],
      ['resolved', 4, 4],
    ]);
    expect(report.stubs.every((result) => result.status !== 'resolved')).toBe(true);
  }, 60_000);

  it("the flywheel's execution verifier passes the reference as a reply and fails the stub", async () => {
    const tasks = await generatedTasksSource('generated', async () => [RUN_LENGTH, MERGE_INTERVALS]).load();
    const verifier = executionVerifier({ concurrency: 2 });
    for (const [task, generated] of [
      [tasks[0], RUN_LENGTH],
      [tasks[1], MERGE_INTERVALS],
    ] as const) {
      if (task === undefined) throw new Error('a task is missing');
      expect(verifier.accepts(task)).toBe(true);
      const stubReply = `Here is my attempt:\n\`\`\`js\n${generated.code?.stub}\n\`\`\``;
      const [reference, stub] = await verifier.verify(task, [sample(task, 0, `Done.\n${task.solution}`), sample(task, 1, stubReply)]);
      expect(reference).toMatchObject({ verifier: 'execution', passed: true, score: 1, detail: '4 of 4 tests passed' });
      expect(stub?.passed).toBe(false);
      expect(stub?.detail).toMatch(/^FAIL /);
    }
  }, 60_000);
});
