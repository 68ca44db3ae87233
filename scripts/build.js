// Builds the published package into dist/ (`npm run build`, and `prepare` on install and pack).
// The code finds its prompt templates, worker entries and launchers relative to itself, so dist/
// mirrors src/ file for file: tsc compiles every .ts file (tsconfig.build.json), every other file
// is copied to the same place, and Vite builds the dashboard where the server looks for it.
// Plain JavaScript, so that it runs before anything is compiled. It needs no network.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const ROOT = dirname(import.meta.dirname);
const SOURCE = join(ROOT, 'src');
const OUT = join(ROOT, 'dist');
/** The dashboard's browser code: Vite builds it into dist/ui/web/dist, so none of it is copied. */
const FRONT_END = join(SOURCE, 'ui', 'web');

/** True for a file tsc compiles itself, or one only the tests use. */
function compiledOrTest(file) {
  const name = file.slice(file.lastIndexOf(sep) + 1);
  if (/\.test\.[cm]?[jt]s$/.test(name)) return true;
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

/** Every file under `folder` that is not compiled: templates, .js/.mjs entries, hand-written .d.ts. */
function* assets(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (path === FRONT_END) continue;
    if (entry.isDirectory()) yield* assets(path);
    else if (entry.isFile() && !compiledOrTest(path)) yield path;
  }
}

// A file moved or deleted in src/ must not survive in dist/ from an earlier build.
rmSync(OUT, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  process.stderr.write(`build: tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal})\n`);
  process.exit(1);
}

let copied = 0;
for (const file of assets(SOURCE)) {
  const target = join(OUT, relative(SOURCE, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied += 1;
}

const { build } = await import('vite');
await build({
  configFile: join(FRONT_END, 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: join(OUT, 'ui', 'web', 'dist'), emptyOutDir: true },
});

process.stdout.write(`build: dist/ holds the compiled sources, ${copied} copied files and the dashboard\n`);
