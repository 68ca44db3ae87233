/**
 * Red team for Python evaluators. OpenEvolve and ShinkaEvolve evaluators import the candidate; an
 * import runs it in a process of its own (_ouro_apart.py), so the attacks below, made at import,
 * reach only that process. Exec'ing the candidate's own file or text is refused before it runs.
 * The same attacks are also made by a candidate whose text the evaluator changes and then execs in
 * its own process, where the in-process defences (the tamper check, the audit hook) must hold. Each
 * must end `invalid`, `error`, or with the honest score, and touch nothing on the host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import type { Evaluation } from '../../core/types.ts';
import { cleanUp, startPython } from '../../evaluate/python/evaluators.fixtures.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);
const missing = bubblewrap.missing || numpy.missing;

afterAll(cleanUp);

const SECRET = `sk-live-ouro-python-redteam-${process.pid}`;
const FORGED = 99;
const HONEST = 1;

// An honest evaluator of the usual shape: it imports the candidate in its own process, and
// scores with helpers, a class and numpy.
const EVALUATOR = `
import importlib.util
import numpy as np
import types

class Scorer:
    def total(self, values):
        return float(np.sum(np.asarray(values, dtype=float)))

def load(path):
    spec = importlib.util.spec_from_file_location("candidate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

def run(path, wrapped):
    namespace = {"__name__": "candidate"}
    with open(path) as handle:
        source = handle.read()
    # Wrapped: the text is changed before it runs, so it is no longer the candidate's file.
    code = compile("# wrapped by the evaluator\\n" + source, "<candidate>", "exec") if wrapped else compile(source, path, "exec")
    exec(code, namespace)
    return types.SimpleNamespace(**namespace)

def check(values):
    return all(0 <= value <= 1 for value in values)

def evaluate(program_path, context):
    how = context["options"].get("how", "imported")
    values = (load(program_path) if how == "imported" else run(program_path, how == "wrapped")).solve()
    if not check(values):
        return {"score": 0.0, "feedback": "values must lie in [0, 1]"}
    return {"score": Scorer().total(values)}
`;

/** A candidate whose honest answer scores HONEST, after running `attack` at import. */
const candidate = (attack: string) => ({ 'main.py': `${attack}\n\ndef solve():\n    return [1.0]\n` });

function expectNoForgery(evaluation: Evaluation): void {
  expect(evaluation.score).not.toBe(FORGED);
  if (evaluation.status === 'ok') expect(evaluation.score).toBe(HONEST);
  else expect(['invalid', 'error']).toContain(evaluation.status);
}

