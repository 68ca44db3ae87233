/**
 * How a command runs in a warm sandbox: which launcher waits in it, and the header that tells
 * the launcher what to run once the work arrives. The launchers live in ./launchers and are
 * bound read-only into the sandbox; see each file for its side of the header.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `node`: Node already running, loads the program in-process. `generic`: bash, which `exec`s the command. */
export type LauncherKind = 'node' | 'generic';

export interface WarmLaunch {
  kind: LauncherKind;
  /** Written on the program's stdin before its own input. */
  header: string;
}

/** The Node launcher's last line on stdout, with the sandbox's nonce and the program's exit code (see launchers/node.js). */
export function nodeExitLine(nonce: string): RegExp {
  return new RegExp(`\\0ouro-exit:${nonce}:(\\d{1,3})\\n$`);
}

/** The launchers' folder on the host: beside this file in src/ and in the built dist/. */
export const LAUNCHERS_FOLDER = fileURLToPath(new URL('./launchers/', import.meta.url));
/** Where the launchers' folder appears inside an isolated sandbox (read-only). */
export const SANDBOX_LAUNCHERS = '/run/ouro/launchers';

/**
 * The command that starts a launcher, given the folder it is seen in (SANDBOX_LAUNCHERS, or the
 * host's without isolation); undefined where it cannot run (a system without bash), and runs stay cold.
 */
export function launcherCommand(kind: LauncherKind, folder: string): string[] | undefined {
  if (kind === 'node') return ['node', `${folder}/node.js`];
  // /usr and /bin are bound into the sandbox as they are, so the host's bash is the sandbox's.
  const bash = ['/usr/bin/bash', '/bin/bash'].find((path) => existsSync(path));
  return bash === undefined ? undefined : [bash, '--noprofile', '--norc', `${folder}/generic.sh`];
}

/**
 * The launcher for `command` and its header. Node programs in the two forms the Node launcher
 * reproduces (`node <file> [args]`, `node -e <code> [args]`) get it; anything else, Node with
 * flags included, goes to the generic launcher, which runs the command exactly as given.
 *
 * @example
 * planLaunch(['node', 'main.js', '3']).kind; // 'node'
 * planLaunch(['node', '--max-old-space-size=64', 'main.js']).kind; // 'generic'
 */
export function planLaunch(command: readonly string[]): WarmLaunch {
  const node = nodeHeader(command);
  if (node !== undefined) {
    const json = JSON.stringify(node);
    return { kind: 'node', header: `${Buffer.byteLength(json, 'utf8')}\n${json}` };
  }
  return { kind: 'generic', header: [String(command.length), ...command, ''].join('\0') };
}

type NodeHeader = { file: string; args: string[] } | { eval: string; flag: string; args: string[] };

function nodeHeader(command: readonly string[]): NodeHeader | undefined {
  const [program, first, ...rest] = command;
  if (program !== 'node' || first === undefined) return undefined;
  if (first === '-e' || first === '--eval') {
    const [code, ...args] = rest;
    // Node 20 gives vm scripts import() only behind a flag: code that may use it goes to the generic launcher.
    if (code === undefined || /\bimport\b/.test(code)) return undefined;
    if (args[0] === '--') args.shift();
    // Before the first plain argument Node would still read options.
    else if (args[0]?.startsWith('-')) return undefined;
    return { eval: code, flag: first, args };
  }
  // `node inspect` is Node's debugger, not a script named inspect.
  if (first.startsWith('-') || first === 'inspect') return undefined;
  return { file: first, args: rest };
}
