import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPlot } from '../src/cli/commands/plot.ts';
import { evolve } from '../src/engine/evolve.ts';
import { runSoup } from '../src/soup/run.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

/** `ouro plot ...` as the command line runs it; resolves to what it printed. */
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

interface PlotJson {
  run: string;
  kind: string;
  outDir: string;
  written: Array<{ name: string; svg: string; png: string }>;
  skipped: Array<{ name: string; reason: string }>;
}

let db: string;
let soupId: string;
let evolutionId: string;

// One database holding both kinds of run, as `ouro soup run` and `ouro run` leave it.
beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'ouro-soup-plot-cli-')), 'ouro.db');
  evolutionId = (await evolve(writeTinyExperiment(), { db, seed: 2, budget: { evaluations: 8 } })).runId;
  soupId = (await runSoup({ db, size: 256, epochs: 32, seed: 7, metricsEvery: 4 })).runId;
});

describe('ouro plot <soup run>', () => {
  it('writes the three soup figures beside the database', async () => {
    const result = JSON.parse(await ouroPlot([soupId, '--db', db, '--json'])) as PlotJson;
    expect(result.kind).toBe('soup');
    expect(result.outDir).toBe(join(db, '..', 'runs', soupId, 'plots'));
    expect(result.skipped).toEqual([]);
    const files = result.written.flatMap((plot) => [plot.svg, plot.png]);
    expect(files.map((path) => path.slice(result.outDir.length + 1)).sort()).toEqual([
      'soup-bytes.png',
      'soup-bytes.svg',
      'soup-entropy.png',
      'soup-entropy.svg',
      'soup-top-programs.png',
      'soup-top-programs.svg',
    ]);
    for (const path of files) expect(statSync(path).size, path).toBeGreaterThan(1000);
    const entropy = readFileSync(join(result.outDir, 'soup-entropy.svg'), 'utf8');
    expect(entropy).toContain(soupId);
    expect(entropy).toContain('transition threshold 3');
  });

  it('writes into --out and prints one line per file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ouro-soup-plots-')), 'figures');
    const output = await ouroPlot([soupId, '--db', db, '--out', out]);
    expect(output.trim().split('\n')).toHaveLength(6);
    expect(output).toContain('soup-bytes.png');
    expect(existsSync(join(out, 'soup-top-programs.svg'))).toBe(true);
  });

  it('still writes the evolution figures for an evolution run in the same database', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ouro-soup-plots-'));
    const result = JSON.parse(await ouroPlot([evolutionId, '--db', db, '--out', out, '--json'])) as PlotJson;
    expect(result.kind).toBe('evolution');
    expect(result.written.map((plot) => plot.name)).toContain('score');
    expect(result.written.some((plot) => plot.name.startsWith('soup-'))).toBe(false);
  });

  it('names an unknown run and where to look for it', async () => {
    await expect(ouroPlot(['snothere', '--db', db])).rejects.toMatchObject({
      code: 'run-unknown',
      message: expect.stringMatching(/snothere.*ouro soup ls/),
    });
    await expect(ouroPlot(['rnothere', '--db', db])).rejects.toMatchObject({
      code: 'run-unknown',
      message: expect.stringMatching(/rnothere.*ouro ls/),
    });
  });
});
