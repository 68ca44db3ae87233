import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPlot } from '../src/cli/commands/plot.ts';
import { evolve, type RunResult } from '../src/engine/evolve.ts';
import { writePlots } from '../src/plot/index.ts';
import { readCandidates } from '../src/plot/run-data.ts';
import { paletteColor } from '../src/plot/theme.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const ARCHIVE =
  "archive: { kind: 'map-elites', islands: 2, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] }, " +
  "bestKnown: { score: 0, source: 'the optimum' },";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks that tags nest and close under one `<svg>` root; returns the element names in order. */
function parseXml(xml: string): string[] {
  const body = xml
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/^<\?xml[^>]*\?>/, '')
    .trim();
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match as unknown as [string, string, string, string, string];
    if (closing) {
      expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
      continue;
    }
    if (stack.length === 0) roots++;
    names.push(name);
    if (!selfClosing) stack.push(name);
  }
  expect(stack, 'unclosed elements').toEqual([]);
  expect(roots).toBe(1);
  expect(names[0]).toBe('svg');
  // Every `<` in the text starts a tag that the pattern above matched: no stray markup.
  expect(body.split('<').length - 1).toBe([...body.matchAll(/<\/?[A-Za-z]/g)].length);
  return names;
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
}

let db: string;
let run: RunResult;
let store: SqliteStore;

beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'ouro-plot-')), 'ouro.db');
  run = await evolve(writeTinyExperiment({ config: ARCHIVE }), { db, seed: 5, budget: { evaluations: 60 } });
  store = new SqliteStore(db, { readonly: true });
});

afterAll(() => store?.close());

