// No line of the sources is longer than Biome's lineWidth of 140 characters. Biome wraps code, but not
// long strings, template literals or comments: those are split by hand (`'...' +` on the next line),
// which is what this test asks for when it fails. Test fixtures are data and are left as they are.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const MAX = 140;
const FOLDERS = ['src', 'test', 'bench', 'examples', 'scripts', 'bin'];
const SOURCE = /\.(ts|js|mjs)$/;
/** Not held to the rule: test data, the dashboard's built bundle, and installed or compiled code. */
const EXCLUDED = [/^test\/fixtures\//, /^src\/ui\/web\/dist\//, /(^|\/)node_modules\//, /(^|\/)dist\//];

const included = (file: string): boolean => SOURCE.test(file) && !EXCLUDED.some((pattern) => pattern.test(file));

/** The tracked files of the source folders, from git; outside a git checkout, the files found in those folders. */
function sourceFiles(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z', '--', ...FOLDERS], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\0')
      .filter((file) => file !== '');
  } catch {
    files = FOLDERS.flatMap((folder) => walk(join(ROOT, folder))).map((path) => relative(ROOT, path).split('\\').join('/'));
  }
  return files.filter((file) => included(file) && existsSync(join(ROOT, file)));
}

function walk(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/** `file:line (length)` for each line over the limit; the length counts characters, not UTF-16 units or bytes. */
function longLines(file: string): string[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      const length = [...line.replace(/\r$/, '')].length;
      return length > MAX ? [`${file}:${index + 1} (${length})`] : [];
    });
}

describe('line length', () => {
  const files = sourceFiles();

  it('reads the whole source tree', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'test/cli.test.ts', 'bench/run.ts', 'bin/ouro.js']));
    expect(files.some((file) => file.startsWith('test/fixtures/'))).toBe(false);
  });

  it(`keeps every source line within ${MAX} characters`, () => {
    const offenders = files.flatMap(longLines);
    expect(offenders, `lines over ${MAX} characters (split long strings with +, rewrap comments):\n${offenders.join('\n')}`).toEqual([]);
  });
});
