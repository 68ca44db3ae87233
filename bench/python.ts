// Python evaluators' overhead: one OpenEvolve-style evaluator (numpy, a small circle-packing check)
// on one candidate, timed per evaluation five ways. See BENCHMARKS.md, "Python evaluators".
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonEvaluators } from '../src/evaluate/python/evaluators.ts';
import { resolveInterpreter } from '../src/evaluate/python/interpreter.ts';
import { median } from './fixtures.ts';

export interface PythonTimes {
  /** The interpreter's version (its path stays out of BENCHMARKS.md). */
  version: string;
  /** evaluate() alone, in a warm interpreter: the evaluator's own work. */
  workMs: number;
  /** `python3 -c 'import evaluator; evaluator.evaluate(path)'`, a fresh unsandboxed process per call. */
  bareMs: number;
  /** Ouroboros, a fresh sandbox started per candidate (`evaluation.warm: false`). */
  coldMs: number;
  /** Ouroboros with a warm sandbox ready when the candidate arrives. */
  warmMs: number;
  /** Ouroboros with warm sandboxes, candidates back to back at concurrency 1 and 2: evaluations a second. */
  warmPerSecond: Record<number, number>;
  /** Inside the sandbox: importing the candidate (its own process) and one call to it, against exec'ing it in the evaluator's process. */
  calls: { importMs: number; execMs: number; apartUs: number; inProcessUs: number };
}

const EVALUATOR = `
import importlib.util
import numpy as np

def evaluate(program_path):
    spec = importlib.util.spec_from_file_location("program", program_path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    centers, radii = program.construct()
    centers, radii = np.asarray(centers, dtype=float), np.asarray(radii, dtype=float)
    inside = np.all(centers - radii[:, None] >= -1e-9) and np.all(centers + radii[:, None] <= 1 + 1e-9)
    gaps = np.linalg.norm(centers[:, None, :] - centers[None, :, :], axis=-1) - (radii[:, None] + radii[None, :])
    np.fill_diagonal(gaps, 0)
    valid = bool(inside and np.all(gaps >= -1e-9))
    return {"combined_score": float(radii.sum()) if valid else 0.0, "validity": 1.0 if valid else 0.0}
`;

const PROGRAM = `
import numpy as np
# EVOLVE-BLOCK-START
def construct():
    side = 5
    xs = (np.arange(side) + 0.5) / side
    centers = np.array([[x, y] for x in xs for y in xs])
    return centers, np.full(len(centers), 0.5 / side)
# EVOLVE-BLOCK-END
`;

// Times, in the sandbox, what running the candidate in a process of its own costs the evaluator.
const CALLS_EVALUATOR = `
import importlib.util, time

def evaluate(program_path):
    start = time.perf_counter()
    spec = importlib.util.spec_from_file_location("program", program_path)
    apart = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(apart)
    import_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    shared = {}
    # Its text, changed by a line, so that the harness lets it run in this process (see the README).
    exec(compile("# in the evaluator's process\\n" + open(program_path).read(), "<shared>", "exec"), shared)
    exec_ms = (time.perf_counter() - start) * 1000

    def per_call_us(step, count=2000):
        start = time.perf_counter()
        for index in range(count):
            step(index)
        return (time.perf_counter() - start) / count * 1e6

    return {"combined_score": 1.0, "import_ms": import_ms, "exec_ms": exec_ms,
            "apart_us": per_call_us(apart.step), "in_process_us": per_call_us(shared["step"])}
`;

async function measureCalls(python: string, folder: string, runs: number): Promise<PythonTimes['calls']> {
  writeFileSync(join(folder, 'calls.py'), CALLS_EVALUATOR);
  const evaluators = await PythonEvaluators.start({
    evaluatorFile: join(folder, 'calls.py'),
    experimentDir: folder,
    options: {},
    timeoutMs: 20_000,
    memoryMb: 512,
    concurrency: 1,
    python: { protocol: 'openevolve', interpreter: python },
  });
  const samples: Record<string, number[]> = { import_ms: [], exec_ms: [], apart_us: [], in_process_us: [] };
  try {
    for (let run = 0; run < Math.max(5, Math.floor(runs / 3)); run++) {
      const result = await evaluators.evaluate(`calls-${run}`, { 'program.py': 'def step(value):\n    return value + 1\n' });
      if (result.status !== 'ok') throw new Error(`bench evaluation failed: ${JSON.stringify(result)}`);
      for (const name of Object.keys(samples)) samples[name]?.push(result.metrics[name] ?? Number.NaN);
    }
  } finally {
    await evaluators.close();
  }
  const of = (name: string) => median(samples[name] ?? []);
  return { importMs: of('import_ms'), execMs: of('exec_ms'), apartUs: of('apart_us'), inProcessUs: of('in_process_us') };
}

