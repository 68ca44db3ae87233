/**
 * Runs the user's own training command through `/bin/sh` in a process group of its own, keeping
 * only the end of what it prints. The group is stopped when asked and killed if Ouroboros exits
 * first, so that a training process never outlives the flywheel that started it unnoticed.
 *
 * The command is trusted (it is the user's, like an evaluator command): it runs unsandboxed.
 */
import { spawn } from 'node:child_process';

/** How a command ended. */
export interface ShellOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the shell itself could not be started. */
  spawnError?: string;
  /** The last `stdoutTailBytes` of stdout, and of stderr. */
  stdout: string;
  stderr: string;
}

export interface ShellRunOptions {
  /** Run as `sh -c '<command>' ouro-trainer <args...>`: the command line reads the arguments as $1, $2, ... */
  command: string;
  args: readonly string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** How much of the end of each stream is kept. Default 16 KB of stdout, 4 KB of stderr. */
  stdoutTailBytes?: number;
  stderrTailBytes?: number;
}

export interface ShellRun {
  /** The shell's process id, which is also its process group's. */
  pid: number | undefined;
  done: Promise<ShellOutcome>;
  /** Sends SIGTERM to the group, then SIGKILL after `graceMs` if it is still there. */
  stop(graceMs?: number): void;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Keeps the last `limit` bytes written to it. */
class Tail {
  private text = '';
  constructor(private readonly limit: number) {}
  add(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Starts the command and returns at once; `done` resolves (never rejects) when it has ended.
 *
 * @example
 * const run = runShell({ command: 'python train.py "$1" --round "$2"', args: ['sft.jsonl', '3'], env: process.env });
 * const outcome = await run.done; // { exitCode: 0, stdout: '...\nft-model-7\n', ... }
 */
export function runShell(options: ShellRunOptions): ShellRun {
  const stdout = new Tail(options.stdoutTailBytes ?? 16 * 1024);
  const stderr = new Tail(options.stderrTailBytes ?? 4 * 1024);
  const child = spawn('/bin/sh', ['-c', options.command, 'ouro-trainer', ...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid !== undefined) {
    if (!exitHookInstalled) {
      process.once('exit', () => liveGroups.forEach((group) => signalGroup(group, 'SIGKILL')));
      exitHookInstalled = true;
    }
    liveGroups.add(pid);
  }
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout.add(chunk);
    options.onOutput?.(chunk, 'stdout');
  });
  child.stderr.on('data', (chunk: string) => {
    stderr.add(chunk);
    options.onOutput?.(chunk, 'stderr');
  });
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<ShellOutcome>((resolve) => {
    child.once('error', (error) => {
      if (pid !== undefined) liveGroups.delete(pid);
      resolve({ exitCode: null, signal: null, spawnError: error.message, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    // What the command left behind in its group would hold the pipes open: it goes when the shell does.
    child.once('exit', () => {
      clearTimeout(killTimer);
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
    });
    // 'close' comes after the pipes are drained, so the last line printed is in the tail.
    child.once('close', (exitCode, signal) => {
      resolve({ exitCode, signal, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
  return {
    pid,
    done,
    stop(graceMs = 5_000) {
      if (pid === undefined || !liveGroups.has(pid)) return;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      killTimer.unref();
    },
  };
}

/** True when a process with this id exists now (it may be another process that reused the id). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
