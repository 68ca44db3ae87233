/**
 * The process tier: runs a program (Node, Python, shell) in a fresh bubblewrap sandbox under
 * prlimit, with a wall-clock timeout, capped output and a private scratch folder. See the
 * sandbox threat model: the candidate is hostile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, lstat, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SandboxError, type ProcessRunOptions, type ProcessRunResult } from '../core/sandbox.ts';
import {
  SANDBOX_BROKER_SOCKET,
  SANDBOX_SCRATCH,
  bubblewrapOptions,
  bwrapArgs,
  claimUid,
  etcFiles,
  findBubblewrap,
  findExecutable,
  releaseUid,
  runningAsRoot,
  sandboxPath,
} from './bubblewrap.ts';
import { PROCESS_DEFAULTS } from './process-limits.ts';
import { collectFiles, removeInBackground } from './process-output.ts';
import { Supervisor } from './supervisor.ts';

export { PROCESS_DEFAULTS } from './process-limits.ts';

export interface SandboxedRunOptions extends ProcessRunOptions {
  /** When bubblewrap is missing or unusable, run the command without isolation instead of refusing (`--unsafe`). */
  unsafe?: boolean;
  /** Folder in which the private scratch folder is created; the system's temporary folder by default. */
  scratchParent?: string;
  /** The bwrap to use instead of the one on PATH. */
  bubblewrapPath?: string;
  /**
   * Host folders bound read-only at the given absolute paths inside the sandbox (an evaluator's
   * folder, a harness). Without isolation nothing is bound: check `willIsolate` and use host paths.
   */
  readOnly?: readonly { source: string; target: string }[];
  /** Folders inside `readOnly` targets hidden behind an empty tmpfs (a run's database folder). */
  hidden?: readonly string[];
  /** More runtime installations (a virtual environment's prefix) bound read-only at their own paths. */
  runtimes?: readonly string[];
  /**
   * Called with each chunk of stdout; true means the program has said all it will say (a harness's
   * last line), so the run ends now: the process group is killed, and the result does not wait for
   * the sandbox to wind down. `exitCode` is then null and `endedEarly` true.
   */
  doneWhen?: (chunk: string) => boolean;
  /**
   * The line a launcher writes last on stdout with the program's exit code (group 1), as the Node
   * launcher does while its program exits: seen at the very end of stdout, the run ends with that
   * code without waiting for the sandbox to wind down, and the line is left out of stdout.
   */
  exitLine?: RegExp;
}

/**
 * A sandbox whose program is already running, waiting for its work on stdin: a warm sandbox. It
 * is used once. Its wall-clock timeout starts when it is handed the work, not when it started.
 */
export interface StartedSandbox {
  /** False when it runs without bubblewrap (`--unsafe`). */
  readonly isolated: boolean;
  /** True once the program has exited, by itself or killed; `run` then reports how it ended. */
  readonly exited: boolean;
  /**
   * Writes `files` into the scratch folder, feeds `stdin` and closes it, and starts the timeout.
   * Resolves when the program has exited (or reported its exit line), with the `collect` files
   * read; the process group is killed and the folder removed after that (see `removalsSettled`).
   */
  run(work?: { files?: Record<string, string>; stdin?: string }): Promise<ProcessRunResult>;
  /** Kills an unused sandbox and removes its folder. */
  discard(): Promise<void>;
}

export const UNSAFE_WARNING = 'ouro: --unsafe: running candidate code without isolation\n';

const MiB = 1024 * 1024;
// V8 reserves most of a gigabyte of address space before running a line, so the address-space cap
// is a loose backstop (it bounds shared mappings); the data cap is what bounds heap and buffers.
const ADDRESS_SPACE_SLACK_MB = 4096;
const SIGXCPU_EXIT = 128 + 24;

/**
 * Runs `options.command` in a new sandbox and resolves when it has exited and its process group
 * is gone. Throws `SandboxError('unavailable')` when bubblewrap cannot be used and `unsafe` is not set,
 * and `SandboxError('refused')` for file names that leave the scratch folder.
 *
 * @example
 * const result = await runSandboxed({ command: ['python3', 'main.py'], files: { 'main.py': 'print(6 * 7)' } });
 * result.stdout; // '42\n'
 */
export async function runSandboxed(options: SandboxedRunOptions): Promise<ProcessRunResult> {
  const { stdin, ...rest } = options;
  const sandbox = await startSandbox(rest);
  return sandbox.run(stdin === undefined ? {} : { stdin });
}

/** True when sandboxes with these options run under bubblewrap; throws `SandboxError('unavailable')` when they cannot run at all. */
export function willIsolate(options: Pick<SandboxedRunOptions, 'unsafe' | 'bubblewrapPath'>): boolean {
  return findTools(options).bubblewrap !== undefined;
}

