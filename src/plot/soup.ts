import type { SoupMetrics, SoupRunRecord, SoupStore } from '../store/soup.ts';
import { PlotRegistry } from './plot.ts';
import type { SoupPlotContext } from './plot.ts';
import { soupBytesPlot } from './soup-bytes.ts';
import { soupEntropyPlot } from './soup-entropy.ts';
import { soupTopProgramsPlot } from './soup-programs.ts';

export { byteColumns, soupBytesPlot } from './soup-bytes.ts';
export { soupEntropyPlot } from './soup-entropy.ts';
export { leadingPrograms, soupTopProgramsPlot } from './soup-programs.ts';
export { thinLine } from './downsample.ts';
export { programLabel } from './soup-shared.ts';

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
export const soupPlots = new PlotRegistry<SoupPlotContext>().register(soupEntropyPlot).register(soupTopProgramsPlot).register(soupBytesPlot);
