import { readdirSync } from 'node:fs';
// Shared by the pool's tests: real evaluator files in temp folders, and real pools.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluatorPool, type PoolOptions } from './pool.ts';

// A real evaluator that runs the candidate's `run` export: misbehaviour lives in the genome,
// where hostile code lives in a real run.
export const RUNNER = `
import type { EvaluateContext, Genome } from 'ouroboros';
export default async function (genome: Genome, context: EvaluateContext) {
  const candidate = await context.importGenome<{ run: (context: EvaluateContext) => unknown }>();
  return candidate.run(context);
}
`;

const folders: string[] = [];
const pools: EvaluatorPool[] = [];

/** Writes an evaluator (and a package.json making it ESM) into a fresh folder; returns its path. */
export async function writeEvaluator(source: string, name = 'evaluate.ts'): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ouro-pool-test-'));
  folders.push(folder);
  await writeFile(join(folder, 'package.json'), '{"type":"module"}\n');
  await writeFile(join(folder, name), source);
  return join(folder, name);
}

/**
 * A pool for these tests. They run candidates inside the worker on purpose (`importGenome`, so
 * `unsafe`): what they test is the pool's own limits, the line of defence behind the sandbox.
 */
export async function startPool(evaluatorFile: string, overrides: Partial<PoolOptions> = {}): Promise<EvaluatorPool> {
  const pool = await EvaluatorPool.start({
    unsafe: true,
    evaluatorFile,
    experimentDir: join(evaluatorFile, '..'),
    options: { answer: 42 },
    concurrency: 1,
    timeoutMs: 5_000,
    memoryMb: 128,
    ...overrides,
  });
  pools.push(pool);
  return pool;
}

/** A genome whose `run` export the RUNNER evaluator calls. */
export const candidate = (run: string) => ({ 'candidate.js': `export const run = ${run};\n` });
/** A candidate that reports which worker process evaluated it. */
export const PID = candidate('() => ({ score: 1, metrics: { pid: process.pid } })');

/** Closes every pool and removes every folder the tests made. */
export async function cleanUp(): Promise<void> {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** Waits until the condition holds; processes take a moment to die after SIGKILL. */
export async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 100) throw new Error('condition did not hold within 2 s');
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Module prologue: `load` is this load's number; `hangs` and `throws` are expressions of it. */
export function planned(hangs: string, throws = 'false'): string {
  return `import { writeFileSync } from 'node:fs';
let load = 1;
for (;;) {
  try {
    writeFileSync(new URL('./load-' + load, import.meta.url), '', { flag: 'wx' });
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    load++;
  }
}
if (${hangs}) await new Promise((wake) => setTimeout(wake, 600_000));
if (${throws}) throw new Error('load ' + load + ' refused');
`;
}

/** How many loads the planned evaluators in `folder` have started. */
export const loadsIn = (folder: string): number => readdirSync(folder).filter((name) => name.startsWith('load-')).length;