/**
 * Starts `options.command` in a new sandbox with `options.files` in place, and returns before it
 * is given its input: see `StartedSandbox`. The program should wait for stdin before doing work
 * that the timeout must cover.
 */
export async function startSandbox(options: SandboxedRunOptions): Promise<StartedSandbox> {
  checkOptions(options);
  const tools = findTools(options);
  const isolated = tools.bubblewrap !== undefined;
  const base = await mkdtemp(join(options.scratchParent ?? tmpdir(), 'ouro-sandbox-'));
  const uid = isolated && tools.setpriv !== undefined ? claimUid() : 65534;
  const scratch = join(base, 'scratch');
  let cleaned: Promise<void> | undefined;
  /** Removes the folder once `after` (the processes' exit) has settled. */
  const cleanUp = (after?: Promise<void>): Promise<void> => {
    cleaned ??= removeInBackground(base, after).finally(() => releaseUid(uid));
    return cleaned as Promise<void>;
  };
  let child: ChildProcess;
  try {
    await mkdir(isolated ? scratch : join(scratch, 'tmp'), { recursive: true, mode: 0o700 });
    await writeFiles(scratch, options.files ?? {}, undefined);
    child = isolated ? await spawnIsolated(base, scratch, uid, options, tools) : spawnUnsafe(scratch, options, tools);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const supervisor = new Supervisor(child, options);
  const asRoot = isolated && tools.setpriv !== undefined;
  let used = false;
  return {
    isolated,
    get exited() {
      return supervisor.dead;
    },
    async run(work = {}) {
      if (used) throw new Error('a started sandbox runs once');
      used = true;
      try {
        if (!supervisor.exited) await writeFiles(scratch, work.files ?? {}, asRoot ? uid : undefined);
        const outcome = await supervisor.start(work.stdin ?? options.stdin ?? '');
        const collected = await collectFiles(scratch, options.collect ?? []);
        const cpuExceeded = outcome.signal === 'SIGXCPU' || (isolated && outcome.exitCode === SIGXCPU_EXIT);
        return { ...outcome, timedOut: outcome.timedOut || cpuExceeded, collected, unsafe: !isolated };
      } finally {
        supervisor.kill();
        // Removed once the killed processes are gone, after the result is returned: `removalsSettled()` waits for it.
        void cleanUp(supervisor.gone);
      }
    },
    async discard() {
      used = true;
      supervisor.kill();
      await supervisor.done;
      await cleanUp();
    },
  };
}

/** Writes files into the scratch folder, owned by the sandbox's uid when it runs as one of its own. */
async function writeFiles(scratch: string, files: Record<string, string>, uid: number | undefined): Promise<void> {
  for (const name of Object.keys(files)) checkFileName(name);
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': never through a link or over a file the sandbox made while it waited.
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    if (uid !== undefined) await chownTree(path, uid);
  }
  if (uid !== undefined) {
    // Folders the names created on the way: the candidate's uid must be able to enter them.
    for (const name of Object.keys(files)) {
      for (let folder = dirname(name); folder !== '.'; folder = dirname(folder)) await chown(join(scratch, folder), uid, uid);
    }
  }
}

interface Tools {
  /** Absent when the run goes without isolation. */
  bubblewrap?: string;
  prlimit?: string;
  /** Present when running as root: the candidate is moved to its own uid. */
  setpriv?: string;
  bubblewrapOptions: ReadonlySet<string>;
}

function findTools(options: Pick<SandboxedRunOptions, 'unsafe' | 'bubblewrapPath'>): Tools {
  const bubblewrap = findBubblewrap(options.bubblewrapPath);
  const prlimit = findExecutable('prlimit');
  if ('missing' in bubblewrap) {
    if (options.unsafe !== true) throw new SandboxError('unavailable', bubblewrap.missing);
    return { prlimit, bubblewrapOptions: new Set() };
  }
  const setpriv = runningAsRoot() ? findExecutable('setpriv') : undefined;
  if (prlimit === undefined || (runningAsRoot() && setpriv === undefined)) {
    throw new SandboxError('unavailable', 'prlimit and setpriv (util-linux) are needed for the process sandbox; install util-linux.');
  }
  return { bubblewrap: bubblewrap.path, prlimit, setpriv, bubblewrapOptions: bubblewrapOptions(bubblewrap.path) };
}

