import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluatorPool } from './pool.ts';
import { PID, RUNNER, candidate, cleanUp, isAlive, startPool, until, writeEvaluator } from './pool-fixtures.ts';

afterAll(cleanUp);

describe('candidate faults become evaluations, and the pool goes on', () => {
  let pool: EvaluatorPool;
  let experimentDir: string;
  beforeAll(async () => {
    const file = await writeEvaluator(RUNNER);
    experimentDir = join(file, '..');
    // Long enough that a loaded machine cannot turn a quick memory blow-up into a timeout.
    pool = await startPool(file, { concurrency: 2, timeoutMs: 4_000 });
  });

  /** Evaluates a probe on each of the two workers; returns their pids. */
  async function probeBoth(): Promise<number[]> {
    const evaluations = await Promise.all([pool.evaluate('probe-1', PID), pool.evaluate('probe-2', PID)]);
    for (const evaluation of evaluations) expect(evaluation.status).toBe('ok');
    return evaluations.map((evaluation) => evaluation.metrics.pid!);
  }

  // Every fault must leave a pool that still evaluates.
  afterEach(async () => {
    await probeBoth();
  });

  it('reports a thrown error with its message', async () => {
    const evaluation = await pool.evaluate('throws', candidate('() => { throw new Error("circles overlap") }'));
    expect(evaluation).toMatchObject({ candidateId: 'throws', status: 'error', stage: 'final' });
    expect(evaluation).not.toHaveProperty('score');
    expect(evaluation.error).toMatch(/^circles overlap\n\s+at /);
  });

  it('times out a candidate that hangs forever, and kills its worker and what it spawned', async () => {
    const genome = {
      'candidate.js': `import { spawn } from 'node:child_process';
        import { writeFileSync } from 'node:fs';
        export const run = (context) => {
          const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
          writeFileSync(context.experimentDir + '/hang.pids', JSON.stringify([process.pid, sleeper.pid]));
          while (true) {}
        };`,
    };
    const evaluation = await pool.evaluate('hangs', genome);
    expect(evaluation).toMatchObject({ status: 'timeout', error: 'timed out after 4000 ms' });
    expect(evaluation).not.toHaveProperty('score');
    const pids: number[] = JSON.parse(await readFile(join(experimentDir, 'hang.pids'), 'utf8'));
    await until(() => pids.every((pid) => !isAlive(pid)));
  });

  it('reports a heap that grows without bound as a memory limit', async () => {
    const evaluation = await pool.evaluate(
      'heap',
      candidate('() => { const keep = []; for (;;) keep.push(new Array(100000).fill(1.5)); }'),
    );
    expect(evaluation).toMatchObject({ status: 'error', error: 'memory limit exceeded (128 MB)' });
  });

  it('kills a worker whose resident memory (Buffers, outside the heap) passes the limit', async () => {
    const evaluation = await pool.evaluate(
      'buffers',
      candidate(
        'async () => { const keep = []; for (;;) { keep.push(Buffer.alloc(4 << 20, 1)); ' +
          'await new Promise((wake) => setTimeout(wake, 1)); } }',
      ),
    );
    expect(evaluation.status).toBe('error');
    expect(evaluation.error).toMatch(/^memory limit exceeded \(128 MB\): resident memory reached \d+ MB$/);
  });

  it.each([
    ['NaN', '() => ({ score: NaN })', 'score is NaN'],
    ['a string', '() => "0.5"', 'evaluator returned a string ("0.5"), expected an object such as { score: 0.5 }'],
    ['nothing', '() => {}', 'evaluator returned nothing (undefined)'],
    ['a string score', '() => ({ score: "0.5" })', 'score is a string ("0.5"), expected a number'],
    ['an infinite metric', '() => ({ score: 1, metrics: { sum: Infinity } })', 'metrics.sum is Infinity'],
  ])('marks a result with %s invalid', async (_, run, error) => {
    const evaluation = await pool.evaluate('bad-result', candidate(run));
    expect(evaluation).toMatchObject({ status: 'invalid', error, metrics: {}, stage: 'final' });
    expect(evaluation).not.toHaveProperty('score');
  });

  it('reports process.exit with its exit code', async () => {
    const evaluation = await pool.evaluate('exits', candidate('() => process.exit(3)'));
    expect(evaluation).toMatchObject({ status: 'error', error: 'evaluator process exited with code 3' });
  });

  it('blames an uncaught exception from a stray timer on the candidate being evaluated', async () => {
    const run = '() => new Promise(() => setTimeout(() => { throw new Error("late failure") }, 5))';
    const evaluation = await pool.evaluate('stray-timer', candidate(run));
    expect(evaluation.status).toBe('error');
    expect(evaluation.error).toMatch(/^uncaught exception: late failure/);
  });

  it('replaces a worker that dies while idle', async () => {
    const before = await probeBoth();
    process.kill(-before[0]!, 'SIGKILL');
    await until(() => !isAlive(before[0]!));
    const after = await probeBoth();
    expect(after).not.toContain(before[0]);
  });

  it('passes the candidate id, options and experiment folder in the context', async () => {
    const run =
      '(context) => ({ score: context.options.answer, feedback: context.candidateId + " " + context.stage, ' +
      'artifacts: { folder: context.experimentDir } })';
    const evaluation = await pool.evaluate('context-check', candidate(run));
    expect(evaluation).toMatchObject({ status: 'ok', score: 42, feedback: 'context-check final' });
    expect(typeof evaluation.artifacts.folder).toBe('string');
  });
});

