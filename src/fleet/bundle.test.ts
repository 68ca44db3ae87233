// Bundles keep the module type an experiment folder has where it lives, through a real Redis.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import { OuroError } from '../core/errors.ts';
import { collectBundle, fetchBundle, uploadBundle } from './bundle.ts';
import { FleetRedis } from './connection.ts';
import { startLocalRedis, type LocalRedis } from './local-fleet.ts';

const redis = await requireService('redis-server', probes.redis);

/** Prints how Node loads a .js file in its folder: CommonJS has `require`, an ES module has not. */
const PROBE = "console.log(typeof require === 'function' ? 'commonjs' : 'module');\n";

const temp = mkdtempSync(join(tmpdir(), 'ouro-bundle-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** `<temp>/<name>/project/experiment`, with the given package.json files above and in it. */
function experiment(name: string, manifests: { grandparent?: string; parent?: string; own?: string }): string {
  const grandparent = join(temp, name);
  const dir = join(grandparent, 'project', 'experiment');
  mkdirSync(dir, { recursive: true });
  if (manifests.grandparent !== undefined) writeFileSync(join(grandparent, 'package.json'), manifests.grandparent);
  if (manifests.parent !== undefined) writeFileSync(join(grandparent, 'project', 'package.json'), manifests.parent);
  if (manifests.own !== undefined) writeFileSync(join(dir, 'package.json'), manifests.own);
  writeFileSync(join(dir, 'probe.js'), PROBE);
  return dir;
}

const manifestOf = async (dir: string): Promise<string | undefined> => (await collectBundle(dir)).files.get('package.json')?.toString();

describe('collectBundle and the module type', () => {
  it('takes the type of the nearest package.json above the folder', async () => {
    expect(await manifestOf(experiment('module', { parent: '{ "name": "p", "type": "module" }' }))).toBe('{"type":"module"}\n');
    expect(await manifestOf(experiment('commonjs', { parent: '{ "type": "commonjs" }' }))).toBe('{"type":"commonjs"}\n');
    // The nearest one decides even when it names no type, as in Node: a grandparent's type does not apply.
    expect(await manifestOf(experiment('untyped', { grandparent: '{ "type": "module" }', parent: '{ "name": "p" }' }))).toBe('{}\n');
    expect(await manifestOf(experiment('skips-missing', { grandparent: '{ "type": "module" }' }))).toBe('{"type":"module"}\n');
  });

  it("ships a folder's own package.json as it is", async () => {
    const own = '{ "name": "mine", "type": "commonjs", "private": true }\n';
    const bundle = await collectBundle(experiment('own', { parent: '{ "type": "module" }', own }));
    expect(bundle.files.get('package.json')?.toString()).toBe(own);
    expect([...bundle.files.keys()].sort()).toEqual(['package.json', 'probe.js']);
  });

  it('hashes the type with the files: the same files under another type are another bundle', async () => {
    const asModule = await collectBundle(experiment('hash-module', { parent: '{ "type": "module" }' }));
    const asCommonjs = await collectBundle(experiment('hash-commonjs', { parent: '{ "type": "commonjs" }' }));
    const again = await collectBundle(experiment('hash-module-again', { parent: '{ "type": "module", "name": "other" }' }));
    expect(asModule.hash).not.toBe(asCommonjs.hash);
    expect(again.hash).toBe(asModule.hash);
  });

  it('names a package.json above the folder that is not JSON', async () => {
    const dir = experiment('broken', { parent: '{ "type": ' });
    const error = await collectBundle(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).code).toBe('fleet-bundle');
    expect((error as OuroError).file).toBe(join(temp, 'broken', 'project', 'package.json'));
    expect((error as OuroError).message).toMatch(/is not valid JSON/);
  });
});

describe.skipIf(redis.missing)(redis.title('an unpacked bundle loads its files as the original folder does'), () => {
  let server: LocalRedis;
  let connection: FleetRedis;
  // A worker's cache under a folder whose package.json says module: it must not decide for the bundle.
  const cacheDir = join(temp, 'worker', 'cache');

  beforeAll(async () => {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(temp, 'worker', 'package.json'), '{ "type": "module" }\n');
    server = await startLocalRedis();
    connection = await FleetRedis.open(server.url);
  });
  afterAll(async () => {
    connection?.close();
    await server?.stop();
  });

  const cases: [string, { grandparent?: string; parent?: string; own?: string }, string][] = [
    ['a module package.json above it', { parent: '{ "type": "module" }' }, 'module'],
    ['a commonjs package.json above it', { parent: '{ "type": "commonjs" }' }, 'commonjs'],
    ['a package.json with no type above it', { grandparent: '{ "type": "module" }', parent: '{}' }, 'commonjs'],
    ['its own package.json', { parent: '{ "type": "commonjs" }', own: '{ "type": "module" }' }, 'module'],
  ];

  it.each(cases)('with %s', async (name, manifests, expected) => {
    const dir = experiment(`unpacked-${name.replaceAll(' ', '-')}`, manifests);
    const bundle = await collectBundle(dir);
    await uploadBundle(connection, bundle);
    const folder = await fetchBundle(connection, bundle.hash, cacheDir);
    expect(folder).toBe(join(cacheDir, bundle.hash));
    const run = (cwd: string): string => execFileSync(process.execPath, ['probe.js'], { cwd, encoding: 'utf8' }).trim();
    expect(run(dir)).toBe(expected);
    expect(run(folder)).toBe(expected);
    expect(readFileSync(join(folder, 'probe.js'), 'utf8')).toBe(PROBE);
  });
});
