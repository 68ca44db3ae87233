// Python evaluators, natively: each candidate is evaluated by `harness.py` in its own process-tier
// sandbox, with the evaluator already imported when the sandbox was started ahead of time.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OuroError } from '../../core/errors.ts';
import type { Evaluators, PythonEvaluatorOptions } from '../../core/evaluators.ts';
import type { Evaluation, Genome } from '../../core/types.ts';
import { sandboxPath } from '../../sandbox/bubblewrap.ts';
import { runSandboxed, startSandbox, willIsolate, type SandboxedRunOptions, type StartedSandbox } from '../../sandbox/process.ts';
import { WarmPool } from '../../sandbox/warm-pool.ts';
import { removalsSettled } from '../../sandbox/process-output.ts';
import { checkEvaluatorFile, checkPoolOptions, type PoolOptions } from '../pool-options.ts';
import { readEnding, readReady } from './frames.ts';
import { resolveInterpreter } from './interpreter.ts';
import { PRIVATE_ENTRIES, stageExperiment, type StagedFolder } from './stage.ts';
import { toEvaluation } from '../evaluation.ts';

const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
/** CPU seconds a sandbox may spend before its candidate arrives: the interpreter and the evaluator's imports. */
const WARM_UP_CPU_SECONDS = 10;
/** Room for the result lines: artifacts can be large, and a cut line is a lost result. */
const RESULT_LIMIT_BYTES = 4 * MiB;
const LAST_LINE = /"type": "(done|load-error)"[^\n]*\n$/;

/** Where the harness, the evaluator and its folder are, as the sandboxed interpreter sees them. */
interface Layout {
  sandbox: SandboxedRunOptions;
  spec: string;
}

/**
 * Evaluates candidates with a Python evaluator (`PoolOptions.evaluatorFile` ending in `.py`): at
 * most `concurrency` at once, each in a fresh sandbox that serves that candidate only.
 *
 * @example
 * const evaluators = await PythonEvaluators.start({ evaluatorFile: 'exp/evaluator.py', experimentDir: 'exp', options: {},
 *   concurrency: 2, timeoutMs: 10_000, memoryMb: 512, python: { protocol: 'openevolve' } });
 * const evaluation = await evaluators.evaluate('run-1', { 'initial_program.py': source });
 */
export class PythonEvaluators implements Evaluators {
  private readonly warm: WarmPool | undefined;
  private readonly running = new Set<StartedSandbox>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private closed = false;

  private constructor(
    private readonly options: PoolOptions,
    private readonly layout: Layout,
    private readonly staged: StagedFolder,
    /** Stage names in order, as the harness found them in the evaluator. */
    readonly stages: readonly string[],
  ) {
    if (options.python?.warm !== false) {
      // Refilled when a run ends, not when it starts: starting a sandbox blocks this process for a few
      // milliseconds (spawn), which would otherwise land in the middle of the evaluation it replaces.
      // One more than run at once, so that back-to-back candidates still find one started.
      const size = options.concurrency + 1;
      this.warm = new WarmPool({ size, refill: 'run-end', start: () => startSandbox(layout.sandbox) });
    }
  }

  /**
   * Checks the interpreter and the evaluator once, in a sandbox, before any candidate: an evaluator
   * that does not import, or lacks the function its protocol calls, fails the start with a message
   * naming the file and the function.
   */
  static async start(options: PoolOptions): Promise<PythonEvaluators> {
    checkPoolOptions(options);
    const evaluatorFile = resolve(options.evaluatorFile);
    await checkEvaluatorFile(evaluatorFile);
    const python = options.python ?? { protocol: 'ouro' };
    const staged = stageExperiment(resolve(options.experimentDir));
    try {
      const layout = sandboxLayout({ ...options, evaluatorFile }, python, staged.path);
      const check = await runSandboxed({ ...layout.sandbox, command: [...layout.sandbox.command, '--check'] });
      const ready = readReady(check);
      if ('error' in ready) throw new OuroError('evaluator-invalid', ready.error, { file: evaluatorFile });
      return new PythonEvaluators(options, layout, staged, ready.stages);
    } catch (error) {
      staged.dispose();
      throw error;
    }
  }

  /** The evaluator file, as the host sees it. */
  get evaluatorFile(): string {
    return resolve(this.options.evaluatorFile);
  }

