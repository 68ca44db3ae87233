import { describe, expect, it } from 'vitest';
import type { GradeResult } from '../src/agents/coding-bench/grade.ts';
import { SandboxError } from '../src/core/sandbox.ts';
import type { GeneratedTask } from '../src/tasks/types.ts';
import {
  escapeInOutput,
  exportedNames,
  findEscape,
  findNondeterminism,
  KeptIndex,
  perturbations,
  sameAnswer,
  trivialSource,
  validateTask,
} from '../src/tasks/validate/index.ts';
import { type PlantedTask, plantedTasks } from '../src/testing/broken-tasks.ts';
import { ouroErrorOf } from './support/ouro-error.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const planted = plantedTasks();
const byName = (name: string) => planted.find((entry) => entry.name === name)!;
const isCode = (task: GeneratedTask) => task.code !== undefined;
const title = (entry: PlantedTask) => (entry.reason === undefined ? `keeps ${entry.name}` : `rejects ${entry.name} as ${entry.reason}`);

describe('static scans', () => {
  it('reads every form of export', () => {
    const source = `export function a() {}\nexport async function b() {}\nexport const c = 1;\nexport class D {}\n
const e = 1, f = 2;\nexport { e, f as g };\n// export const commented = 1;\nexport default a;\n`;
    expect(exportedNames(source)).toEqual(['a', 'b', 'c', 'D', 'e', 'g', 'default']);
    expect(trivialSource(['a', 'default'], 'return 0;')).toBe(
      'export function a(...args) {\n  return 0;\n}\nexport default function(...args) {\n  return 0;\n}\n',
    );
  });

  it('finds clocks and random sources, with their line, and not in comments or fixed dates', () => {
    expect(findNondeterminism('const a = 1;\nconst b = Math.random();')).toEqual({ what: 'Math.random (a random source)', line: 2 });
    expect(findNondeterminism('const t = new Date();')?.what).toBe('new Date() (the clock)');
    expect(findNondeterminism("import { randomUUID } from 'node:crypto';\nrandomUUID();")?.line).toBe(2);
    expect(findNondeterminism('process.hrtime.bigint()')?.what).toContain('process');
    expect(findNondeterminism('// Math.random is not used\nconst day = new Date(2020, 0, 1).getDay();')).toBeUndefined();
  });

  it('finds network, process, environment and outside-file access, and lets local files and test names be', () => {
    expect(findEscape("import http from 'node:http';")?.what).toBe('an import of node:http (the network or other processes)');
    expect(findEscape("const { exec } = await import('child_process');")?.what).toContain('child_process');
    expect(findEscape('await fetch(url)')?.what).toBe('fetch (the network)');
    expect(findEscape('const key = process.env.KEY;')?.what).toContain('process.env');
    expect(findEscape("import { readFileSync } from 'node:fs';\nreadFileSync('../secret')")?.line).toBe(2);
    expect(findEscape("import fs from 'fs';\nfs.readFileSync('/etc/passwd')")?.what).toContain('/etc/passwd');
    expect(findEscape("import fs from 'fs';\nfs.readFileSync('./data.txt'); 'a/b'.split('/');")).toBeUndefined();
    expect(findEscape("test('net', () => cache.fetch('key'));")).toBeUndefined();
    expect(escapeInOutput('FAIL x: Access to this API has been restricted')).toBeDefined();
    expect(escapeInOutput('FAIL x: connect ECONNREFUSED 127.0.0.1:80')).toBe('ECONNREFUSED');
    expect(escapeInOutput('FAIL agrees with the service: fetch failed')).toBe('fetch failed');
    expect(escapeInOutput('4 of 4 tests passed.')).toBeUndefined();
  });

  it('compares answers numerically within 1e-9, else as text', () => {
    expect(sameAnswer(80, '80.0')).toBe(true);
    expect(sameAnswer(0.1 + 0.2, '0.3')).toBe(true);
    expect(sameAnswer(391, '392')).toBe(false);
    expect(sameAnswer('Hello  World', ' hello world')).toBe(true);
    expect(sameAnswer([1, 2], '[1,2]')).toBe(true);
  });

  it('perturbs numbers, strings and arrays, keeping only changes', () => {
    expect(perturbations([[1, 2], 'a'])).toEqual([
      { how: 'numbers + 1', args: [[2, 3], 'a'] },
      { how: "strings + 'x'", args: [[1, 2], 'ax'] },
      { how: 'arrays reversed', args: [[2, 1], 'a'] },
      { how: 'numbers doubled', args: [[5, 7], 'a'] },
      { how: 'last array item dropped', args: [[1], 'a'] },
    ]);
    // A symmetric function of its input still shows it reads it: doubling changes a sum of even squares.
    expect(perturbations([[1, 2, 3, 4]]).map((entry) => entry.how)).toContain('numbers doubled');
    expect(perturbations([])).toEqual([]);
  });
});

describe('duplicates', () => {
  it('finds exact duplicates by content, whatever the id and whitespace, and near-duplicates by similarity', () => {
    const good = byName('good-code').task;
    const kept = new KeptIndex([good]);
    expect(kept.has({ ...good, id: 'other', statement: `${good.statement}\n\n` })).toBe(true);
    expect(kept.duplicateOf(byName('duplicate').task)).toBe(good.id);
    const near = kept.nearest(byName('near-duplicate').task);
    expect(near?.id).toBe(good.id);
    expect(near?.similarity).toBeGreaterThanOrEqual(0.9);
    expect(near?.similarity).toBeLessThan(1);
    expect(kept.nearest(byName('failing-reference').task)).toBeUndefined();
  });
});

