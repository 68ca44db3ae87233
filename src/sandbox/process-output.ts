// What the process tier keeps of a finished sandbox: capped output, the `collect` files read from
// the host side, and the removal of its folder. Nothing here runs candidate code.
import { constants, rmSync } from 'node:fs';
import { chmod, lstat, open, readdir, realpath, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { PROCESS_DEFAULTS } from './process-limits.ts';

/** Keeps the first `limit` bytes of a stream and counts the rest, which is still drained. */
export class CappedOutput {
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
export async function collectFiles(scratch: string, names: readonly string[]): Promise<Record<string, string>> {
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
/** Folders of finished sandboxes still being removed, by path. */
const removing = new Map<string, Promise<void>>();
let exitHookInstalled = false;

/**
 * Removes a finished sandbox's folder, once `after` (its processes' exit) has settled, without
 * making its run wait for it; `removalsSettled` waits for all of them, processes included, and
 * whatever is left when the host exits is removed then.
 */
export function removeInBackground(path: string, after?: Promise<void>): Promise<void> {
  if (!exitHookInstalled) {
    process.once('exit', () => {
      for (const left of removing.keys()) {
        try {
          rmSync(left, { recursive: true, force: true });
        } catch {
          // a folder the candidate locked: the system's temporary folder cleaning takes it
        }
      }
    });
    exitHookInstalled = true;
  }
  const removal = (after ?? Promise.resolve()).then(() => removeTree(path)).finally(() => removing.delete(path));
  removing.set(path, removal);
  return removal;
}

/** Resolves when every folder handed to `removeInBackground` so far is gone. */
export async function removalsSettled(): Promise<void> {
  await Promise.all(removing.values());
}

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
