// Experiment folders travel to workers as content-addressed bundles stored in Redis.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { BUNDLE_KEY, type FleetRedis } from './connection.ts';

export const MAX_BUNDLE_BYTES = 20 * 1024 * 1024;
const SKIPPED = new Set(['node_modules', '.git', '.ouro']);
/** Bundles expire a week after their last run started; a running controller refreshes its own. */
const BUNDLE_TTL_SECONDS = 7 * 24 * 3600;
const COMPLETE = '.ouro-bundle-complete';
const PACKAGE_JSON = 'package.json';

export interface Bundle {
  hash: string;
  /** The folder's files by relative path, and a `package.json` that pins its module type when it has none of its own. */
  files: Map<string, Buffer>;
  /** The size of the folder's files on disk. */
  bytes: number;
}

/**
 * Reads an experiment folder (without node_modules, .git, .ouro) and hashes it. A folder without
 * its own package.json takes its module type from the nearest one above it, which a worker's
 * cache does not have: the bundle carries that type as a package.json of its own, so the unpacked
 * copy loads `evaluate.ts` as the original does, and the type is part of the hash.
 * @example
 * const bundle = await collectBundle('examples/circle-packing');
 * bundle.files.get('package.json')?.toString(); // '{"type":"module"}\n', from the project's package.json
 */
export async function collectBundle(dir: string, maxBytes = MAX_BUNDLE_BYTES): Promise<Bundle> {
  const files = new Map<string, Buffer>();
  const sizes: { path: string; size: number }[] = [];
  let bytes = 0;
  async function walk(folder: string): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const size = (await stat(path)).size;
        bytes += size;
        sizes.push({ path: relative(dir, path), size });
        if (bytes <= maxBytes) files.set(relative(dir, path).split(sep).join('/'), await readFile(path));
      }
    }
  }
  await walk(dir);
  if (bytes > maxBytes) {
    const largest = sizes
      .sort((a, b) => b.size - a.size)
      .slice(0, 3)
      .map(({ path, size }) => `${path} (${(size / 1e6).toFixed(1)} MB)`)
      .join(', ');
    throw new OuroError(
      'fleet-bundle',
      `${dir} holds ${(bytes / 1e6).toFixed(1)} MB besides node_modules, .git and .ouro, over the fleet's ` +
        `${(maxBytes / 1e6).toFixed(0)} MB limit for experiment bundles; the largest files: ${largest}. Move data the evaluator does ` +
        `not read out of the folder.`,
      { file: dir },
    );
  }
  if (!files.has(PACKAGE_JSON)) files.set(PACKAGE_JSON, Buffer.from(`${JSON.stringify(await inheritedModuleType(dir))}\n`));
  return { hash: hashFiles(files), files, bytes };
}

/**
 * The `type` field of the package.json that Node applies to files in `dir` (which has none of its
 * own): the nearest one above the folder's real path, as Node looks it up, stopping below a
 * node_modules folder. `{}` when there is none or it names no type, so that whatever package.json
 * lies above a worker's cache cannot decide it either.
 */
async function inheritedModuleType(dir: string): Promise<{ type?: string }> {
  let folder = dirname(await realpath(dir));
  for (;;) {
    if (basename(folder) === 'node_modules') return {};
    const path = join(folder, PACKAGE_JSON);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return undefined;
      throw new OuroError('fleet-bundle', `cannot read ${path}, which sets the module type of ${dir}: ${error.message}`, {
        file: path,
        cause: error,
      });
    });
    if (text !== undefined) {
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch (error) {
        throw new OuroError(
          'fleet-bundle',
          `${path}, which sets the module type of ${dir}, is not valid JSON: ${(error as Error).message}`,
          { file: path, cause: error },
        );
      }
      const type = (manifest as { type?: unknown } | null)?.type;
      return type === 'module' || type === 'commonjs' ? { type } : {};
    }
    const parent = dirname(folder);
    if (parent === folder) return {};
    folder = parent;
  }
}

function hashFiles(files: ReadonlyMap<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(path).update('\0').update(createHash('sha256').update(content).digest('hex')).update('\n');
  }
  return hash.digest('hex');
}

/** Stores a bundle unless it is there already; written under a temporary key and renamed, so no worker reads half of it. */
export async function uploadBundle(redis: FleetRedis, bundle: Bundle): Promise<void> {
  const key = BUNDLE_KEY + bundle.hash;
  if ((await redis.command('EXPIRE', [key, BUNDLE_TTL_SECONDS])) === 1) return;
  const temporary = `${key}:upload:${randomBytes(4).toString('hex')}`;
  const fields: string[] = [];
  for (const [path, content] of bundle.files) fields.push(path, content.toString('base64'));
  // An empty folder still needs a field for the key to exist.
  fields.push(COMPLETE, String(bundle.files.size));
  await redis.command('HSET', [temporary, ...fields]);
  await redis.command('RENAME', [temporary, key]);
  await redis.command('EXPIRE', [key, BUNDLE_TTL_SECONDS]);
}

export async function bundleExists(redis: FleetRedis, hash: string): Promise<boolean> {
  return (await redis.command('EXISTS', [BUNDLE_KEY + hash])) === 1;
}

/** Where workers keep bundles: `$XDG_CACHE_HOME/ouroboros/experiments`, else `~/.cache/...`, else the temp folder. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'ouroboros', 'experiments');
}

const fetching = new Map<string, Promise<string>>();

/** The local folder of a bundle, fetched from Redis the first time and checked against its hash. */
export function fetchBundle(redis: FleetRedis, hash: string, cacheDir: string): Promise<string> {
  const folder = join(cacheDir, hash);
  if (existsSync(join(folder, COMPLETE))) return Promise.resolve(folder);
  let promise = fetching.get(hash);
  if (!promise) {
    promise = download(redis, hash, folder).finally(() => fetching.delete(hash));
    fetching.set(hash, promise);
  }
  return promise;
}

async function download(redis: FleetRedis, hash: string, folder: string): Promise<string> {
  const reply = (await redis.command('HGETALL', [BUNDLE_KEY + hash])) as string[] | null;
  if (!reply || reply.length === 0) throw new Error(`bundle ${hash.slice(0, 12)} is not in Redis (yet); the controller stores it again`);
  const files = new Map<string, Buffer>();
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const path = reply[index] as string;
    if (path === COMPLETE) continue;
    if (path.startsWith('/') || path.split('/').includes('..'))
      throw new Error(`bundle ${hash.slice(0, 12)} holds a path outside its folder: ${path}`);
    files.set(path, Buffer.from(reply[index + 1] as string, 'base64'));
  }
  if (hashFiles(files) !== hash) throw new Error(`bundle ${hash.slice(0, 12)} does not match its hash`);
  const staging = `${folder}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  await mkdir(staging, { recursive: true });
  for (const [path, content] of files) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await writeFile(join(staging, path), content);
  }
  await writeFile(join(staging, COMPLETE), `${files.size}\n`);
  try {
    await rename(staging, folder);
  } catch (error) {
    // Another worker on this machine finished first: keep its copy.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(folder, COMPLETE))) throw error;
  }
  return folder;
}
