import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { gridPlot } from './grid.ts';
import { lineagePlot } from './lineage.ts';
import { PlotRegistry, type Plot, type PlotContext } from './plot.ts';
import { svgToPng, type PngOptions } from './render.ts';
import { plotContext } from './run-data.ts';
import { scorePlot } from './score.ts';

export type { Plot, PlotCandidate, PlotContext, PlotOutput } from './plot.ts';
export { PlotRegistry } from './plot.ts';
export { renderChart, svgToPng } from './render.ts';

/** The plots `ouro plot` writes: the score curve, the lineage tree and the MAP-Elites grid. */
export const defaultPlots = new PlotRegistry().register(scorePlot).register(lineagePlot).register(gridPlot);

export interface WritePlotsOptions<C = PlotContext> extends PngOptions {
  /** Which plots to write; every one of the run kind's registry by default. */
  plots?: readonly Plot<C>[];
}

export interface WrittenPlot {
  name: string;
  svg: string;
  png: string;
}

export interface PlotsResult {
  written: WrittenPlot[];
  /** Plots that do not apply to this run, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

/**
 * Writes `<name>.svg` and `<name>.png` into `outDir` for each plot of a run.
 *
 * @example
 * const store = new SqliteStore('.ouro/ouro.db', { readonly: true });
 * const { written } = writePlots(store, 'r1a2b3c4', '.ouro/runs/r1a2b3c4/plots');
 * console.log(written.map((plot) => plot.png));
 */
export function writePlots(store: Store, runId: string, outDir: string, options: WritePlotsOptions = {}): PlotsResult {
  const run = store.getRun(runId);
  if (!run) throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
  return writeFigures(plotContext(store, run), options.plots ?? defaultPlots.list(), outDir, options);
}

/** Renders each plot against one context and writes what it draws; the loop every kind of run shares. */
export function writeFigures<C>(context: C, plots: readonly Plot<C>[], outDir: string, png: PngOptions): PlotsResult {
  const result: PlotsResult = { written: [], skipped: [] };
  mkdirSync(outDir, { recursive: true });
  for (const plot of plots) {
    const output = plot.render(context);
    if ('skipped' in output) {
      result.skipped.push({ name: plot.name, reason: output.skipped });
      continue;
    }
    const svgPath = join(outDir, `${plot.name}.svg`);
    const pngPath = join(outDir, `${plot.name}.png`);
    writeFileSync(svgPath, output.svg);
    writeFileSync(pngPath, svgToPng(output.svg, png));
    result.written.push({ name: plot.name, svg: svgPath, png: pngPath });
  }
  return result;
}
