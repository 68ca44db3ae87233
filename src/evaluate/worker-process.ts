// The parent's handle on one worker process: start-up, one evaluation at a time, time and
// memory limits, and turning every way the process can die into an Evaluation.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OuroError } from '../core/errors.ts';
import type { EvaluationRequest, TaskModelHost } from '../core/evaluators.ts';
import type { Evaluation, Genome } from '../core/types.ts';
import { FINAL_STAGE } from './evaluator-module.ts';
import { toEvaluation, type Ending, type ScoreRange } from './evaluation.ts';
import { describeProcessEnd, killGroup, readResidentMb } from './process-end.ts';
import type { ModelCallMessage, ModelReplyMessage, WorkerMessage } from './protocol.ts';

export interface WorkerSettings {
  evaluatorFile: string;
  experimentDir: string;
  options: Record<string, unknown>;
  timeoutMs: number;
  memoryMb: number;
  loadTimeoutMs: number;
  unsafe: boolean;
  brokerSocket?: string;
  scoreRange?: ScoreRange;
  /** Metric names recorded as private whatever the evaluator says (`PoolOptions.privateMetrics`). */
  privateMetrics?: readonly string[];
  /** Runs the evaluator's `context.models` calls. */
  taskModels?: TaskModelHost;
}

/**
 * Resident memory a worker may use beyond `memoryMb` before the parent kills it. An idle worker
 * already holds about 80 MB (Node, the tsx hooks thread, the watchdog thread), and V8's young
 * generation and code space sit outside the `--max-old-space-size` heap limit.
 */
export const RUNTIME_ALLOWANCE_MB = 128;

const ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
const STDERR_TAIL_CHARS = 4096;

// Workers lead their own process groups, so they outlive a parent that exits without closing its pool.
const liveWorkers = new Set<WorkerProcess>();
process.on('exit', () => {
  for (const worker of liveWorkers) worker.kill('closed');
});

type KillReason = 'timeout' | 'memory' | 'closed' | 'retired' | 'load';

interface Job {
  id: number;
  candidateId: string;
  stageIndex: number;
  startedAt: number;
  timer: NodeJS.Timeout;
  /** Aborts the evaluator's model calls still running when the evaluation ends. */
  calls: AbortController;
  resolve: (evaluation: Evaluation) => void;
  reject: (error: Error) => void;
}

export class WorkerProcess {
  /** Settles when the evaluator has loaded; rejects with an OuroError naming the file. */
  readonly ready: Promise<void>;
  /** Settles once the process has exited and its scratch folder is gone. */
  readonly exited: Promise<void>;
  /** Evaluations that imported genome files: each one grows the worker's module cache for good. */
  imports = 0;
  /** Called once, when the process has exited for whatever reason. */
  onExit: (() => void) | undefined;

  private readonly child: ChildProcess;
  private readonly scratchRoot: string;
  private stageNames: string[] = [];
  private job: Job | undefined;
  private sequence = 0;
  private stderrTail = '';
  private killReason: KillReason | undefined;
  private residentMb = 0;
  private running = true;
  private checkingMemory = false;
  private finalised = false;
  private startup: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly loadTimer: NodeJS.Timeout;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private markExited!: () => void;