  async evaluate(candidateId: string, genome: Genome): Promise<Evaluation> {
    if (this.closed) throw new Error('the Python evaluators are closed');
    const program = Object.keys(genome)[0];
    if (program === undefined) throw new OuroError('genome-missing', `candidate ${candidateId} has no files`, { candidate: candidateId });
    await this.slot();
    let sandbox: StartedSandbox | undefined;
    try {
      sandbox = this.warm ? await this.warm.take() : await startSandbox(this.layout.sandbox);
      if (this.closed) throw new Error('evaluation abandoned: the Python evaluators were closed');
      this.running.add(sandbox);
      const nonce = randomBytes(16).toString('hex');
      const request = { nonce, candidate_id: candidateId, program, options: this.options.options, files: Object.keys(genome) };
      const result = await sandbox.run({ files: genome, stdin: `${JSON.stringify(request)}\n` });
      if (this.closed) throw new Error('evaluation abandoned: the Python evaluators were closed');
      const { ending, stage } = readEnding(result, nonce, this.stages, this.options.timeoutMs);
      const evaluation = toEvaluation(candidateId, ending, stage, result.durationMs, this.options.scoreRange, this.options.privateMetrics);
      return evaluation.status === 'ok' ? withFeatureMetrics(evaluation, this.options.python?.featureMetrics) : evaluation;
    } finally {
      if (sandbox) this.running.delete(sandbox);
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Kills the waiting sandboxes and the running ones; their evaluations reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([this.warm?.close(), ...[...this.running].map((sandbox) => sandbox.discard())]);
    await removalsSettled();
    this.staged.dispose();
  }

  private async slot(): Promise<void> {
    while (this.active >= this.options.concurrency) {
      await new Promise<void>((wake) => this.waiting.push(wake));
      if (this.closed) throw new Error('evaluation abandoned: the Python evaluators were closed');
    }
    this.active++;
  }
}

/** A metric named like a feature axis fills that feature when the evaluator gave none (OpenEvolve's feature dimensions). */
function withFeatureMetrics(evaluation: Evaluation, names: readonly string[] | undefined): Evaluation {
  if (!names?.length) return evaluation;
  const features = { ...evaluation.features };
  for (const name of names) {
    const value = evaluation.metrics[name];
    if (features[name] === undefined && value !== undefined) features[name] = value;
  }
  return { ...evaluation, features };
}

/** The sandbox every candidate's harness runs in, and the harness's start arguments. */
function sandboxLayout(options: PoolOptions & { evaluatorFile: string }, python: PythonEvaluatorOptions, bound: string): Layout {
  const interpreter = resolveInterpreter(python.interpreter);
  const isolated = willIsolate({ unsafe: options.unsafe });
  const experimentDir = resolve(options.experimentDir);
  const insideExperiment = !relative(experimentDir, options.evaluatorFile).startsWith(`..${sep}`);
  const evaluatorDir = insideExperiment ? experimentDir : dirname(options.evaluatorFile);
  const at = (target: string, host: string): string => (isolated ? target : host);
  const harnessRoot = at('/ouro', HARNESS_DIR);
  const evaluatorRoot = at(insideExperiment ? '/experiment' : '/evaluator', evaluatorDir);
  const spec = {
    evaluator: join(evaluatorRoot, relative(evaluatorDir, options.evaluatorFile)),
    lib: join(harnessRoot, 'lib'),
    protocol: python.protocol,
    cascade_thresholds: python.cascadeThresholds ?? null,
    experiment_dir: at('/experiment', experimentDir),
    // A warm sandbox forks the candidate's processes while it waits; a fresh one forks them when needed.
    warm: python.warm !== false,
  };
  const readOnly = [
    { source: HARNESS_DIR, target: '/ouro' },
    { source: bound, target: '/experiment' },
    ...(insideExperiment ? [] : [{ source: evaluatorDir, target: '/evaluator' }]),
  ];
  const hidden = [...PRIVATE_ENTRIES].filter((name) => existsSync(join(bound, name))).map((name) => `/experiment/${name}`);
  const cpuSeconds = Math.ceil(options.timeoutMs / 1000) + 1 + WARM_UP_CPU_SECONDS;
  const specText = JSON.stringify(spec);
  return {
    spec: specText,
    sandbox: {
      command: [interpreter.path, '-I', '-B', join(harnessRoot, 'harness.py'), specText],
      timeoutMs: options.timeoutMs,
      memoryMb: options.memoryMb,
      cpuSeconds,
      outputLimitBytes: RESULT_LIMIT_BYTES,
      // The harness's last line, whole: the result need not wait for the interpreter and the sandbox to wind down.
      doneWhen: (chunk) => LAST_LINE.test(chunk),
      unsafe: options.unsafe ?? false,
      ...(isolated ? { readOnly, hidden } : {}),
      runtimes: interpreter.prefixes,
      env: {
        PATH: `${dirname(interpreter.path)}:${sandboxPath()}`,
        // One thread per numerical library: evaluations already run in parallel, and a pool of
        // one thread per core would exceed the sandbox's process cap on a large machine.
        OPENBLAS_NUM_THREADS: '1',
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
    },
  };
}
