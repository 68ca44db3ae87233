/**
 * Sandboxes started ahead of time: `take` hands out one that is already running, waiting for its
 * work on stdin, and starts its replacement. Each sandbox serves one run and is never handed out
 * twice, so nothing a candidate leaves behind reaches the next one.
 */
import { removalsSettled } from './process-output.ts';
import type { StartedSandbox } from './process.ts';

export interface WarmPoolOptions {
  /** Starts one sandbox whose program waits for its work on stdin. */
  start: () => Promise<StartedSandbox>;
  /** Sandboxes kept waiting; usually the number of runs in parallel. */
  size: number;
  /**
   * When the replacement of a taken sandbox starts: at once (`take`, the default), or once the
   * taken one has finished its run (`run-end`). A start costs a runtime's whole startup in CPU;
   * on a machine with few cores, starting it during the run slows that run down.
   */
  refill?: 'take' | 'run-end';
}

/**
 * @example
 * const pool = new WarmPool({ size: 2, start: () => startSandbox({ command: ['python3', 'harness.py'] }) });
 * const result = await (await pool.take()).run({ files, stdin: request });
 * await pool.close();
 */
export class WarmPool {
  private readonly waiting: Promise<StartedSandbox>[] = [];
  private closed = false;

  constructor(private readonly options: WarmPoolOptions) {
    for (let index = 0; index < options.size; index++) this.refill();
  }

  /**
   * The oldest waiting sandbox. One that died while it waited is handed out all the same: its
   * `run` reports how it ended. Rejects as `start` does when a sandbox cannot be started at all.
   */
  async take(): Promise<StartedSandbox> {
    if (this.closed) throw new Error('the warm sandbox pool is closed');
    const next = this.waiting.shift() ?? this.options.start();
    if (this.options.refill !== 'run-end') {
      this.refill();
      return next;
    }
    return refillAfterUse(await next, () => this.refill());
  }

  /** Kills the sandboxes still waiting; resolves once their folders, and those of finished runs, are gone. */
  async close(): Promise<void> {
    this.closed = true;
    const waiting = this.waiting.splice(0);
    await Promise.all(waiting.map((started) => started.then((sandbox) => sandbox.discard()).catch(() => {})));
    await removalsSettled();
  }

  private refill(): void {
    if (this.closed || this.waiting.length >= this.options.size) return;
    const started = this.options.start();
    started.catch(() => {}); // reported to whoever takes it
    this.waiting.push(started);
  }
}

/** The same sandbox, calling `refill` once its run has ended or it was discarded. */
function refillAfterUse(sandbox: StartedSandbox, refill: () => void): StartedSandbox {
  return {
    get isolated() {
      return sandbox.isolated;
    },
    get exited() {
      return sandbox.exited;
    },
    // On the next turn of the event loop: whoever awaited the run goes on first, and spawning the
    // replacement (a few milliseconds of the host's time) does not delay the result.
    run: (work) => sandbox.run(work).finally(() => setImmediate(refill)),
    discard: () => sandbox.discard().finally(refill),
  };
}
