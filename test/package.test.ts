// The package as a user gets it: `npm pack`, installed into a fresh ESM project, imported from
// plain Node (no tsx) and type-checked against its .d.ts files. Offline: the install takes every
// dependency from the npm cache, at the versions of this repo's lock file.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Plain Node: nothing inherited from the test runner may load TypeScript for the child. */
const PLAIN_ENV = { ...process.env, NODE_OPTIONS: '' };

interface LockEntry {
  dev?: boolean;
  hasInstallScript?: boolean;
  [field: string]: unknown;
}
interface Lock {
  packages: Record<string, LockEntry>;
}

let work: string;
let project: string;

/** Runs a command, failing with its output: a build or install error must be readable in the report. */
async function exec(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, env: PLAIN_ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    // The tail only: a failed type check of the old layout printed hundreds of lines.
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${`${stderr ?? ''}\n${stdout ?? ''}`.slice(-6000)}`);
  }
}

/**
 * A lock file for the consumer: the tarball, plus this repo's locked runtime dependencies (dev ones
 * left out), so that `npm ci --offline` finds each of them in the cache by its integrity.
 */
function consumerLock(tarball: string): Lock {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies: { ouroboros: `file:${tarball}` } },
    'node_modules/ouroboros': {
      version: manifest.version,
      resolved: `file:${tarball}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry;
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages } as Lock;
}

function* addons(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') yield* addons(path);
    else if (entry.isFile() && entry.name.endsWith('.node')) yield path;
  }
}

/**
 * The install scripts of better-sqlite3 and isolated-vm download prebuilt addons (unreachable
 * here) or compile them from source (minutes), so the install skips scripts and the consumer gets
 * the addons this checkout already built, from the very same package versions.
 */