describe('ouro plot', () => {
  it('writes a well-formed SVG and a PNG of twice its size for each plot', () => {
    const out = mkdtempSync(join(tmpdir(), 'ouro-plots-'));
    const result = writePlots(store, run.runId, out);
    expect(result.skipped).toEqual([]);
    expect(result.written.map((plot) => plot.name)).toEqual(['score', 'lineage', 'grid']);
    for (const plot of result.written) {
      const svg = readFileSync(plot.svg, 'utf8');
      parseXml(svg);
      expect(svg).toContain(run.runId);
      const declared = svgSize(svg);
      expect(declared.width).toBeGreaterThan(0);
      expect(pngSize(readFileSync(plot.png))).toEqual({ width: declared.width * 2, height: declared.height * 2 });
    }
  });

  it('draws every ok evaluation as a point, per island, with the best-known line', () => {
    const out = mkdtempSync(join(tmpdir(), 'ouro-plots-'));
    writePlots(store, run.runId, out);
    const svg = readFileSync(join(out, 'score.svg'), 'utf8');
    const candidates = readCandidates(store, run.runId);
    const ok = candidates.filter((candidate) => candidate.score !== undefined);
    expect(svg).toContain('Score over evaluations');
    expect(svg).toContain('best known 0 (the optimum)');
    expect(svg).toContain('island 1');
    // Each island's points are one path with one move-to per point; legend icons are marked as such.
    const below = Number(/([\d,]+) below/.exec(svg)?.[1]?.replace(/,/g, '') ?? 0);
    let drawn = 0;
    for (const island of [0, 1]) {
      const color = paletteColor(island);
      const paths = [...svg.matchAll(/<path d="([^"]*)"[^>]*fill="([^"]*)"[^>]*>/g)].filter(
        (match) => match[2] === color && (match[1] as string).includes('A') && !match[0].includes('legend'),
      );
      const points = paths.reduce((sum, match) => sum + ((match[1] as string).match(/M/g)?.length ?? 0), 0);
      expect(points, `island ${island}`).toBeGreaterThan(0);
      drawn += points;
    }
    expect(drawn).toBe(ok.length - below);
  });

  it('draws the top candidates with their ancestors and labels the best', () => {
    const out = mkdtempSync(join(tmpdir(), 'ouro-plots-'));
    writePlots(store, run.runId, out);
    const svg = readFileSync(join(out, 'lineage.svg'), 'utf8');
    const names = parseXml(svg);
    const drawn = new Set([...svg.matchAll(/<circle [^>]*data-id="([^"]+)"/g)].map((match) => match[1] as string));
    expect(names.filter((name) => name === 'circle').length).toBeGreaterThanOrEqual(drawn.size);
    expect(drawn.has(run.bestCandidate as string)).toBe(true);
    expect(drawn.has(`${run.runId}-0`)).toBe(true);
    expect(svg).toContain(`best: ${run.bestCandidate}`);
    const ok = readCandidates(store, run.runId).filter((candidate) => candidate.score !== undefined);
    expect(drawn.size).toBeGreaterThanOrEqual(Math.min(20, ok.length));
    // With 60 candidates nothing is folded: every drawn candidate's parents are drawn too.
    const byId = new Map(ok.map((candidate) => [candidate.id, candidate]));
    for (const id of drawn) for (const parent of byId.get(id)?.parentIds ?? []) expect(drawn.has(parent), `${parent} of ${id}`).toBe(true);
  });

  it('fills one grid cell per island and spread bin that an ok candidate reached', () => {
    const out = mkdtempSync(join(tmpdir(), 'ouro-plots-'));
    writePlots(store, run.runId, out);
    const svg = readFileSync(join(out, 'grid.svg'), 'utf8');
    const expected = new Set(
      readCandidates(store, run.runId)
        .filter((candidate) => candidate.score !== undefined)
        // The initial candidate seeds both islands, as it does in the archive.
        .flatMap((candidate) =>
          (candidate.parentIds.length === 0 ? [0, 1] : [candidate.island]).map(
            (island) => `${island}:${Math.min(4, Math.max(0, Math.floor(candidate.features.spread ?? 0)))}`,
          ),
        ),
    );
    expect(svg.match(/class="cell"/g)?.length).toBe(expected.size);
    expect(svg.match(/class="(cell|empty)"/g)?.length).toBe(2 * 5);
    expect(svg).toContain('island 1');
  });

  it('skips the grid, with the reason, for a run without a MAP-Elites archive', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'ouro-plot-')), 'ouro.db');
    const greedy = await evolve(writeTinyExperiment({ config: "archive: { kind: 'greedy', k: 5 }," }), {
      db: other,
      seed: 2,
      budget: { evaluations: 12 },
    });
    const otherStore = new SqliteStore(other, { readonly: true });
    try {
      const result = writePlots(otherStore, greedy.runId, mkdtempSync(join(tmpdir(), 'ouro-plots-')));
      expect(result.written.map((plot) => plot.name)).toEqual(['score', 'lineage']);
      expect(result.skipped).toEqual([{ name: 'grid', reason: expect.stringContaining('greedy') }]);
    } finally {
      otherStore.close();
    }
  });
});

describe('ouro plot command', () => {
  async function ouroPlot(args: string[]): Promise<string> {
    const program = new Command('ouro').exitOverride();
    registerPlot(program);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['plot', ...args], { from: 'user' });
      return write.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      write.mockRestore();
    }
  }

  it('writes the six files beside the database by default and prints their paths', async () => {
    const output = await ouroPlot([run.runId, '--db', db, '--json']);
    const result = JSON.parse(output) as { outDir: string; written: Array<{ svg: string; png: string }> };
    expect(result.outDir).toBe(join(db, '..', 'runs', run.runId, 'plots'));
    const files = result.written.flatMap((plot) => [plot.svg, plot.png]);
    expect(files.map((path) => path.slice(result.outDir.length + 1)).sort()).toEqual([
      'grid.png',
      'grid.svg',
      'lineage.png',
      'lineage.svg',
      'score.png',
      'score.svg',
    ]);
    for (const path of files) expect(existsSync(path)).toBe(true);
  });

  it('writes into --out and prints one line per file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ouro-plots-')), 'figures');
    const output = await ouroPlot([run.runId, '--db', db, '--out', out]);
    expect(output.trim().split('\n')).toHaveLength(6);
    expect(output).toContain('score.png');
    expect(existsSync(join(out, 'lineage.svg'))).toBe(true);
  });

  it('names an unknown run', async () => {
    await expect(ouroPlot(['rnothere', '--db', db])).rejects.toMatchObject({
      code: 'run-unknown',
      message: expect.stringContaining('rnothere'),
    });
  });
});
