// Shared by the Python evaluator tests and red team: real evaluator files in temporary folders,
// run by real sandboxed interpreters.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NUMPY_PYTHON } from '../../../test/support/services.ts';
import type { PoolOptions } from '../pool-options.ts';
import { PythonEvaluators } from './evaluators.ts';

const folders: string[] = [];
const started: PythonEvaluators[] = [];

/** Writes `files` into a fresh experiment folder and returns its path. */
export async function experimentFolder(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ouro-python-test-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

/** Python evaluators over `evaluator` (written as `evaluate.py` unless `name` says otherwise), closed by `cleanUp`. */
export async function startPython(
  evaluator: string,
  overrides: Partial<PoolOptions> & { name?: string; files?: Record<string, string> } = {},
): Promise<PythonEvaluators> {
  const { name = 'evaluate.py', files = {}, ...options } = overrides;
  const folder = await experimentFolder({ [name]: evaluator, ...files });
  const evaluators = await PythonEvaluators.start({
    evaluatorFile: join(folder, name),
    experimentDir: folder,
    options: { answer: 42 },
    concurrency: 1,
    timeoutMs: 10_000,
    memoryMb: 512,
    ...options,
    python: { protocol: 'ouro', interpreter: NUMPY_PYTHON, ...options.python },
  });
  started.push(evaluators);
  return evaluators;
}

export async function cleanUp(): Promise<void> {
  await Promise.all(started.splice(0).map((evaluators) => evaluators.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** An evaluator that imports the candidate's program and scores what its `solve()` returns. */
export const RUNS_SOLVE = `
import importlib.util
import numpy as np

def load(path):
    spec = importlib.util.spec_from_file_location("candidate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

def score_of(values):
    return float(np.sum(np.asarray(values, dtype=float)))

def evaluate(program_path, context):
    values = load(program_path).solve()
    return {"score": score_of(values), "metrics": {"count": len(values)}}
`;
