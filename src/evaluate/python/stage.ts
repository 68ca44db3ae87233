// The experiment folder as the sandbox sees it. Run as root, the sandbox's interpreter has a uid of
// its own, so a folder or file readable by its owner only (mkdtemp's 0700, a private home) would
// be closed to it: such a folder is copied once per run into one that others may read.
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runningAsRoot } from '../../sandbox/bubblewrap.ts';

/** Never copied and never shown to candidates: the run's database, version control, Node packages. */
export const PRIVATE_ENTRIES = new Set(['.ouro', '.git', 'node_modules']);
const MAX_ENTRIES_CHECKED = 5000;

export interface StagedFolder {
  /** The folder to bind: the experiment folder itself, or its readable copy. */
  path: string;
  /** Removes the copy, if one was made. */
  dispose(): void;
}

/** The experiment folder, or a copy others can read when running as root and some of it is private. */
export function stageExperiment(folder: string): StagedFolder {
  if (!runningAsRoot() || readableByOthers(folder)) return { path: folder, dispose: () => {} };
  const parent = mkdtempSync(join(tmpdir(), 'ouro-experiment-'));
  const copy = join(parent, basename(folder));
  cpSync(folder, copy, {
    recursive: true,
    dereference: true,
    filter: (source) => source === folder || !PRIVATE_ENTRIES.has(basename(source)),
  });
  chmodTree(parent);
  return { path: copy, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}

function readableByOthers(folder: string): boolean {
  let checked = 0;
  const walk = (path: string): boolean => {
    if (++checked > MAX_ENTRIES_CHECKED) return true; // a large data folder: assume its owner made it readable
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      return true; // a dangling link: nothing to read either way
    }
    if (stat.isDirectory()) {
      if ((stat.mode & 0o005) !== 0o005) return false;
      return readdirSync(path).every((name) => PRIVATE_ENTRIES.has(name) || walk(join(path, name)));
    }
    return (stat.mode & 0o004) !== 0;
  };
  return walk(folder);
}

function chmodTree(path: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) chmodTree(join(path, name));
  } else {
    chmodSync(path, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}
