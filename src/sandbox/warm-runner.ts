/**
 * Warm sandboxes in front of the process tier: a run whose options match the shape of the one
 * before takes a sandbox started ahead of time, whose launcher already runs and waits for the
 * command (see warm-launch.ts); any other run goes cold. Each sandbox serves one run only, so
 * nothing a candidate leaves behind (a file, a process) is seen by the next.
 */
import { randomBytes } from 'node:crypto';
import type { ProcessRunResult } from '../core/sandbox.ts';
import { type SandboxedRunOptions, runSandboxed, startSandbox, willIsolate } from './process.ts';
import { LAUNCHERS_FOLDER, type LauncherKind, SANDBOX_LAUNCHERS, nodeExitLine, launcherCommand, planLaunch } from './warm-launch.ts';
import { WarmPool } from './warm-pool.ts';

export interface WarmRunnerOptions {
  /** Sandboxes kept waiting for the current shape (default 1). */
  size?: number;
  /**
   * Folder for the folders of isolated waiting sandboxes, instead of the system's temporary
   * folder: one that is removed if this process is killed before it can discard them.
   */
  scratchParent?: string;
}

/**
 * Runs commands like `runSandboxed`, with the same results, isolation and limits. The first run
 * of a shape (everything fixed when a sandbox starts: launcher kind, limits, timeout, env,
 * collect, broker, binds, unsafe) runs cold and leaves `size` sandboxes of that shape waiting;
 * a run of another shape replaces them. The timeout counts from the run, not from the start.
 *
 * @example
 * const runner = new WarmRunner();
 * await runner.run({ command: ['node', 'main.js'], files: { 'main.js': 'console.log(1)' } }); // cold
 * await runner.run({ command: ['node', 'main.js'], files: { 'main.js': 'console.log(2)' } }); // warm
 * await runner.close();
 */
export class WarmRunner {
  /** Runs so far through a launcher sandbox (waiting, or started at once when parallel runs emptied the pool), and cold runs. */
  readonly runs = { warm: 0, cold: 0 };
  private current: { key: string; pool: WarmPool } | undefined;
  private closed = false;

  constructor(private readonly options: WarmRunnerOptions = {}) {}

  async run(options: SandboxedRunOptions): Promise<ProcessRunResult> {
    const launch = planLaunch(options.command);
    const key = shapeKey(launch.kind, options);
    if (this.closed || this.current?.key !== key) {
      this.runs.cold++;
      const result = await runSandboxed(options);
      if (!this.closed && this.current?.key !== key) this.keepWarm(key, launch.kind, options);
      return result;
    }
    const sandbox = await this.current.pool.take();
    // One turn of the event loop reaps a launcher that died just now, so that `exited` knows of it.
    await new Promise((resolve) => setImmediate(resolve));
    if (sandbox.exited) {
      // Its launcher died while it waited: what it would report is not this program's run.
      await sandbox.discard();
      this.runs.cold++;
      return runSandboxed(options);
    }
    this.runs.warm++;
    return sandbox.run({ files: options.files ?? {}, stdin: launch.header + (options.stdin ?? '') });
  }

  /** Kills the waiting sandboxes; later runs go cold. */
  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    await current?.pool.close();
  }

  private keepWarm(key: string, kind: LauncherKind, options: SandboxedRunOptions): void {
    void this.current?.pool.close();
    this.current = undefined;
    const isolated = willIsolate(options);
    const command = launcherCommand(kind, isolated ? SANDBOX_LAUNCHERS : LAUNCHERS_FOLDER.replace(/\/$/, ''));
    if (command === undefined) return;
    const { command: _command, files: _files, stdin: _stdin, ...fixed } = options;
    const start = {
      ...fixed,
      command,
      readOnly: isolated ? [...(options.readOnly ?? []), { source: LAUNCHERS_FOLDER, target: SANDBOX_LAUNCHERS }] : options.readOnly,
      ...(isolated && this.options.scratchParent !== undefined ? { scratchParent: this.options.scratchParent } : {}),
    };
    const startOne = () => {
      if (kind !== 'node') return startSandbox(start);
      const nonce = randomBytes(8).toString('hex'); // one per sandbox: see launchers/node.js
      return startSandbox({ ...start, command: [...command, nonce], exitLine: nodeExitLine(nonce) });
    };
    this.current = { key, pool: new WarmPool({ size: this.options.size ?? 1, refill: 'run-end', start: startOne }) };
  }
}

/** Everything of `options` fixed when a sandbox starts, as one string: all but the command's own arguments, files and stdin. */
function shapeKey(kind: LauncherKind, options: SandboxedRunOptions): string {
  const { command: _command, files: _files, stdin: _stdin, ...fixed } = options;
  return JSON.stringify([kind, sorted(fixed)]);
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, entry]) => [name, sorted(entry)]),
  );
}
