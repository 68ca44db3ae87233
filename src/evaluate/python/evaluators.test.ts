import { afterAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import { RUNS_SOLVE, cleanUp, startPython } from './evaluators.fixtures.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);
const missing = bubblewrap.missing || numpy.missing;
const title = (name: string) => numpy.title(bubblewrap.title(name));

afterAll(cleanUp);

const solve = (body: string) => `def solve():\n${body.replace(/^/gm, '    ')}\n`;

describe.skipIf(missing)(title('Python evaluators (ouro protocol)'), () => {
  it('returns score, metrics, private metrics, features, instances, feedback and artifacts, with numpy and scipy', async () => {
    const evaluators = await startPython(`
import numpy as np
from scipy.optimize import minimize_scalar

def evaluate(program_path, context):
    source = open(program_path).read()
    best = minimize_scalar(lambda x: (x - 2.0) ** 2).x
    return {
        "score": np.float64(0.75),
        "metrics": {"lines": len(source.splitlines()), "root": round(best, 6)},
        "private_metrics": {"held_out": 0.5},
        "features": {"length": float(len(source))},
        "instances": {"a": 1.0, "b": np.float32(0.5)},
        "feedback": "stage " + context["stage"] + ", option " + str(context["options"]["answer"]),
        "artifacts": {"array": np.arange(3), "raw": b"bytes"},
    }
`);
    const evaluation = await evaluators.evaluate('c1', { 'main.py': 'x = 1\ny = 2\n' });
    expect(evaluation).toMatchObject({
      status: 'ok',
      score: 0.75,
      stage: 'final',
      metrics: { lines: 2, root: 2 },
      privateMetrics: { held_out: 0.5 },
      features: { length: 12 },
      instances: { a: 1, b: 0.5 },
      feedback: 'stage final, option 42',
      artifacts: { array: [0, 1, 2], raw: 'bytes' },
    });
  });

  it('runs cascade stages and stops at the first one under its threshold', async () => {
    const evaluators = await startPython(`
def quick(program_path):
    return {"score": float(open(program_path).read().count("good"))}

STAGES = [{"name": "quick", "evaluate": quick, "threshold": 1}]

def evaluate(program_path, context):
    return {"score": 10.0}
`);
    expect(evaluators.stages).toEqual(['quick', 'final']);
    expect(await evaluators.evaluate('c1', { 'p.py': 'bad' })).toMatchObject({ status: 'ok', score: 0, stage: 'quick' });
    expect(await evaluators.evaluate('c2', { 'p.py': 'good' })).toMatchObject({ status: 'ok', score: 10, stage: 'final' });
  });

  it('turns every fault into an Evaluation: exception, exit, crash, timeout, memory', async () => {
    const evaluators = await startPython(RUNS_SOLVE, { timeoutMs: 2000, memoryMb: 256 });
    const cases: [string, string, string, RegExp][] = [
      ['throws', solve('raise ValueError("no solution here")'), 'error', /ValueError: no solution here/],
      ['exits', solve('import sys\nsys.exit(3)'), 'error', /SystemExit: 3/],
      ['leaves', solve('import os\nos._exit(0)'), 'error', /candidate's process exited with code 0 before it answered/],
      ['crashes', solve('import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)'), 'error', /SIGSEGV/],
      ['sleeps', solve('import time\ntime.sleep(30)'), 'timeout', /timed out after 2000 ms/],
      ['hoards', solve('import numpy as np\nreturn np.ones(10**9)'), 'error', /MemoryError|memory/],
    ];
    for (const [name, program, status, error] of cases) {
      const evaluation = await evaluators.evaluate(name, { 'main.py': program });
      expect({ name, status: evaluation.status }).toEqual({ name, status });
      expect(evaluation.error).toMatch(error);
    }
    // The evaluator is still fine for the next candidate.
    expect(await evaluators.evaluate('ok', { 'main.py': solve('return [1, 2, 3.5]') })).toMatchObject({ status: 'ok', score: 6.5 });
  });

  it('checks the result in the host: malformed results and scores outside scoreRange are invalid', async () => {
    const evaluators = await startPython(
      `
def evaluate(program_path, context):
    text = open(program_path).read().strip()
    if text == "list":
        return [1.0]
    if text == "string":
        return {"score": "high"}
    if text == "nan":
        return {"score": float("nan")}
    return {"score": float(text)}
`,
      { scoreRange: { min: 0, max: 1 } },
    );
    const of = async (text: string) => evaluators.evaluate(text, { 'p.txt': text });
    expect(await of('list')).toMatchObject({ status: 'invalid', error: expect.stringMatching(/returned a list, expected a dict/) });
    expect(await of('string')).toMatchObject({ status: 'invalid', error: expect.stringMatching(/score is a string/) });
    expect(await of('nan')).toMatchObject({ status: 'invalid' });
    expect(await of('1e9')).toMatchObject({ status: 'invalid', error: expect.stringMatching(/above evaluation.scoreRange.max/) });
    expect(await of('0.5')).toMatchObject({ status: 'ok', score: 0.5 });
  });

  it('never hands a sandbox to two candidates: files, /tmp and module state start fresh', async () => {
    const evaluators = await startPython(
      `
import os
SEEN = []

def evaluate(program_path, context):
    SEEN.append(context["candidate_id"])
    leftovers = [name for name in ("/tmp/left-behind", os.path.join(context["genome_dir"], "left-behind")) if os.path.exists(name)]
    open("/tmp/left-behind", "w").write("x")
    open("left-behind", "w").write("x")
    return {"score": float(len(SEEN) + len(leftovers))}
`,
      { concurrency: 2 },
    );
    for (let index = 0; index < 4; index++) {
      expect(await evaluators.evaluate(`c${index}`, { 'p.py': '' })).toMatchObject({ status: 'ok', score: 1 });
    }
  });
});

describe.skipIf(missing)(title('Python evaluators: bad input'), () => {
  it('names the file and the function expected when the evaluator lacks it', async () => {
    await expect(startPython('def score(path):\n    return {"score": 1}\n')).rejects.toThrow(
      /evaluate\.py: evaluate is not defined; expected evaluate\(program_path, context\)/,
    );
    await expect(startPython('x = 1\n', { python: { protocol: 'shinka' } })).rejects.toThrow(
      /main is not defined; expected main\(program_path, results_dir\)/,
    );
  });

  it('reports an import the sandbox lacks with ModuleNotFoundError and the --python hint', async () => {
    await expect(startPython('import no_such_module_ouro\n')).rejects.toThrow(/ModuleNotFoundError[\s\S]*--python/);
    const evaluators = await startPython(RUNS_SOLVE);
    const evaluation = await evaluators.evaluate('c1', { 'main.py': `import no_such_module_ouro\n${solve('return [1]')}` });
    expect(evaluation.status).toBe('error');
    expect(evaluation.error).toMatch(/No module named 'no_such_module_ouro'[\s\S]*--python/);
  });

  it('names the interpreter that does not exist', async () => {
    await expect(startPython(RUNS_SOLVE, { python: { protocol: 'ouro', interpreter: '/nonexistent/venv/bin/python' } })).rejects.toThrow(
      /Python interpreter not found: \/nonexistent\/venv\/bin\/python does not exist.*--python/,
    );
  });
});
