/**
 * Bubblewrap for the process tier: finding a usable `bwrap`, and the argument list that builds
 * the sandbox's filesystem and namespaces. Nothing here runs candidate code.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';

/** Where the scratch directory appears inside the sandbox; also the candidate's HOME. */
export const SANDBOX_SCRATCH = '/scratch';
/** Where a model broker's socket appears inside the sandbox. */
export const SANDBOX_BROKER_SOCKET = '/run/ouro/broker.sock';

const INSTALL_HINT =
  'Install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap` (Fedora), ' +
  'or pass --unsafe to run candidate code without isolation.';

/** True when this process is root: the sandbox then drops to its own uid with setpriv instead of a user namespace. */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Finds an executable by name on the host's PATH; absolute names are checked as they are. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((directory) => join(directory, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Options this bwrap understands (older releases lack `--size` and `--disable-userns`), read once per path. */
export function bubblewrapOptions(path: string): ReadonlySet<string> {
  let options = knownOptions.get(path);
  if (options === undefined) {
    let help = '';
    try {
      help = execFileSync(path, ['--help'], {
        env: { PATH: '/usr/bin:/bin' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 10_000,
      }).toString('utf8');
    } catch (error) {
      help = String((error as { stdout?: Buffer }).stdout ?? '');
    }
    options = new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? []);
    knownOptions.set(path, options);
  }
  return options;
}
const knownOptions = new Map<string, ReadonlySet<string>>();

/** The namespaces to unshare. As root a user namespace would map the candidate back to uid 0, which ignores RLIMIT_NPROC. */
function namespaceArgs(asRoot: boolean, options: ReadonlySet<string>): string[] {
  const shared = ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try'];
  if (asRoot) return shared;
  const noNestedUserNamespaces = options.has('--disable-userns') ? ['--disable-userns'] : [];
  return ['--unshare-user', '--uid', '65534', '--gid', '65534', ...noNestedUserNamespaces, ...shared];
}

const probed = new Map<string, { path: string } | { missing: string }>();

/**
 * Finds bubblewrap and checks, once per path, that it can create the namespaces the sandbox needs.
 * Returns `{ missing }` with a message to show the user when it is absent or unusable.
 *
 * @example
 * const bubblewrap = findBubblewrap();
 * if ('missing' in bubblewrap) console.error(bubblewrap.missing);
 */
export function findBubblewrap(path?: string): { path: string } | { missing: string } {
  const key = path ?? '';
  const cached = probed.get(key);
  if (cached) return cached;
  const found = findExecutable(path ?? 'bwrap');
  const result =
    found === undefined
      ? { missing: `bubblewrap (bwrap) is not installed${path === undefined ? '' : ` at ${path}`}. ${INSTALL_HINT}` }
      : probe(found);
  probed.set(key, result);
  return result;
}

function probe(path: string): { path: string } | { missing: string } {
  try {
    execFileSync(
      path,
      [...namespaceArgs(runningAsRoot(), bubblewrapOptions(path)), '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'],
      {
        env: { PATH: '/usr/bin:/bin' },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 10_000,
      },
    );
    return { path };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n')[0] ?? '';
    const detail = stderr === '' ? (error as Error).message : stderr;
    return {
      missing:
        `bubblewrap at ${path} is installed but cannot create namespaces here (${detail}). ` +
        'Unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu ' +
        'kernel.apparmor_restrict_unprivileged_userns=0), or a container forbids them. ' +
        'Run on a host that allows them, or pass --unsafe to run candidate code without isolation.',
    };
  }
}

/**
 * Installation prefixes of the runtimes a candidate may call (Node, Python) that live outside
 * /usr: they are bound read-only at the same path and their bin folders lead PATH. Found once.
 */
export function runtimePrefixes(): string[] {
  cachedPrefixes ??= [...new Set([nodePrefix(), ...pythonPrefixes()])].filter(
    (prefix) => !underSystem(prefix) && !exposesPrivateFolders(prefix),
  );
  return cachedPrefixes;
}
let cachedPrefixes: string[] | undefined;

/** A runtime installed straight into the home or project folder (prefix ~) must not bring that folder along. */
function exposesPrivateFolders(prefix: string): boolean {
  return [homedir(), process.cwd()].some((folder) => folder === prefix || folder.startsWith(prefix + sep));
}

function underSystem(path: string): boolean {
  return path === '/usr' || path.startsWith('/usr/') || path === '/' || path === '/bin' || path === '/lib';
}

function nodePrefix(): string {
  return dirname(dirname(realpathSync(process.execPath)));
}

