/**
 * The process tier: runs a program (Node, Python, shell) in a fresh bubblewrap sandbox under
 * prlimit, with a wall-clock timeout, capped output and a private scratch folder. See the
 * sandbox threat model: the candidate is hostile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, open, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
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

export interface SandboxedRunOptions extends ProcessRunOptions {
  /** When bubblewrap is missing or unusable, run the command without isolation instead of refusing (`--unsafe`). */
  unsafe?: boolean;
  /** Folder in which the private scratch folder is created; the system's temporary folder by default. */
  scratchParent?: string;
  /** The bwrap to use instead of the one on PATH. */
  bubblewrapPath?: string;
}

export const PROCESS_DEFAULTS = {
  timeoutMs: 10_000,
  memoryMb: 512,
  maxProcesses: 64,
  maxFileMb: 64,
  outputLimitBytes: 64 * 1024,
  collectLimitBytes: 1024 * 1024,
  openFiles: 256,
} as const;

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
  checkOptions(options);
  const tools = findTools(options);
  const isolated = tools.bubblewrap !== undefined;
  const base = await mkdtemp(join(options.scratchParent ?? tmpdir(), 'ouro-sandbox-'));
  const uid = isolated && tools.setpriv !== undefined ? claimUid() : 65534;
  try {
    const scratch = join(base, 'scratch');
    await mkdir(isolated ? scratch : join(scratch, 'tmp'), { recursive: true, mode: 0o700 });
    for (const [name, text] of Object.entries(options.files ?? {})) {
      await mkdir(dirname(join(scratch, name)), { recursive: true, mode: 0o700 });
      await writeFile(join(scratch, name), text, { mode: 0o600 });
    }
    const child = isolated ? await spawnIsolated(base, scratch, uid, options, tools) : spawnUnsafe(scratch, options, tools);
    const outcome = await supervise(child, options);
    const collected = await collectFiles(scratch, options.collect ?? []);
    const cpuExceeded = outcome.signal === 'SIGXCPU' || (isolated && outcome.exitCode === SIGXCPU_EXIT);
    return { ...outcome, timedOut: outcome.timedOut || cpuExceeded, collected, unsafe: !isolated };
  } finally {
    await removeTree(base);
    releaseUid(uid);
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

function findTools(options: SandboxedRunOptions): Tools {
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
  for (const name of [...Object.keys(options.files ?? {}), ...(options.collect ?? [])]) {
    if (name === '' || name.startsWith('/') || name.includes('\0') || name.split(/[\\/]/).includes('..')) {
      throw new SandboxError('refused', `file name "${name}" must be a relative path inside the scratch folder`);
    }
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (name === '' || name.includes('=') || `${name}${value}`.includes('\0'))
      throw new SandboxError('refused', `invalid environment variable "${name}"`);
  }
  if (options.command.some((argument) => argument.includes('\0'))) throw new SandboxError('refused', 'the command contains a NUL byte');
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

/** Feeds stdin, caps output, enforces the timeout, and waits until the process group is gone. */
function supervise(child: ChildProcess, options: SandboxedRunOptions): Promise<Outcome> {
  const started = performance.now();
  const limit = options.outputLimitBytes ?? PROCESS_DEFAULTS.outputLimitBytes;
  const stdout = new CappedOutput(limit);
  const stderr = new CappedOutput(limit);
  child.stdout?.on('data', (chunk: Buffer) => stdout.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk));
  child.stdin?.on('error', () => {}); // the program may exit without reading its input
  child.stdin?.end(options.stdin ?? '');
  const pid = child.pid;
  if (pid !== undefined) {
    if (!exitHookInstalled) {
      process.once('exit', () => liveGroups.forEach(killGroup));
      exitHookInstalled = true;
    }
    liveGroups.add(pid);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) killGroup(pid);
  }, options.timeoutMs ?? PROCESS_DEFAULTS.timeoutMs);

  return new Promise<Outcome>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      if (pid !== undefined) liveGroups.delete(pid);
      reject(new SandboxError('error', `cannot start ${options.command[0]}: ${error.message}`));
    });
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      if (pid !== undefined) {
        killGroup(pid); // stragglers that stayed in the group
        liveGroups.delete(pid);
      }
      // A process that left the group may still hold the pipes open: wait briefly, then stop reading.
      const closed = Promise.all(
        [child.stdout, child.stderr].map(
          (stream) =>
            new Promise<void>((done) => {
              if (stream === null || stream.readableEnded || stream.destroyed) done();
              else stream.once('close', done);
            }),
        ),
      );
      void Promise.race([closed, new Promise((done) => setTimeout(done, 1000))]).then(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({
          exitCode,
          signal,
          timedOut,
          durationMs,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutDropped: stdout.dropped,
          stderrDropped: stderr.dropped,
        });
      });
    });
  });
}

/** Keeps the first `limit` bytes of a stream and counts the rest, which is still drained. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Reads the `collect` files from the host side once nothing runs in the sandbox. Only regular
 * files whose real path stays inside the scratch folder are read, each up to a size cap.
 */
async function collectFiles(scratch: string, names: readonly string[]): Promise<Record<string, string>> {
  const collected: Record<string, string> = {};
  const root = await realpath(scratch);
  for (const name of names) {
    let real: string;
    try {
      real = await realpath(join(root, name));
    } catch {
      continue;
    }
    if (!real.startsWith(root + sep)) continue;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      continue;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) continue;
      const buffer = Buffer.alloc(Math.min(stat.size, PROCESS_DEFAULTS.collectLimitBytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      collected[name] = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  }
  return collected;
}

/** Removes the run's folder even when the candidate made parts of it unwritable. */
async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(directory: string): Promise<void> {
  await chmod(directory, 0o700).catch(() => {});
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(directory, name);
    if ((await lstat(path).catch(() => undefined))?.isDirectory()) await makeWritable(path);
  }
}