describe('evaluation protocol', () => {
  it('stops at a stage whose score is below its threshold', async () => {
    const file = await writeEvaluator(
      `
      export const stages = [
        { name: 'compiles', threshold: 1, evaluate: (genome) => ({ score: genome['code.js'].includes('syntax error') ? 0 : 1 }) },
        { name: 'small-case', threshold: 0.5, evaluate: (genome) => ({ score: genome['code.js'].length > 10 ? 0.2 : 0.9, ` +
        `feedback: 'too long' }) },
      ];
      export default (genome) => ({ score: 10 });
    `,
      'evaluate.js',
    );
    const pool = await startPool(file);
    expect(await pool.evaluate('a', { 'code.js': 'syntax error' })).toMatchObject({ status: 'ok', score: 0, stage: 'compiles' });
    expect(await pool.evaluate('b', { 'code.js': 'a very long program' })).toMatchObject({
      status: 'ok',
      score: 0.2,
      stage: 'small-case',
      feedback: 'too long',
    });
    expect(await pool.evaluate('c', { 'code.js': 'short' })).toMatchObject({ status: 'ok', score: 10, stage: 'final' });
  });

  it('names the stage that was running when a candidate timed out', async () => {
    const file = await writeEvaluator(`
      export const stages = [{ name: 'quick', threshold: 0, evaluate: () => ({ score: 1 }) }];
      export default () => new Promise(() => { while (true) {} });
    `);
    const pool = await startPool(file, { timeoutMs: 500 });
    expect(await pool.evaluate('slow', {})).toMatchObject({ status: 'timeout', stage: 'final' });
  });

  it('refuses importGenome without --unsafe, naming the sandboxed ways instead', async () => {
    const file = await writeEvaluator(`export default async function evaluate(genome, context) {
  await context.importGenome('pack.js');
  return { score: 1 };
}
`);
    const pool = await startPool(file, { unsafe: false });
    const evaluation = await pool.evaluate('refused', { 'pack.js': 'export const pack = () => [];' });
    expect(evaluation.status).toBe('error');
    expect(evaluation.error).toMatch(/importGenome runs candidate code inside the evaluator's own process.*context\.isolate.*--unsafe/s);
  });

  it('imports a TypeScript genome file with importGenome and scores its exported function', async () => {
    const file = await writeEvaluator(`
      import type { EvaluateContext, Genome } from 'ouroboros';
      export default async function (genome: Genome, context: EvaluateContext) {
        const { pack } = await context.importGenome<{ pack: (count: number) => number[] }>('pack.ts');
        const radii = pack(3);
        return { score: radii.reduce((sum, radius) => sum + radius, 0), metrics: { circles: radii.length } };
      }
    `);
    const pool = await startPool(file);
    const genome = {
      'helper.ts': 'export const radius = (index: number): number => index + 0.5;\n',
      'pack.ts':
        "import { radius } from './helper.ts';\n" +
        'export const pack = (count: number): number[] => Array.from({ length: count }, (_, index) => radius(index));\n',
    };
    expect(await pool.evaluate('packer', genome)).toMatchObject({ status: 'ok', score: 4.5, metrics: { circles: 3 } });
  });

  it('records the metrics an evaluator or the experiment marks private apart from the public ones', async () => {
    const file = await writeEvaluator(`
      export default async () => ({ score: 2, metrics: { size: 3, holdout: 0.25 }, privateMetrics: { hidden: 0.5 } });
    `);
    const named = await (await startPool(file, { privateMetrics: ['holdout'] })).evaluate('named', {});
    expect([named.status, named.metrics, named.privateMetrics]).toEqual(['ok', { size: 3 }, { hidden: 0.5, holdout: 0.25 }]);
    const unnamed = await (await startPool(file)).evaluate('unnamed', {});
    expect([unnamed.metrics, unnamed.privateMetrics]).toEqual([{ size: 3, holdout: 0.25 }, { hidden: 0.5 }]);
  });

  it('runs two evaluations at once with concurrency 2', async () => {
    const sleeper = candidate(
      'async () => { const start = Date.now(); await new Promise((wake) => setTimeout(wake, 300)); ' +
        'return { score: 1, metrics: { start, end: Date.now() } }; }',
    );
    const pool = await startPool(await writeEvaluator(RUNNER), { concurrency: 2 });
    const [first, second] = await Promise.all([pool.evaluate('sleep-1', sleeper), pool.evaluate('sleep-2', sleeper)]);
    expect(first!.metrics.start!).toBeLessThan(second!.metrics.end!);
    expect(second!.metrics.start!).toBeLessThan(first!.metrics.end!);
  });

  it('never runs more than `concurrency` evaluations at once, spare worker included', async () => {
    const pool = await startPool(await writeEvaluator(RUNNER), { concurrency: 1 });
    const sleeper = candidate(
      '() => new Promise((done) => { const start = Date.now(); ' +
        'setTimeout(() => done({ score: 1, metrics: { start, end: Date.now() } }), 150); })',
    );
    // Give the spare time to load, so that it could take work if the pool let it.
    await new Promise((wake) => setTimeout(wake, 1500));
    const results = await Promise.all([1, 2, 3].map((index) => pool.evaluate(`sleep-${index}`, sleeper)));
    const spans = results.map((result) => [result.metrics.start!, result.metrics.end!] as const).sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < spans.length; index++) expect(spans[index]![0]).toBeGreaterThanOrEqual(spans[index - 1]![1]);
  });

  it('hands the next candidate to a worker loaded before the timeout (the spare)', async () => {
    const pool = await startPool(await writeEvaluator(RUNNER), { concurrency: 1, timeoutMs: 500 });
    const born = candidate('() => ({ score: 1, metrics: { pid: process.pid, bornAt: Date.now() - process.uptime() * 1000 } })');
    await pool.evaluate('first', born);
    await new Promise((wake) => setTimeout(wake, 1500)); // the spare loads meanwhile
    const hangStarted = Date.now();
    const hung = await pool.evaluate('hangs', candidate('() => { while (true) {} }'));
    expect(hung.status).toBe('timeout');
    const next = await pool.evaluate('next', born);
    expect(next.status).toBe('ok');
    // Served by a process that was already running before the hang began, not a fresh replacement.
    expect(next.metrics.bornAt!).toBeLessThan(hangStarted);
  });

  it('recycles a worker after maxEvaluationsPerWorker imports, and removes scratch folders', async () => {
    const pool = await startPool(await writeEvaluator(RUNNER), { maxEvaluationsPerWorker: 2 });
    const reporter = candidate('() => ({ score: 1, metrics: { pid: process.pid }, artifacts: { url: import.meta.url } })');
    const evaluations = [await pool.evaluate('first', reporter), await pool.evaluate('second', reporter)];
    const retired = evaluations[0]!.metrics.pid!;
    expect(evaluations[1]!.metrics.pid).toBe(retired);
    await until(() => !isAlive(retired)); // killed once its replacement is ready, not before
    evaluations.push(await pool.evaluate('third', reporter));
    expect(evaluations[2]!.metrics.pid).not.toBe(retired);
    await pool.close();
    for (const evaluation of evaluations) {
      const candidateFolder = fileURLToPath(new URL('.', evaluation.artifacts.url as string));
      expect(candidateFolder).toMatch(/ouro-candidate-/);
      expect(existsSync(candidateFolder)).toBe(false);
      expect(existsSync(join(candidateFolder, '..'))).toBe(false); // the worker's scratch root
    }
  });

  it('close() kills every worker, rejects queued work and is idempotent', async () => {
    const pool = await startPool(await writeEvaluator(RUNNER));
    const { metrics } = await pool.evaluate('pid', PID);
    const hanging = pool.evaluate('hangs', candidate('() => { while (true) {} }')).catch((error: Error) => error);
    const queued = pool.evaluate('queued', PID).catch((error: Error) => error);
    await Promise.all([pool.close(), pool.close()]);
    expect(await hanging).toMatchObject({ message: 'evaluation abandoned: the evaluator pool was closed' });
    expect(await queued).toMatchObject({ message: 'evaluation abandoned: the evaluator pool was closed' });
    await expect(pool.evaluate('late', PID)).rejects.toThrow('closed');
    expect(isAlive(metrics.pid!)).toBe(false);
  });
});