/** A python3 on the host PATH may be a shim (pyenv): ask the interpreter where it really lives. */
function pythonPrefixes(): string[] {
  const python = findExecutable('python3');
  if (python === undefined) return [];
  // A virtual environment links its python3 to the system's, yet its own prefix holds its packages.
  if (underSystem(dirname(dirname(python))) && underSystem(dirname(dirname(realpathSync(python))))) return [];
  try {
    const output = execFileSync(python, ['-c', 'import sys; print(sys.prefix); print(sys.base_prefix)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return output
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('/'));
  } catch {
    return [];
  }
}

/** PATH inside the sandbox: the runtimes' bin folders, then the system's. Never the host's PATH. */
export function sandboxPath(): string {
  return [...runtimePrefixes().map((prefix) => join(prefix, 'bin')), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
}

export interface SandboxLayout {
  /** Host folder bound read-write at /scratch. */
  scratchDir: string;
  /** Host folder holding generated `passwd`, `group` and `hosts`, bound read-only into /etc. */
  etcDir: string;
  /** The whole environment of the candidate; nothing else is passed. */
  env: Record<string, string>;
  /** Size of the private /tmp (memory-backed), in bytes. */
  tmpBytes: number;
  /** Host path of a model broker socket, bound at SANDBOX_BROKER_SOCKET. */
  brokerSocket?: string;
  /** Root runs without a user namespace and drops privileges inside (see `namespaceArgs`). */
  asRoot: boolean;
  /** What `bubblewrapOptions` found this bwrap to support. */
  options: ReadonlySet<string>;
  /** Host folders or files bound read-only at other paths inside. */
  readOnly?: readonly { source: string; target: string }[];
  /** Paths inside `readOnly` targets covered by an empty tmpfs. */
  hidden?: readonly string[];
  /** More runtime prefixes bound read-only at their own paths, beside `runtimePrefixes()`. */
  runtimes?: readonly string[];
}

/** The top-level system folders: bound read-only, or recreated as symlinks on merged-/usr systems. */
function systemArgs(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const path of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
      else if (stat.isDirectory()) args.push('--ro-bind', path, path);
    } catch {
      // absent on this system
    }
  }
  for (const path of [
    '/etc/alternatives',
    '/etc/ssl',
    '/etc/ca-certificates',
    '/etc/ld.so.cache',
    '/etc/ld.so.conf',
    '/etc/ld.so.conf.d',
    '/etc/localtime',
  ]) {
    args.push('--ro-bind-try', path, path);
  }
  return args;
}

/**
 * Folders bwrap would otherwise create as 0700 root-owned on the way to a mount point, which
 * the candidate's uid could not traverse (/etc for its config files, /root/... for a pyenv prefix).
 */
function traversableParents(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let folder = dirname(path); folder !== '/' && folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  return [...folders].sort((a, b) => a.length - b.length).flatMap((folder) => ['--perms', '0755', '--dir', folder]);
}

/**
 * The bubblewrap arguments for one run, up to and excluding the `--` before the command: new
 * namespaces (no network), a cleared environment, read-only system folders and runtimes, a
 * private /tmp, /proc and /dev, and the scratch folder as the only writable host folder.
 */
export function bwrapArgs(layout: SandboxLayout): string[] {
  const args = [
    ...namespaceArgs(layout.asRoot, layout.options),
    '--hostname',
    'sandbox',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
  ];
  for (const [name, value] of Object.entries(layout.env)) args.push('--setenv', name, value);
  const extra = (layout.runtimes ?? []).filter((prefix) => !underSystem(prefix));
  const prefixes = [...new Set([...runtimePrefixes(), ...extra])];
  const socket = layout.brokerSocket === undefined ? [] : [SANDBOX_BROKER_SOCKET];
  const targets = (layout.readOnly ?? []).map((bind) => bind.target);
  args.push(...traversableParents(['/etc/passwd', ...prefixes, ...socket, ...targets]));
  args.push(...systemArgs());
  for (const name of ['passwd', 'group', 'hosts']) args.push('--ro-bind', join(layout.etcDir, name), `/etc/${name}`);
  args.push('--proc', '/proc', '--dev', '/dev');
  // Without --size (bwrap < 0.7) /tmp is still private but only bounded by the per-file cap.
  if (layout.options.has('--size')) args.push('--size', String(layout.tmpBytes));
  args.push('--perms', '1777', '--tmpfs', '/tmp');
  for (const prefix of prefixes) args.push('--ro-bind', prefix, prefix);
  args.push('--bind', layout.scratchDir, SANDBOX_SCRATCH, '--chdir', SANDBOX_SCRATCH);
  if (layout.brokerSocket !== undefined) args.push('--bind', layout.brokerSocket, SANDBOX_BROKER_SOCKET);
  for (const { source, target } of layout.readOnly ?? []) args.push('--ro-bind', source, target);
  for (const path of layout.hidden ?? []) args.push('--tmpfs', path);
  return args;
}

// As root each run gets its own uid from this range, so that RLIMIT_NPROC counts its processes only.
const SANDBOX_UID_BASE = 2_000_000_000;
const SANDBOX_UID_SPAN = 1_000_000;
const usedUids = new Set<number>();

/** A uid for one run as root, not held by another run of this process (others are unlikely to pick it). */
export function claimUid(): number {
  for (;;) {
    const uid = SANDBOX_UID_BASE + Math.floor(Math.random() * SANDBOX_UID_SPAN);
    if (!usedUids.has(uid)) {
      usedUids.add(uid);
      return uid;
    }
  }
}

export function releaseUid(uid: number): void {
  usedUids.delete(uid);
}

/** The generated /etc files: one user for the candidate, and localhost only. */
export function etcFiles(uid: number): Record<string, string> {
  return {
    passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:${uid}:${uid}:sandbox:${SANDBOX_SCRATCH}:/usr/sbin/nologin\n`,
    group: `root:x:0:\nsandbox:x:${uid}:\n`,
    hosts: '127.0.0.1 localhost\n::1 localhost\n',
  };
}
