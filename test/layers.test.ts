// The layering rules, checked on the source: imports point down, capabilities meet only through
// their index.ts, no two files import each other (type-only imports included), and each vendor
// library stays in its infrastructure folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

const ENTRY_POINTS = ['cli', 'ui', 'fleet'];
const CAPABILITIES = ['engine', 'agents', 'soup', 'flywheel', 'tasks'];
const STRATEGIES = ['archive', 'propose', 'evaluate', 'memory', 'infer', 'prompt'];
const INFRASTRUCTURE = ['llm', 'store', 'sandbox', 'plot', 'formats'];
/** Helpers any layer may use: tsx's registration hooks, and the public test doubles' own folder. */
const ANYWHERE = ['core', 'runtime'];

/**
 * Each vendor package, and the folders allowed to import it. ECharts draws the server-side
 * figures in plot/ and the live charts of the dashboard's browser code in ui/web/.
 */
const VENDORS: Array<{ pattern: RegExp; folders: string[] }> = [
  { pattern: /^isolated-vm$/, folders: ['sandbox'] },
  { pattern: /^(bullmq|ioredis)$/, folders: ['fleet'] },
  { pattern: /^(ai|@ai-sdk\/.+)$/, folders: ['llm'] },
  { pattern: /^(better-sqlite3|pg)$/, folders: ['store'] },
  { pattern: /^@resvg\/resvg-js$/, folders: ['plot'] },
  { pattern: /^(echarts|echarts\/.+)$/, folders: ['plot', 'ui'] },
  { pattern: /^(hono|hono\/.+|@hono\/node-server)$/, folders: ['ui'] },
  { pattern: /^yaml$/, folders: ['formats'] },
];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports (type-only ones too) and dynamic imports. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const found = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((match) => match[1] as string);
}

const folderOf = (file: string): string => relative(SRC, file).split(/[\\/]/)[0] as string;
const show = (file: string): string => relative(SRC, file).split('\\').join('/');

/** The source file a relative specifier lands on, or undefined for a package. */
function landing(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
}

const FILES = sources(SRC);
const EDGES = FILES.map((file) => ({
  file,
  targets: specifiers(file).flatMap((specifier) => {
    const target = landing(file, specifier);
    return target?.startsWith(SRC) ? [{ specifier, target }] : [];
  }),
}));

function layerOf(folder: string): number {
  if (ANYWHERE.includes(folder)) return 0;
  if (INFRASTRUCTURE.includes(folder)) return 1;
  if (STRATEGIES.includes(folder)) return 2;
  if (CAPABILITIES.includes(folder)) return 3;
  if (ENTRY_POINTS.includes(folder)) return 4;
  return 5; // index.ts and the public test doubles (testing/) sit on top
}

/** Strongly connected groups of files with more than one member (Tarjan). */
function cycles(): string[][] {
  const graph = new Map(
    EDGES.map(({ file, targets }) => [file, targets.map((edge) => edge.target).filter((target) => existsSync(target))]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.map(show).sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}

describe('the layering', () => {
  it('has no import cycles, type-only imports included', () => {
    expect(cycles()).toEqual([]);
  });

  it('core does no I/O', () => {
    const offenders = EDGES.filter(({ file }) => folderOf(file) === 'core').flatMap(({ file }) =>
      specifiers(file)
        .filter((specifier) => /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads)$/.test(specifier))
        .map((specifier) => `${show(file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('imports point down: no layer imports a layer above it', () => {
    const offenders = EDGES.flatMap(({ file, targets }) =>
      targets
        .filter(({ target }) => layerOf(folderOf(target)) > layerOf(folderOf(file)))
        .map(({ specifier }) => `${show(file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no strategy imports another strategy, and infrastructure folders import only core', () => {
    const offenders = EDGES.flatMap(({ file, targets }) => {
      const from = folderOf(file);
      return targets
        .filter(({ target }) => {
          const to = folderOf(target);
          if (to === from || ANYWHERE.includes(to)) return false;
          if (STRATEGIES.includes(from)) return STRATEGIES.includes(to);
          // plot draws runs it reads from the store; no other infrastructure reaches sideways.
          if (INFRASTRUCTURE.includes(from)) return !(from === 'plot' && to === 'store');
          return false;
        })
        .map(({ specifier }) => `${show(file)} imports ${specifier}`);
    });
    expect(offenders).toEqual([]);
  });

  it('a capability reaches another capability only through its index.ts', () => {
    const offenders = EDGES.flatMap(({ file, targets }) => {
      const from = folderOf(file);
      if (!CAPABILITIES.includes(from)) return [];
      return targets
        .filter(({ target }) => {
          const to = folderOf(target);
          return to !== from && CAPABILITIES.includes(to) && show(target) !== `${to}/index.ts`;
        })
        .map(({ specifier }) => `${show(file)} imports ${specifier}`);
    });
    expect(offenders).toEqual([]);
  });

  it('each vendor library is imported only in its infrastructure folder', () => {
    const offenders = FILES.flatMap((file) =>
      specifiers(file).flatMap((specifier) => {
        const rule = VENDORS.find((vendor) => vendor.pattern.test(specifier));
        return rule && !rule.folders.includes(folderOf(file))
          ? [`${show(file)} imports ${specifier} (only ${rule.folders.join('/, ')}/ may)`]
          : [];
      }),
    );
    expect(offenders).toEqual([]);
  });

  it('finds what it checks: imports, type-only imports and cycles in a known file', () => {
    // A guard against a parser that silently matches nothing and so passes every rule.
    const engine = EDGES.find(({ file }) => show(file) === 'engine/evolve.ts');
    expect(engine?.targets.length).toBeGreaterThan(3);
    expect(EDGES.some(({ file }) => specifiers(file).some((specifier) => specifier === 'better-sqlite3'))).toBe(true);
    expect(FILES.some((file) => /import type \{/.test(readFileSync(file, 'utf8')))).toBe(true);
  });
});