export async function measurePython(runs: number): Promise<PythonTimes> {
  const folder = mkdtempSync(join(tmpdir(), 'ouro-bench-python-'));
  try {
    writeFileSync(join(folder, 'evaluator.py'), EVALUATOR);
    writeFileSync(join(folder, 'initial_program.py'), PROGRAM);
    const { path: python, version } = resolveInterpreter(process.env.OURO_BENCH_PYTHON ?? 'python3');
    const genome = { 'initial_program.py': PROGRAM };
    const workMs = ownWork(python, folder, runs);
    const bare: number[] = [];
    for (let run = 0; run < runs; run++) bare.push(await timed(() => bareCall(python, folder)));
    const options = {
      evaluatorFile: join(folder, 'evaluator.py'),
      experimentDir: folder,
      options: {},
      timeoutMs: 20_000,
      memoryMb: 512,
    };
    const cold = await PythonEvaluators.start({
      ...options,
      concurrency: 1,
      python: { protocol: 'openevolve', interpreter: python, warm: false },
    });
    const coldTimes: number[] = [];
    for (let run = 0; run < runs; run++) coldTimes.push(await timed(() => expectOk(cold.evaluate(`cold-${run}`, genome))));
    await cold.close();
    const warm = await PythonEvaluators.start({ ...options, concurrency: 1, python: { protocol: 'openevolve', interpreter: python } });
    const warmTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      await new Promise((done) => setTimeout(done, 600)); // the next sandbox has started and imported numpy
      warmTimes.push(await timed(() => expectOk(warm.evaluate(`warm-${run}`, genome))));
    }
    await warm.close();
    const warmPerSecond: Record<number, number> = {};
    for (const concurrency of [1, 2]) {
      const pool = await PythonEvaluators.start({ ...options, concurrency, python: { protocol: 'openevolve', interpreter: python } });
      const count = runs * 2;
      const started = performance.now();
      await Promise.all(Array.from({ length: count }, (_, index) => expectOk(pool.evaluate(`burst-${index}`, genome))));
      warmPerSecond[concurrency] = count / ((performance.now() - started) / 1000);
      await pool.close();
    }
    const calls = await measureCalls(python, folder, runs);
    return { version, workMs, bareMs: median(bare), coldMs: median(coldTimes), warmMs: median(warmTimes), warmPerSecond, calls };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function ownWork(python: string, folder: string, runs: number): number {
  const script = [
    'import sys, time, json',
    `sys.path.insert(0, ${JSON.stringify(folder)})`,
    'import evaluator',
    `path = ${JSON.stringify(join(folder, 'initial_program.py'))}`,
    'evaluator.evaluate(path)',
    'times = []',
    `for _ in range(${runs}):`,
    '    start = time.perf_counter(); evaluator.evaluate(path); times.append((time.perf_counter() - start) * 1000)',
    'times.sort(); print(json.dumps(times[len(times) // 2]))',
  ].join('\n');
  return Number(execFileSync(python, ['-c', script], { cwd: folder }).toString('utf8').trim());
}

function bareCall(python: string, folder: string): Promise<void> {
  const script = `import sys; sys.path.insert(0, ${JSON.stringify(folder)}); import evaluator; evaluator.evaluate('initial_program.py')`;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script], { cwd: folder, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bare python exited with ${code}`))));
  });
}

async function expectOk(evaluation: ReturnType<PythonEvaluators['evaluate']>): Promise<void> {
  const result = await evaluation;
  if (result.status !== 'ok' || !(result.score > 2.4)) throw new Error(`bench evaluation failed: ${JSON.stringify(result)}`);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