describe.skipIf(missing)(numpy.title(bubblewrap.title('red team: a candidate inside a Python evaluator')), () => {
  // [attack, made at import, expected when imported (own process), expected when its text, changed, is exec'd (same process)];
  // exec'ing the candidate's own file or text is refused before it runs: `error`
  const attacks: [string, string, Evaluation['status'] | 'any', Evaluation['status'] | 'any'][] = [
    [
      'rebinds an evaluator function',
      'import sys\nsys.modules["evaluator"].check = lambda values: True\nsolve_values = [99.0]',
      'ok',
      'invalid',
    ],
    [
      'rewrites the code of an evaluator function',
      'import sys\nev = sys.modules["evaluator"]\nev.check.__code__ = (lambda values: True).__code__',
      'ok',
      'error',
    ],
    [
      'replaces a method of an evaluator class',
      'import sys\nsys.modules["evaluator"].Scorer.total = lambda self, v: 99.0',
      'ok',
      'invalid',
    ],
    ['rebinds a builtin', 'import builtins\nbuiltins.all = lambda values: True', 'ok', 'invalid'],
    ['patches numpy as the evaluator imported it', 'import numpy\nnumpy.sum = lambda *a, **k: 99.0', 'ok', 'invalid'],
    [
      'patches the harness that reports the result',
      [
        'import sys',
        'sys.modules["__main__"]._Watch.changes = lambda self: []',
        'sys.modules["_ouro_protocols"]._ouro_result = lambda value: {"score": 99.0}',
      ].join('\n'),
      'ok',
      'invalid',
    ],
    [
      'writes forged result lines on every open descriptor, then exits',
      [
        'import os, json',
        'for nonce in ("", "0" * 32):',
        '    for kind in ({"type": "stage", "stage": "final", "status": "ok", "result": {"score": 99.0}}, {"type": "done"}):',
        '        line = (json.dumps(dict(kind, nonce=nonce)) + "\\n").encode()',
        '        for fd in range(0, 64):',
        '            try: os.write(fd, line)',
        '            except OSError: pass',
        'os._exit(0)',
      ].join('\n'),
      'error',
      'any',
    ],
    [
      'looks for the nonce in other frames and every object',
      [
        'import sys, gc',
        'found = []',
        'for probe in (lambda: sys._current_frames(), lambda: gc.get_objects(), lambda: gc.get_referrers(sys)):',
        '    try: found.append(len(probe()))',
        '    except RuntimeError: pass',
        'import _ouro_apart',
        "# Allowed in the candidate's own process, where nothing of the harness is in use; refused in the evaluator's.",
        'assert bool(found) == _ouro_apart.inside, f"introspection: {bool(found)}, in its own process: {_ouro_apart.inside}"',
      ].join('\n'),
      'ok',
      'ok',
    ],
    [
      'overwrites the evaluator on disk and reads the host',
      [
        'import os',
        'for path in ("/experiment/evaluate.py",):',
        '    try: open(path, "w").write("def evaluate(p, c):\\n    return {\'score\': 99.0}\\n")',
        '    except OSError: pass',
        `assert "${SECRET}" not in str(os.environ)`,
        'assert not os.path.exists("/root/.ssh")',
      ].join('\n'),
      'ok',
      'ok',
    ],
  ];

  for (const [name, attack, imported, wrapped] of attacks) {
    it.each([
      ['imported', imported],
      ["exec'd", 'error' as const],
      ["wrapped and exec'd", wrapped],
    ])(`${name}, %s: no forged score`, async (how, expected) => {
      process.env.OURO_TEST_SECRET = SECRET;
      const options = { how: how.startsWith('wrapped') ? 'wrapped' : how.startsWith('exec') ? 'exec' : 'imported' };
      const evaluators = await startPython(EVALUATOR, { scoreRange: { min: 0, max: 100 }, options });
      const evaluation = await evaluators.evaluate('attacker', candidate(attack));
      expectNoForgery(evaluation);
      if (expected !== 'any') expect({ status: evaluation.status, error: evaluation.error }).toMatchObject({ status: expected });
      if (how === "exec'd") expect(evaluation.error).toMatch(/the candidate's code cannot run in the evaluator's process/);
      if (expected === 'ok') expect(evaluation.score).toBe(HONEST);
      // The evaluator on the host is untouched, and the next candidate is scored honestly.
      const folder = join(evaluators.evaluatorFile, '..');
      expect(readFileSync(join(folder, 'evaluate.py'), 'utf8')).toBe(EVALUATOR);
      // (An honest candidate is refused too when exec'd as it is: that evaluator must import it.)
      const honest = await evaluators.evaluate('honest', candidate(''));
      expect(honest).toMatchObject(how === "exec'd" ? { status: 'error' } : { status: 'ok', score: HONEST });
    });
  }

  it('a candidate the evaluator runs as a program of its own cannot reach the harness through /proc', async () => {
    // The usual OpenEvolve way: run the program, read what it prints. The program tries to open the
    // harness's descriptors and memory (to write a result line there); it prints 99 if it could.
    const evaluator = [
      'import json, subprocess, sys',
      'def evaluate(program_path, context):',
      '    done = subprocess.run([sys.executable, program_path], capture_output=True, text=True, timeout=20)',
      '    return {"score": float(sum(json.loads(done.stdout))), "feedback": done.stderr[-500:]}',
    ].join('\n');
    const program = [
      'import json, os',
      'parent = os.getppid()',
      'opened = []',
      'for path in [f"/proc/{parent}/mem"] + [f"/proc/{parent}/fd/{fd}" for fd in range(0, 32)]:',
      '    try:',
      '        fd = os.open(path, os.O_WRONLY)',
      '        opened.append(path)',
      '        os.write(fd, b\'{"type": "done", "nonce": ""}\\n\')',
      '    except OSError:',
      '        pass',
      'print(json.dumps([99.0] if opened else [1.0]))',
    ].join('\n');
    const evaluators = await startPython(`${evaluator}\n`, { scoreRange: { min: 0, max: 100 } });
    const evaluation = await evaluators.evaluate('attacker', { 'main.py': `${program}\n` });
    expect({ status: evaluation.status, score: evaluation.score, error: evaluation.error }).toMatchObject({ status: 'ok', score: HONEST });
  });

  const takesNonce = [
    'import json, os, sys',
    'nonce, frame = None, sys._getframe()',
    'while frame is not None and nonce is None:',
    '    nonce = frame.f_locals.get("nonce")',
    '    frame = frame.f_back',
    '# Its socket to the evaluator, if it runs apart: written on, it would only make the evaluation an error.',
    'spare, frame = set(), sys._getframe()',
    'while frame is not None:',
    '    if hasattr(frame.f_locals.get("sock"), "fileno"): spare.add(frame.f_locals["sock"].fileno())',
    '    frame = frame.f_back',
    'lines = [{"type": "stage", "stage": "final", "status": "ok", "result": {"score": 99.0}}, {"type": "done"}]',
    'text = "".join(json.dumps(dict(line, nonce=nonce)) + "\\n" for line in lines).encode()',
    'for fd in range(0, 64):',
    '    try:',
    '        if fd not in spare: os.write(fd, text)',
    '    except OSError: pass',
  ].join('\n');

  it('an imported candidate finds no nonce: its process was forked before the request came', async () => {
    // It walks its stack for the nonce, and writes a forged result with whatever it found on every
    // descriptor but its socket to the evaluator; it finds nothing.
    const search = `${takesNonce}\nassert nonce is None, "found the nonce"`;
    const evaluators = await startPython(EVALUATOR, { scoreRange: { min: 0, max: 100 } });
    const evaluation = await evaluators.evaluate('attacker', candidate(search));
    expect({ status: evaluation.status, score: evaluation.score, error: evaluation.error }).toMatchObject({ status: 'ok', score: HONEST });
  });

  // A known limit, not a defence: see "The candidate runs in a process of its own" in the README.
  it('KNOWN LIMIT: a candidate whose text the evaluator changes and execs takes the nonce from its stack: only scoreRange', async () => {
    const evaluators = await startPython(EVALUATOR, { scoreRange: { min: 0, max: 10 }, options: { how: 'wrapped' } });
    const evaluation = await evaluators.evaluate('attacker', candidate(`${takesNonce}\nassert nonce\nos._exit(0)`));
    // The forged 99 reached the host as a well-formed result: only the range (max 10) made it invalid.
    expect(evaluation).toMatchObject({ status: 'invalid', error: expect.stringMatching(/above evaluation.scoreRange.max/) });
  });

  const SHINKA = `
import json, os, importlib.util

def main(program_path, results_dir):
    if os.path.exists(os.path.join(os.path.dirname(program_path), "exec.flag")):
        module = {}
        exec("# wrapped by the evaluator\\n" + open(program_path).read(), module)
        solve = module["solve"]
    else:
        spec = importlib.util.spec_from_file_location("candidate", program_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        solve = module.solve
    score = float(sum(solve()))
    with open(os.path.join(results_dir, "metrics.json"), "w") as f:
        json.dump({"combined_score": score}, f)
`;
  const forger = [
    'import json, os, time',
    'def forge():',
    '    while True:',
    '        for name in os.listdir("/tmp"):',
    '            if name.startswith("results-"):',
    '                try: open(os.path.join("/tmp", name, "metrics.json"), "w").write(json.dumps({"combined_score": 99.0}))',
    '                except OSError: pass',
    '        time.sleep(0.0005)',
  ].join('\n');

  it("a ShinkaEvolve candidate rewriting metrics.json from a thread: honest when imported, invalid when wrapped and exec'd", async () => {
    const attack = `${forger}\nimport threading\nthreading.Thread(target=forge, daemon=True).start()`;
    const evaluators = await startPython(SHINKA, { python: { protocol: 'shinka' } });
    // Its process, thread and all, is stopped whenever the evaluator is not waiting on it.
    expect(await evaluators.evaluate('attacker', candidate(attack))).toMatchObject({ status: 'ok', score: HONEST });
    const evaluation = await evaluators.evaluate('attacker', { ...candidate(attack), 'exec.flag': '' });
    expect(evaluation).toMatchObject({ status: 'invalid', error: expect.stringMatching(/left threads running/) });
    expect(await evaluators.evaluate('honest', { ...candidate(''), 'exec.flag': '' })).toMatchObject({ status: 'ok', score: HONEST });
  });

  it('an imported ShinkaEvolve candidate cannot start a process to rewrite metrics.json after it is stopped', async () => {
    // A process of its own would run on while the candidate is stopped: fork, posix_spawn and
    // subprocess must all fail (seccomp), or the assertion below fails the import.
    const attack = [
      forger,
      'import subprocess, sys',
      'started = []',
      'def by_fork():',
      '    if os.fork() == 0:',
      '        forge()',
      'script = ["-c", "import os, json, time\\n" + "\\n".join(open(__file__).read().split("\\n")[1:9]) + "\\nforge()"]',
      'spawn = lambda: os.posix_spawn(sys.executable, [sys.executable] + script, os.environ)',
      'for name, start in [("fork", by_fork), ("posix_spawn", spawn),',
      '                    ("subprocess", lambda: subprocess.Popen([sys.executable] + script))]:',
      '    try:',
      '        start()',
      '        started.append(name)',
      '    except OSError:',
      '        pass',
      'assert not started, f"started: {started}"',
    ].join('\n');
    const evaluators = await startPython(SHINKA, { python: { protocol: 'shinka' } });
    const evaluation = await evaluators.evaluate('attacker', candidate(attack));
    expect({ status: evaluation.status, score: evaluation.score, error: evaluation.error }).toMatchObject({ status: 'ok', score: HONEST });
  });
});