  constructor(private readonly settings: WorkerSettings) {
    this.ready = new Promise((resolve, reject) => (this.startup = { resolve, reject }));
    this.ready.catch(() => undefined); // the pool awaits it; this only keeps a late rejection quiet
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.scratchRoot = mkdtempSync(join(tmpdir(), 'ouro-worker-'));
    liveWorkers.add(this);
    this.child = fork(ENTRY, [], {
      detached: true, // its own process group, so one kill also ends whatever the evaluator spawned
      execArgv: [`--max-old-space-size=${settings.memoryMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: process.env, // passed as is for now; the sandbox will scrub secrets from it
    });
    this.child.stdout!.resume(); // drained, because a full pipe blocks a worker that logs a lot
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('message', (message: WorkerMessage) => this.receive(message));
    this.child.on('error', (error) => this.failed(error));
    this.child.on('exit', (code, signal) => this.exitedWith(code, signal));
    this.child.on('close', () => void this.finalise());
    const seconds = Math.round(settings.loadTimeoutMs / 1000);
    this.loadTimer = setTimeout(() => {
      // Timers run before the event loop reads pipes: if this process was busy for a long while, a
      // 'ready' may be waiting unread. setImmediate runs after that read, so look again then.
      setImmediate(() => {
        if (this.startup === undefined) return;
        this.failStartup(this.loadError(`did not finish loading within ${seconds} s`));
        this.kill('load');
      });
    }, settings.loadTimeoutMs);
  }

  /** Ready, alive, and not evaluating. */
  get idle(): boolean {
    return this.running && this.startup === undefined && this.job === undefined;
  }

  get alive(): boolean {
    return this.running;
  }

  /** Alive and done loading the evaluator: evaluating now or ready to. */
  get loaded(): boolean {
    return this.running && this.startup === undefined;
  }

  /** Evaluates one candidate. Resolves for every candidate fault; rejects only if the pool closes. */
  evaluate(candidateId: string, genome: Genome, request: EvaluationRequest = {}): Promise<Evaluation> {
    return new Promise((resolve, reject) => {
      const id = ++this.sequence;
      const timer = setTimeout(() => this.timeOut(), this.settings.timeoutMs);
      const calls = new AbortController();
      this.job = { id, candidateId, stageIndex: 0, startedAt: performance.now(), timer, calls, resolve, reject };
      const { parent, purpose = 'search' } = request;
      this.child.send({ type: 'evaluate', id, candidateId, genome, purpose, ...(parent ? { parent } : {}) });
    });
  }

  /** Kills the worker when its resident memory is over the limit. Linux only: call it only if CAN_READ_RESIDENT_MEMORY. */
  async checkMemory(): Promise<void> {
    if (!this.running || this.checkingMemory) return;
    this.checkingMemory = true;
    try {
      const residentMb = await readResidentMb(this.child.pid!);
      if (residentMb > this.settings.memoryMb + RUNTIME_ALLOWANCE_MB && this.running) {
        this.residentMb = residentMb;
        this.kill('memory');
        this.finish({ status: 'error', error: this.describeExit() });
      }
    } catch {
      // The process has just exited; its exit handler reports it.
    } finally {
      this.checkingMemory = false;
    }
  }

  /** SIGKILLs the worker's whole process group. An evaluation in flight is abandoned only when closing. */
  kill(reason: KillReason): void {
    if (!this.running) return;
    this.running = false;
    this.killReason ??= reason;
    killGroup(this.child.pid);
    this.failStartup(new Error('the evaluator process was stopped before it was ready'));
    if (reason === 'closed' && this.job !== undefined) {
      clearTimeout(this.job.timer);
      this.job.calls.abort();
      this.job.reject(new Error('evaluation abandoned: the evaluator pool was closed'));
      this.job = undefined;
    }
  }

  private receive(message: WorkerMessage): void {
    const job = this.job;
    switch (message.type) {
      case 'result':
        if (job?.id !== message.id) return;
        if (message.imported) this.imports++;
        if (message.exiting) this.kill('retired');
        this.finish(message.outcome, message.stage || undefined);
        return;
      case 'stage':
        if (job?.id === message.id) job.stageIndex = message.index;
        return;
      case 'model-call':
        if (job?.id === message.id) this.callModel(job, message);
        return;
      case 'online':
        this.initialise();
        return;
      case 'ready':
        this.stageNames = message.stages;
        clearTimeout(this.loadTimer);
        this.startup?.resolve();
        this.startup = undefined;
        return;
      case 'load-failed':
        this.failStartup(new OuroError('evaluator-invalid', message.message, { file: this.settings.evaluatorFile }));
        this.kill('load');
        return;
    }
  }

  /** Runs one `context.models` call for the evaluation in progress and sends the answer back, if it is still wanted. */
  private callModel(job: Job, message: ModelCallMessage): void {
    const host = this.settings.taskModels;
    const answer = (reply: ModelReplyMessage): void => {
      if (this.job !== job || !this.running) return;
      try {
        this.child.send(reply);
      } catch {
        // The worker is exiting; its exit handler ends the evaluation.
      }
    };
    if (host === undefined) {
      answer({ type: 'model-reply', call: message.call, ok: false, error: 'context.models: this run has no model' });
      return;
    }
    host.complete(job.candidateId, message.request, job.calls.signal).then(
      (completion) => answer({ type: 'model-reply', call: message.call, ok: true, completion }),
      (error: unknown) =>
        answer({ type: 'model-reply', call: message.call, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  private initialise(): void {
    const { evaluatorFile, experimentDir, options, memoryMb, timeoutMs, unsafe, brokerSocket } = this.settings;
    // The isolate's heap comes out of the worker's memory allowance: half of it, at least 8 MB.
    const sandbox = { memoryMb: Math.max(8, Math.floor(memoryMb / 2)), timeoutMs, unsafe, ...(brokerSocket ? { brokerSocket } : {}) };
    try {
      const models = this.settings.taskModels?.ids ?? [];
      this.child.send({ type: 'init', evaluatorFile, experimentDir, options, scratchRoot: this.scratchRoot, sandbox, models });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `experiment options cannot be sent to the evaluator as JSON: ${reason}`;
      this.failStartup(new OuroError('option-invalid', message, { field: 'options', cause: error }));
      this.kill('load');
    }
  }

  private finish(ending: Ending, stage?: string): void {
    const job = this.job;
    if (job === undefined) return;
    this.job = undefined;
    clearTimeout(job.timer);
    job.calls.abort();
    const stageName = stage ?? this.stageNames[job.stageIndex] ?? FINAL_STAGE;
    const { scoreRange, privateMetrics } = this.settings;
    job.resolve(toEvaluation(job.candidateId, ending, stageName, performance.now() - job.startedAt, scoreRange, privateMetrics));
  }

  private timeOut(): void {
    this.kill('timeout'); // SIGKILL: the work stops, not just the waiting
    this.finish({ status: 'timeout', error: `timed out after ${this.settings.timeoutMs} ms` });
  }

  private failStartup(error: Error): void {
    clearTimeout(this.loadTimer);
    this.startup?.reject(error);
    this.startup = undefined;
  }

  private failed(error: Error): void {
    if (this.child.pid !== undefined) return; // a send to a dying process; its exit handler reports it
    this.failStartup(this.loadError(`could not start a worker process: ${error.message}`, true));
    this.running = false;
    void this.finalise();
  }

  private exitedWith(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.exitSignal = signal;
    this.running = false;
    killGroup(this.child.pid); // the leader is gone; take whatever it started with it
    // 'close' waits for stderr, which holds the out-of-memory report; do not wait forever for
    // a descendant that left the group and still holds the pipe.
    setTimeout(() => void this.finalise(), 250).unref();
  }

  private async finalise(): Promise<void> {
    if (this.finalised) return;
    this.finalised = true;
    liveWorkers.delete(this);
    clearTimeout(this.loadTimer);
    const description = this.describeExit();
    this.failStartup(this.loadError(description));
    this.finish({ status: 'error', error: description });
    await rm(this.scratchRoot, { recursive: true, force: true }).catch(() => undefined);
    this.onExit?.();
    this.markExited();
  }

  private describeExit(): string {
    const { exitCode: code, exitSignal: signal, stderrTail } = this;
    const residentMb = this.killReason === 'memory' ? this.residentMb : undefined;
    return describeProcessEnd({ code, signal, stderrTail, memoryMb: this.settings.memoryMb, residentMb });
  }

  private loadError(reason: string, isRetryable = false): OuroError {
    const file = this.settings.evaluatorFile;
    return new OuroError('evaluator-invalid', `evaluator ${file} could not be loaded: ${reason}`, { file, isRetryable });
  }
}