describe('tasks rejected before any sandbox run', () => {
  const early = planted.filter(
    (entry) =>
      ['duplicate', 'near-duplicate', 'unparseable', 'nondeterministic', 'escapes-sandbox'].includes(entry.reason ?? '') &&
      !['escape-at-run-time', 'network-at-run-time', 'hidden-random-answer'].includes(entry.name),
  );
  // A grader that fails the test: none of these tasks may reach it.
  const grade = async (): Promise<GradeResult> => {
    throw new Error('graded a task that the static checks should have rejected');
  };
  for (const entry of early.filter((candidate) => isCode(candidate.task))) {
    it(`rejects ${entry.name} as ${entry.reason}`, async () => {
      const validation = await validateTask(entry.task, new KeptIndex(entry.kept), { grade });
      expect({ reason: validation.reason, detail: validation.detail }).toMatchObject({ reason: entry.reason });
      expect(validation.checks.map((check) => check.check)).not.toContain('reference');
    });
  }
});

describe('answer and triple tasks in the isolate', () => {
  for (const entry of planted.filter((candidate) => !isCode(candidate.task))) {
    it(title(entry), async () => {
      const validation = await validateTask(entry.task, new KeptIndex(entry.kept));
      expect({ kept: validation.kept, reason: validation.reason, detail: validation.detail }).toMatchObject({
        kept: entry.reason === undefined,
        reason: entry.reason,
      });
      expect(validation.checks.every((check) => check.durationMs >= 0)).toBe(true);
    });
  }

  it('names the computed and the stated value of a mismatch, and the perturbations of a triple that ignores its input', async () => {
    const mismatch = await validateTask(byName('answer-mismatch').task, new KeptIndex());
    expect(mismatch.detail).toBe('answer: the program computes 391 but the task states "392"');
    const ignores = await validateTask(byName('triple-ignores-input').task, new KeptIndex());
    expect(ignores.detail).toContain("numbers + 1, strings + 'x', numbers doubled");
  });
});

describe('a task that breaks a check', () => {
  it('becomes a rejection, not a crash, when reading the task throws', async () => {
    const good = byName('good-code').task;
    let reads = 0;
    const code = { ...good.code! };
    Object.defineProperty(code, 'tests', {
      enumerable: true,
      get: () => {
        reads += 1;
        if (reads > 1) throw new Error('the tests vanished');
        return good.code!.tests;
      },
    });
    const validation = await validateTask({ ...good, code }, new KeptIndex());
    // The shape check reads the tests once; the duplicate check's read throws.
    expect(validation).toMatchObject({ kept: false, reason: 'duplicate' });
    expect(validation.detail).toBe('duplicate: the duplicate check crashed: the tests vanished');
  });

  it('becomes a rejection when the grader crashes, and lets a missing sandbox through', async () => {
    const task = byName('good-code').task;
    const crashing = await validateTask(task, new KeptIndex(), {
      grade: async () => {
        throw new Error('bwrap: segmentation fault');
      },
    });
    expect(crashing).toMatchObject({ kept: false, reason: 'reference-fails' });
    expect(crashing.detail).toBe('reference: the grading crashed: bwrap: segmentation fault');
    const malformed = await validateTask(task, new KeptIndex(), { grade: async () => ({ status: 'resolved' }) as GradeResult });
    expect(malformed.kept).toBe(false);
    expect(malformed.detail).toContain("the grading's result could not be read");
    const missing = validateTask(task, new KeptIndex(), {
      grade: async () => {
        throw new SandboxError('unavailable', 'bubblewrap is not installed');
      },
    });
    await expect(missing).rejects.toThrow('bubblewrap is not installed');
  });

  it('throws for bad options, naming the field', async () => {
    const error = await validateTask(byName('good-code').task, new KeptIndex(), { concurrency: 0 }).catch((caught: unknown) => caught);
    expect(
      ouroErrorOf(() => {
        throw error;
      }),
    ).toMatchObject({ code: 'option-invalid', field: 'concurrency' });
  });
});

describe.skipIf(bubblewrap.missing)(bubblewrap.title('coding tasks graded in bubblewrap (apt-get install -y bubblewrap)'), () => {
  for (const entry of planted.filter((candidate) => isCode(candidate.task))) {
    it(title(entry), async () => {
      const validation = await validateTask(entry.task, new KeptIndex(entry.kept));
      expect({ kept: validation.kept, reason: validation.reason, detail: validation.detail }).toMatchObject({
        kept: entry.reason === undefined,
        reason: entry.reason,
      });
    }, 60_000);
  }

  it('records every check of a kept coding task, in order, with durations', async () => {
    const validation = await validateTask(byName('good-code').task, new KeptIndex(), { concurrency: 2 });
    expect(validation.checks.map((check) => check.check)).toEqual([
      'shape',
      'duplicate',
      'near-duplicate',
      'exports',
      'escape',
      'determinism',
      'reference',
      'repeat',
      'stub',
      'trivial:identity',
      'trivial:zero',
      'trivial:empty',
    ]);
    expect(validation.checks.every((check) => check.passed && check.durationMs >= 0)).toBe(true);
    expect(validation.checks.find((check) => check.check === 'reference')?.durationMs).toBeGreaterThan(0);
  }, 60_000);

  it('names the test a failing reference fails, and the trivial solution that passes', async () => {
    const failing = await validateTask(byName('failing-reference').task, new KeptIndex());
    expect(failing.detail).toContain('FAIL one to four');
    const trivial = await validateTask(byName('trivial-tests').task, new KeptIndex());
    expect(trivial.detail).toBe('trivial:identity: a solution whose isEven only returns its first argument passes all 2 tests');
  }, 60_000);
});