async function spawnIsolated(
  base: string,
  scratch: string,
  uid: number,
  options: SandboxedRunOptions,
  tools: Tools,
): Promise<ChildProcess> {
  const asRoot = tools.setpriv !== undefined;
  if (asRoot) await chownTree(scratch, uid);
  const etcDir = join(base, 'etc');
  await mkdir(etcDir, { mode: 0o755 });
  for (const [name, text] of Object.entries(etcFiles(uid))) await writeFile(join(etcDir, name), text, { mode: 0o644 });
  const args = bwrapArgs({
    scratchDir: scratch,
    etcDir,
    env: candidateEnv(options, SANDBOX_SCRATCH, '/tmp', options.brokerSocket !== undefined),
    tmpBytes: 4 * (options.maxFileMb ?? PROCESS_DEFAULTS.maxFileMb) * MiB,
    brokerSocket: options.brokerSocket,
    asRoot,
    options: tools.bubblewrapOptions,
    readOnly: options.readOnly ?? [],
    hidden: options.hidden ?? [],
    runtimes: options.runtimes ?? [],
  });
  const dropPrivileges = asRoot
    ? [
        tools.setpriv as string,
        '--reuid',
        String(uid),
        '--regid',
        String(uid),
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--',
      ]
    : [];
  const command = [...dropPrivileges, tools.prlimit as string, ...limitArgs(options, true), '--', ...options.command];
  // bwrap's own environment is scrubbed too: it is visible as /proc/1/environ inside the sandbox.
  return spawn(tools.bubblewrap as string, [...args, '--', ...command], {
    cwd: base,
    env: { PATH: '/usr/bin:/bin' },
    detached: true,
    stdio: 'pipe',
  });
}

function spawnUnsafe(scratch: string, options: SandboxedRunOptions, tools: Tools): ChildProcess {
  process.stderr.write(UNSAFE_WARNING);
  const command = tools.prlimit === undefined ? options.command : [tools.prlimit, ...limitArgs(options, false), '--', ...options.command];
  const env = candidateEnv(options, scratch, join(scratch, 'tmp'), false);
  return spawn(command[0] as string, command.slice(1), { cwd: scratch, env, detached: true, stdio: 'pipe' });
}

function checkOptions(options: SandboxedRunOptions): void {
  if (options.command.length === 0) throw new SandboxError('refused', 'the command is empty');
  for (const name of [...Object.keys(options.files ?? {}), ...(options.collect ?? [])]) checkFileName(name);
  for (const { target } of options.readOnly ?? []) {
    if (!target.startsWith('/') || target.split('/').includes('..') || [SANDBOX_SCRATCH, '/tmp', '/proc', '/dev'].includes(target)) {
      throw new SandboxError('refused', `read-only bind target "${target}" must be a new absolute path`);
    }
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (name === '' || name.includes('=') || `${name}${value}`.includes('\0'))
      throw new SandboxError('refused', `invalid environment variable "${name}"`);
  }
  if (options.command.some((argument) => argument.includes('\0'))) throw new SandboxError('refused', 'the command contains a NUL byte');
}

function checkFileName(name: string): void {
  if (name === '' || name.startsWith('/') || name.includes('\0') || name.split(/[\\/]/).includes('..')) {
    throw new SandboxError('refused', `file name "${name}" must be a relative path inside the scratch folder`);
  }
}

/** The candidate's whole environment: a fixed allowlist plus the caller's `env`, never the host's. */
function candidateEnv(options: SandboxedRunOptions, home: string, tmp: string, broker: boolean): Record<string, string> {
  return {
    PATH: sandboxPath(),
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: tmp,
    ...options.env,
    ...(broker ? { OURO_BROKER_SOCKET: SANDBOX_BROKER_SOCKET } : {}),
  };
}

/**
 * prlimit sets soft and hard limits, and the candidate holds no capability to raise a hard one.
 * Without isolation RLIMIT_NPROC would count every process of the host user, so it is left out.
 */
function limitArgs(options: SandboxedRunOptions, isolated: boolean): string[] {
  const timeoutMs = options.timeoutMs ?? PROCESS_DEFAULTS.timeoutMs;
  const memoryMb = options.memoryMb ?? PROCESS_DEFAULTS.memoryMb;
  const cpuSeconds = options.cpuSeconds ?? Math.ceil(timeoutMs / 1000) + 1;
  const args = [
    `--data=${memoryMb * MiB}`,
    `--as=${(memoryMb + ADDRESS_SPACE_SLACK_MB) * MiB}`,
    `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
    `--fsize=${(options.maxFileMb ?? PROCESS_DEFAULTS.maxFileMb) * MiB}`,
    `--nofile=${PROCESS_DEFAULTS.openFiles}`,
    '--core=0',
  ];
  if (isolated) args.push(`--nproc=${options.maxProcesses ?? PROCESS_DEFAULTS.maxProcesses}`);
  return args;
}

async function chownTree(path: string, uid: number): Promise<void> {
  await chown(path, uid, uid);
  if ((await lstat(path)).isDirectory()) {
    for (const name of await readdir(path)) await chownTree(join(path, name), uid);
  }
}
