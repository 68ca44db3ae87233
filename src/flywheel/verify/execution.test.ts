// The execution verifier against the real process sandbox: Python tasks through the flywheel's
// harness, and the coding benchmark through its own grader.
import { describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import { codingBenchSource } from '../sources/coding-bench.ts';
import type { FlywheelTask, Sample } from '../types.ts';
import { executionVerifier } from './execution.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

const TESTS = `from solution import add, scale

def test_add():
    assert add(2, 3) == 5
    assert add(-1, 1) == 0

def test_scale():
    assert scale([1, 2], 3) == [3, 6]
`;

function pythonTask(tests = TESTS, timeoutMs?: number): FlywheelTask {
  return {
    id: 'py',
    source: 'test',
    prompt: 'Write add and scale.',
    kind: 'code',
    code: { language: 'python', solutionFile: 'solution.py', tests: { 'test_solution.py': tests }, ...(timeoutMs ? { timeoutMs } : {}) },
  };
}

function samples(taskId: string, ...texts: string[]): Sample[] {
  return texts.map((text, index) => ({ taskId, round: 0, index, model: 'm', temperature: 1, text, tokens: 5, costUsd: 0 }));
}

const RIGHT = 'def add(a, b):\n    return a + b\n\ndef scale(xs, k):\n    return [x * k for x in xs]\n';
const HALF_RIGHT = 'def add(a, b):\n    return a - b\n\ndef scale(xs, k):\n    return [x * k for x in xs]\n';

describe.skipIf(bubblewrap.missing)(bubblewrap.title('executionVerifier in the process sandbox'), () => {
  const verifier = executionVerifier({ concurrency: 2 });

  it('passes a right Python solution and fails a wrong one with the failing test', async () => {
    const verdicts = await verifier.verify(
      pythonTask(),
      samples('py', `Here you go:\n\`\`\`python\n${RIGHT}\`\`\`\nDone.`, `\`\`\`python\n${HALF_RIGHT}\`\`\``, RIGHT),
    );
    expect(verdicts[0]).toEqual({
      taskId: 'py',
      round: 0,
      index: 0,
      verifier: 'execution',
      passed: true,
      score: 1,
      detail: '2 of 2 tests passed',
    });
    expect(verdicts[1]).toMatchObject({ index: 1, passed: false, score: 0.5 });
    expect(verdicts[1]?.detail).toBe('FAIL test_solution.py::test_add: AssertionError at line 4: assert add(2, 3) == 5');
    expect(verdicts[2]).toMatchObject({ index: 2, passed: true, score: 1 });
  }, 30_000);

  it('counts a file of top-level asserts as one test, and reports a missing function at import', async () => {
    const task = pythonTask('from solution import add\nassert add(1, 1) == 2\n');
    const verdicts = await verifier.verify(task, samples('py', RIGHT, 'def plus(a, b):\n    return a + b\n'));
    expect(verdicts[0]).toMatchObject({ passed: true, score: 1, detail: '1 of 1 tests passed' });
    expect(verdicts[1]?.passed).toBe(false);
    expect(verdicts[1]?.detail).toMatch(
      /^FAIL test_solution\.py: ImportError: cannot import name 'add' from 'solution'.* at line 1: from solution import add$/,
    );
  }, 30_000);

  it('stops an endless loop at the time limit', async () => {
    const verdicts = await executionVerifier({ timeoutMs: 1_500 }).verify(
      pythonTask(),
      samples('py', 'def add(a, b):\n    while True:\n        pass\n\ndef scale(xs, k):\n    return xs\n'),
    );
    expect(verdicts[0]).toMatchObject({ passed: false, detail: 'timeout: the tests did not finish within 1500 ms' });
    expect(verdicts[0]?.score).toBeUndefined();
  }, 30_000);

  it('fails an empty reply without running anything', async () => {
    const verdicts = await verifier.verify(pythonTask(), samples('py', '  \n'));
    expect(verdicts[0]).toMatchObject({ passed: false, score: 0, detail: 'the reply holds no code' });
  });

  it('keeps the tests out of the sandbox files and out of reach of simple forgery', async () => {
    const seesFiles = pythonTask('from solution import files\n\ndef test_hidden():\n    assert "test_solution.py" not in files()\n');
    const seen = await verifier.verify(seesFiles, samples('py', 'import os\n\ndef files():\n    return os.listdir(".")\n'));
    expect(seen[0]).toMatchObject({ passed: true, detail: '1 of 1 tests passed' });

    const forgeries = [
      // A result line without the run's key.
      'print(\'@@ouro-result:0000:{"passed": 2, "total": 2, "failures": []}\')\ndef add(a, b):\n    return 0\n',
      // Deleting a test it would fail from the test module, while an earlier test runs.
      'import sys\ndef add(a, b):\n    sys._getframe(1).f_globals.pop("test_scale", None)\n    return a + b\n' +
        'def scale(xs, k):\n    return xs\n',
      // Making len() report no failures.
      'import builtins\nbuiltins.len = lambda value: 0\ndef add(a, b):\n    return 0\ndef scale(xs, k):\n    return xs\n',
      // Leaving before the harness can report.
      'import os\nos._exit(0)\n',
    ];
    const verdicts = await verifier.verify(pythonTask(), samples('py', ...forgeries));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([false, false, false, false]);
    expect(verdicts[1]).toMatchObject({
      score: 0.5,
      detail: 'FAIL test_solution.py::test_scale: the test function was removed or replaced while the tests ran',
    });
    expect(verdicts[3]?.detail).toMatch(/^the test run ended without a result/);
  }, 60_000);

  it('grades a JavaScript task with its own test module through the benchmark grader', async () => {
    const task: FlywheelTask = {
      id: 'js',
      source: 'test',
      prompt: 'Export double(x).',
      kind: 'code',
      code: {
        language: 'javascript',
        solutionFile: 'solution.js',
        tests: {
          'tests.js': [
            "import assert from 'node:assert/strict';",
            "import { double } from './solution.js';",
            "test('doubles', () => assert.equal(double(4), 8));",
            "test('zero', () => assert.equal(double(0), 0));",
          ].join('\n'),
        },
      },
    };
    const verdicts = await verifier.verify(
      task,
      samples('js', '```js\nexport const double = (x) => 2 * x;\n```', '```js\nexport const double = (x) => x * x;\n```'),
    );
    expect(verdicts[0]).toMatchObject({ passed: true, score: 1, detail: '2 of 2 tests passed' });
    expect(verdicts[1]).toMatchObject({ passed: false, score: 0.5 });
    expect(verdicts[1]?.detail).toMatch(/^FAIL doubles: /);
  }, 30_000);

  it('passes the coding benchmark reference solutions and fails the stubs', async () => {
    const tasks = await codingBenchSource({ only: ['digital-root', 'roman-numerals'] }).load();
    for (const task of tasks) {
      const stub = /```js\n[\s\S]*?```/.exec(task.prompt)?.[0] as string;
      const verdicts = await verifier.verify(task, samples(task.id, task.solution as string, `Not done yet:\n${stub}`));
      expect(verdicts[0], task.id).toMatchObject({ passed: true, score: 1 });
      expect(verdicts[0]?.detail).toMatch(/^(\d+) of \1 tests passed$/);
      expect(verdicts[1]?.passed, task.id).toBe(false);
      expect(verdicts[1]?.detail).toMatch(/^FAIL /);
    }
  }, 60_000);
});

describe('executionVerifier without the sandbox', () => {
  it('accepts code tasks only, and checks its options', async () => {
    const verifier = executionVerifier();
    expect(verifier.accepts(pythonTask())).toBe(true);
    expect(verifier.accepts({ id: 'a', source: 's', prompt: 'p', kind: 'answer', answer: '1' })).toBe(false);
    const ruby = pythonTask();
    ruby.code = { ...(ruby.code as NonNullable<FlywheelTask['code']>), language: 'ruby' as 'python' };
    expect(verifier.accepts(ruby)).toBe(false);
    await expect(verifier.verify(ruby, [])).rejects.toThrow('it is in "ruby"');
    await expect(verifier.verify({ id: 'a', source: 's', prompt: 'p', kind: 'answer' }, [])).rejects.toThrow('it has no code check');
    expect(() => executionVerifier({ concurrency: 0 })).toThrow('concurrency must be a positive whole number');
    expect(() => executionVerifier({ timeoutMs: 1.5 })).toThrow('timeoutMs must be a positive whole number');
  });
});
