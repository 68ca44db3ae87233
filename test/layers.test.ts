import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const STRATEGIES = ['archive', 'propose', 'evaluate', 'memory', 'infer'];
const ENTRY_POINTS = ['engine', 'cli', 'ui', 'fleet'];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1] as string);
}

/** The top-level src folder an import lands in, or undefined for packages. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(SRC, resolve(file, '..', specifier)).split(/[\\/]/)[0];
}

describe('DESIGN layering', () => {
  it('core does no I/O', () => {
    const offenders = sources(join(SRC, 'core')).flatMap((file) =>
      imports(file).filter((specifier) => /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads|better-sqlite3)$/.test(specifier)).map((specifier) => `${relative(SRC, file)} imports ${specifier}`));
    expect(offenders).toEqual([]);
  });

  it('no strategy folder imports another strategy, the engine or an entry point', () => {
    const offenders: string[] = [];
    for (const folder of STRATEGIES) {
      let files: string[];
      try {
        files = sources(join(SRC, folder));
      } catch {
        continue;
      }
      for (const file of files) {
        for (const specifier of imports(file)) {
          const landing = target(file, specifier);
          if (landing && landing !== folder && [...STRATEGIES, ...ENTRY_POINTS].includes(landing)) offenders.push(`${relative(SRC, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('core imports nothing above it', () => {
    const offenders = sources(join(SRC, 'core')).flatMap((file) =>
      imports(file).filter((specifier) => { const landing = target(file, specifier); return landing !== undefined && landing !== 'core'; }).map((specifier) => `${relative(SRC, file)} imports ${specifier}`));
    expect(offenders).toEqual([]);
  });

  it('only evaluate/ reaches the sandbox, and the infrastructure layers import nothing above them', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const from = relative(SRC, file).split(/[\\/]/)[0] as string;
      for (const specifier of imports(file)) {
        const landing = target(file, specifier);
        if (landing === 'sandbox' && from !== 'sandbox' && from !== 'evaluate') offenders.push(`${relative(SRC, file)} imports ${specifier}`);
        if (['llm', 'store', 'sandbox', 'soup'].includes(from) && landing !== undefined && !['core', 'runtime', from].includes(landing)) {
          offenders.push(`${relative(SRC, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

