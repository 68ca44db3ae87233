// Watching one sandboxed process: its capped output, its timeout, and the end of its process group.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SandboxError, type ProcessRunOptions, type ProcessRunResult } from '../core/sandbox.ts';
import { PROCESS_DEFAULTS } from './process-limits.ts';
import { CappedOutput } from './process-output.ts';

/** What a supervisor reads of a run's options (`SupervisedOptions` in process.ts documents them). */
export interface SupervisedOptions extends Pick<ProcessRunOptions, 'command' | 'timeoutMs' | 'outputLimitBytes'> {
  doneWhen?: (chunk: string) => boolean;
  exitLine?: RegExp;
}

/** How much of the end of stdout is kept to find an `exitLine` split across chunks. */
const EXIT_LINE_TAIL = 64;

type Outcome = Omit<ProcessRunResult, 'collected' | 'unsafe'>;

/** Process groups still running, killed if the host exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Watches one sandboxed process from its spawn: collects capped output from the start, and once
 * `start` hands it its input, enforces the timeout and waits until its process group is gone.
 */
export class Supervisor {
  exited = false;
  readonly done: Promise<Outcome>;
  private readonly stdout: CappedOutput;
  private readonly stderr: CappedOutput;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private started = performance.now();
  private endEarly: (() => void) | undefined;
  /** The end of stdout so far, and the exit line found there (undone if more output follows it). */
  private tail = '';
  private resolveEarly: ((outcome: Outcome) => void) | undefined;
  private stderrChunks = 0;
  private markExited: (() => void) | undefined;
  /** Resolves once the process has exited (its 'exit' or 'error' event), even after a run that ended early. */
  readonly gone = new Promise<void>((resolve) => {
    this.markExited = resolve;
  });
  private reported: { code: number; line: string } | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly options: SupervisedOptions,
  ) {
    const limit = options.outputLimitBytes ?? PROCESS_DEFAULTS.outputLimitBytes;
    this.stdout = new CappedOutput(limit);
    this.stderr = new CappedOutput(limit);
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout.add(chunk);
      if (this.timer !== undefined && options.doneWhen?.(chunk.toString('utf8'))) this.endEarly?.();
      if (options.exitLine !== undefined) this.watchExitLine(options.exitLine, chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr.add(chunk);
      this.stderrChunks++;
    });
    child.stdin?.on('error', () => {}); // the program may exit without reading its input
    const pid = child.pid;
    if (pid !== undefined) {
      if (!exitHookInstalled) {
        process.once('exit', () => liveGroups.forEach(killGroup));
        exitHookInstalled = true;
      }
      liveGroups.add(pid);
    }
    this.done = new Promise<Outcome>((resolve, reject) => {
      this.resolveEarly = resolve;
      this.endEarly = () => {
        this.endEarly = undefined;
        clearTimeout(this.timer);
        const durationMs = performance.now() - this.started;
        this.kill();
        resolve({ ...this.outcome(null, null, durationMs), endedEarly: true });
      };
      child.once('error', (error) => {
        this.exited = true;
        this.markExited?.();
        clearTimeout(this.timer);
        if (pid !== undefined) liveGroups.delete(pid);
        reject(new SandboxError('error', `cannot start ${options.command[0]}: ${error.message}`));
      });
      child.once('exit', (exitCode, signal) => {
        this.exited = true;
        this.markExited?.();
        clearTimeout(this.timer);
        const durationMs = performance.now() - this.started;
        if (pid !== undefined) {
          killGroup(pid); // stragglers that stayed in the group
          liveGroups.delete(pid);
        }
        this.endEarly = undefined;
        void this.drained().then(() => resolve(this.outcome(exitCode, signal, durationMs)));
      });
    });
    this.done.catch(() => {}); // a spawn error is reported by `start`
  }

  /** Feeds stdin, starts the timeout, and resolves with how the process ended. */
  start(stdin: string): Promise<Outcome> {
    if (!this.exited) {
      this.started = performance.now();
      this.child.stdin?.end(stdin);
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.kill();
      }, this.options.timeoutMs ?? PROCESS_DEFAULTS.timeoutMs);
    }
    return this.done;
  }

  kill(): void {
    if (this.child.pid !== undefined && !this.exited) killGroup(this.child.pid);
  }

  /**
   * True once the process has exited, also in the moment before Node has reaped it and emitted
   * 'exit' (it is then a zombie in /proc): a waiting sandbox killed from outside is not handed out.
   */
  get dead(): boolean {
    const pid = this.child.pid;
    if (this.exited || pid === undefined) return true;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
    } catch {
      return false; // no /proc here: Node's own 'exit' is all there is to go by
    }
  }

  /**
   * The program wrote its exit line last: it is exiting with that code, all it wrote is in the
   * pipes, and only the sandbox's winding down is left. Once what is already in stderr's pipe has
   * been read, the run ends with that code, unless more stdout came after the line.
   */
  private watchExitLine(pattern: RegExp, chunk: Buffer): void {
    this.tail = (this.tail + chunk.toString('latin1')).slice(-EXIT_LINE_TAIL);
    const match = this.timer === undefined ? null : pattern.exec(this.tail);
    this.reported = match === null ? undefined : { code: Number(match[1]), line: match[0] };
    if (this.reported === undefined) return;
    const reported = this.reported;
    // Ends at the first turn of the event loop that read nothing more from stderr.
    let stderrSeen = -1;
    const settle = (): void => {
      if (this.reported !== reported || this.endEarly === undefined) return;
      if (stderrSeen !== this.stderrChunks) {
        stderrSeen = this.stderrChunks;
        setImmediate(settle);
        return;
      }
      this.endEarly = undefined;
      clearTimeout(this.timer);
      const durationMs = performance.now() - this.started;
      this.kill();
      this.resolveEarly?.(this.outcome(reported.code, null, durationMs));
    };
    setImmediate(settle);
  }

  private outcome(exitCode: number | null, signal: NodeJS.Signals | null, durationMs: number): Outcome {
    let stdout = this.stdout.text();
    let stdoutDropped = this.stdout.dropped;
    const line = this.reported?.line;
    if (line !== undefined) {
      // The exit line is the launcher's, not the program's output (past the cap, it was dropped).
      if (stdout.endsWith(line)) stdout = stdout.slice(0, -line.length);
      else stdoutDropped = Math.max(0, stdoutDropped - line.length);
    }
    return {
      exitCode,
      signal,
      timedOut: this.timedOut,
      durationMs,
      stdout,
      stderr: this.stderr.text(),
      stdoutDropped,
      stderrDropped: this.stderr.dropped,
    };
  }

  /** A process that left the group may still hold the pipes open: wait briefly, then stop reading. */
  private async drained(): Promise<void> {
    const closed = Promise.all(
      [this.child.stdout, this.child.stderr].map(
        (stream) =>
          new Promise<void>((done) => {
            if (stream === null || stream.readableEnded || stream.destroyed) done();
            else stream.once('close', done);
          }),
      ),
    );
    await Promise.race([closed, new Promise((done) => setTimeout(done, 1000))]);
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