function copyNativeAddons(lock: Lock): void {
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.hasInstallScript !== true || !existsSync(join(ROOT, path)) || !existsSync(join(project, path))) continue;
    for (const addon of addons(join(ROOT, path))) {
      const target = join(project, path, relative(join(ROOT, path), addon));
      mkdirSync(join(target, '..'), { recursive: true });
      copyFileSync(addon, target);
    }
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ouro-package-'));
  const packed = join(work, 'packed');
  project = join(work, 'consumer');
  mkdirSync(packed);
  mkdirSync(project);
  // `npm pack` runs `prepare`, which builds dist/ from the sources as they are now.
  await exec(NPM, ['pack', '--pack-destination', packed], ROOT);
  const [tarball] = readdirSync(packed).filter((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${packed}`);
  copyFileSync(join(packed, tarball), join(project, tarball));

  const { overrides } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { overrides?: unknown };
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { ouroboros: `file:${tarball}` },
        overrides,
      },
      null,
      2,
    ),
  );
  const lock = consumerLock(tarball);
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
  await exec(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  copyNativeAddons(lock);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed into a user project', () => {
  it('ships the compiled code, its assets and the CLI, and no TypeScript sources', () => {
    const installed = join(project, 'node_modules', 'ouroboros');
    expect(existsSync(join(installed, 'src'))).toBe(false);
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/infer/index.js',
      'dist/infer/index.d.ts',
      'dist/testing/index.js',
      'dist/testing/index.d.ts',
      'dist/runtime/register.js',
      'dist/evaluate/worker-entry.js',
      'dist/propose/llm/templates/system.md',
      'dist/ui/web/dist/index.html',
      'bin/ouro.js',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    const shipped = readdirSync(join(installed, 'dist'), { recursive: true }).map(String);
    expect(shipped.filter((name) => /\.test\.[jt]s$/.test(name) || (name.endsWith('.ts') && !name.endsWith('.d.ts')))).toEqual([]);
  });

  it('imports every entry point in plain Node, runs self-consistency on a scripted model and evolves an experiment', async () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `
import * as root from 'ouroboros';
import { openModel, selfConsistency } from 'ouroboros/infer';
import { startScriptedLlmServer, writeTinyExperiment } from 'ouroboros/testing';

const server = await startScriptedLlmServer({ script: [{ text: 'The answer is 12.' }, { text: 'I get 11.' }, { text: '#### 12' }] });
const model = openModel(\`compat:\${server.compatBaseURL}#scripted\`);
const voted = await selfConsistency(model, 'Pens cost 3 dollars. What do 4 pens cost?', ` +
        `{ extract: 'number', stop: { rule: 'fixed', samples: 3 } });
await server.close();

const checked = root.experimentSchema.safeParse(root.defineExperiment({ name: 'bad', genome: ['solve.js'], ` +
        `archive: { kind: 'greedy', k: 0 } }));
const dir = writeTinyExperiment({ parent: process.cwd() });
const result = await root.evolve(dir, { seed: 1, db: 'runs.db', budget: { evaluations: 6 } });
console.log(JSON.stringify({
  rootNames: Object.keys(root),
  answer: voted.answer, samples: voted.samples.length, requests: server.requests.length,
  issue: checked.success ? null : checked.error.issues[0].path.join('.'),
  runId: result.runId, evaluations: result.evaluations, bestScore: result.bestScore,
}));
`,
    );
    const output = JSON.parse(await exec(process.execPath, ['use.mjs'], project)) as Record<string, unknown>;
    expect(output.rootNames).toEqual(expect.arrayContaining(['defineExperiment', 'evolve', 'resume', 'experimentSchema', 'z']));
    // The test-time methods moved to `ouroboros/infer`: the root no longer carries them.
    expect(output.rootNames).not.toContain('selfConsistency');
    expect(output).toMatchObject({ answer: '12', samples: 3, requests: 3, issue: 'archive.k', evaluations: 6 });
    // The first candidate is the tiny experiment's own genome, (1, 0.5, 2.5): score -14.25.
    expect(output.bestScore).toBeGreaterThanOrEqual(-14.25);

    // The CLI from the installed package reads the run the library just stored.
    const listed = JSON.parse(
      await exec(process.execPath, [join('node_modules', 'ouroboros', 'bin', 'ouro.js'), 'ls', '--json', '--db', 'runs.db'], project),
    ) as Array<{ id: string; evaluations: number }>;
    expect(listed).toMatchObject([{ id: output.runId, evaluations: 6 }]);
  }, 300_000);

  it('type-checks a TypeScript consumer against the installed .d.ts files', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `
import { defineExperiment, evolve, type RunResult } from 'ouroboros';
import { selfConsistency, type SelfConsistencyResult } from 'ouroboros/infer';
import { writeTinyExperiment, type ScriptStep } from 'ouroboros/testing';
// @ts-expect-error: the test-time methods are exported from ouroboros/infer only
import { selfDebug } from 'ouroboros';

export const config = defineExperiment({ name: 'typed', genome: ['solve.js'], budget: { evaluations: 10 } });

export async function evaluations(): Promise<number> {
  const result: RunResult = await evolve(writeTinyExperiment(), { seed: 1 });
  return result.evaluations;
}

export const step: ScriptStep = { text: 'The answer is 12.' };

export function vote(): Promise<SelfConsistencyResult> {
  return selfConsistency(async () => '12', 'question', { extract: 'number', stop: { rule: 'fixed', samples: 3 } });
}

// Declarations that resolved to \`any\` would accept both of these.
// @ts-expect-error: a genome is a list of file names
defineExperiment({ name: 'typed', genome: 'solve.js' });
// @ts-expect-error: 'always' is no stopping rule
void selfConsistency(async () => '12', 'question', { stop: { rule: 'always' } });
void selfDebug;
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(ROOT, 'node_modules', '@types')],
          },
          files: ['consumer.ts'],
        },
        null,
        2,
      ),
    );
    await exec(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
  }, 300_000);
});
