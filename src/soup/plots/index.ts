import type { SoupMetrics, SoupRunRecord, SoupStore } from "../store.ts";
import { OuroError } from "../../core/errors.ts";
import { writeFigures, type PlotsResult, type WritePlotsOptions } from "../../plot/index.ts";
import { PlotRegistry } from "../../plot/plot.ts";
import type { SoupPlotContext } from "./context.ts";
import { soupBytesPlot } from "./bytes.ts";
import { soupEntropyPlot } from "./entropy.ts";
import { soupTopProgramsPlot } from "./programs.ts";

export { byteColumns, soupBytesPlot } from "./bytes.ts";
export { soupEntropyPlot } from "./entropy.ts";
export { leadingPrograms, soupTopProgramsPlot } from "./programs.ts";
export { thinLine } from "../../plot/downsample.ts";
export { programLabel } from "./shared.ts";
export type { SoupPlotContext } from "./context.ts";

/** A soup run's context whose metrics rows are read from the store once, on first use. */
export function soupPlotContext(soups: SoupStore, run: SoupRunRecord): SoupPlotContext {
  let metrics: SoupMetrics[] | undefined;
  return {
    soups,
    run,
    metrics: () => (metrics ??= soups.soupMetrics(run.id)),
  };
}

/** The plots `ouro plot` writes for a soup run: entropy, the leading programs, the byte image. */
export const soupPlots = new PlotRegistry<SoupPlotContext>()
  .register(soupEntropyPlot)
  .register(soupTopProgramsPlot)
  .register(soupBytesPlot);

/**
 * Writes the figures of a soup run (`soup-entropy`, `soup-top-programs`, `soup-bytes`) the same
 * way: an SVG and a PNG each, and the reason for any plot the run has too few rows for.
 *
 * @example
 * const store = new SqliteStore('.ouro/ouro.db', { readonly: true });
 * const soups = store.tables(SOUP_TABLES); // SOUP_TABLES from soup/store-sqlite.ts
 * if (soups) writeSoupPlots(soups, 's1a2b3c4', '.ouro/runs/s1a2b3c4/plots');
 */
export function writeSoupPlots(
  soups: SoupStore,
  runId: string,
  outDir: string,
  options: WritePlotsOptions<SoupPlotContext> = {},
): PlotsResult {
  const run = soups.getSoupRun(runId);
  if (!run) throw new OuroError("run-unknown", `no soup run ${runId} (see \`ouro soup ls\`)`, { field: "run" });
  return writeFigures(soupPlotContext(soups, run), options.plots ?? soupPlots.list(), outDir, options);
}
