import type { Point } from './downsample.ts';
import type { PlotOutput, SoupPlotContext } from './plot.ts';
import { niceScale } from './render.ts';
import { TRANSITION_ENTROPY, type SoupMetrics } from '../store/soup.ts';
import { SUBSTRATES } from '../soup/substrates.ts';
import { FONT_FAMILY, GRID_LINE, MUTED, TEXT, formatNumber } from './theme.ts';

/** Pieces the soup figures share: the subtitle, the transition, axes and line thinning. */

/** Why a soup plot is not drawn, or undefined when the run has enough rows to draw a curve. */
export function tooFewRows(metrics: readonly SoupMetrics[]): PlotOutput | undefined {
  if (metrics.length >= 2) return undefined;
  return { skipped: `the soup run has ${metrics.length} metrics row${metrics.length === 1 ? '' : 's'}; a plot needs at least 2` };
}

/** The first row whose high-order entropy is above the paper's threshold, if any. */
export function transitionRow(metrics: readonly SoupMetrics[]): SoupMetrics | undefined {
  return metrics.find((row) => row.highOrderEntropy > TRANSITION_ENTROPY);
}

/** `run s1a2b3c4 · bff · 1,024 programs · epochs 0–512`, plus any extra parts. */
export function soupSubtitle(context: SoupPlotContext, ...extra: string[]): string {
  const metrics = context.metrics();
  const first = metrics[0]?.epoch ?? 0;
  const last = metrics.at(-1)?.epoch ?? 0;
  return [
    `run ${context.run.id}`,
    context.run.substrate,
    `${context.run.size.toLocaleString('en-US')} programs`,
    `epochs ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')}`,
    ...extra,
  ].join(' · ');
}

/**
 * A program's legend name: the first `length` characters of the substrate's text for it, or of
 * its hex when the substrate is not one this version knows.
 */
export function programLabel(substrate: string, hex: string, length = 16): string {
  const known = SUBSTRATES.get(substrate);
  const text = known ? known.toText(new Uint8Array(Buffer.from(hex, 'hex'))) : hex;
  const flat = text.replace(/\s+/g, ' ');
  return [...flat].slice(0, length).join('');
}

/** Bounds for the epoch axis: about eight whole-epoch intervals, ending close to the last row. */
export function epochScale(metrics: readonly SoupMetrics[]): { min: number; max: number; interval: number } {
  const first = metrics[0]?.epoch ?? 0;
  const last = Math.max(metrics.at(-1)?.epoch ?? first, first + 1);
  // A handful of epochs gets a tick at each one, never a tick between two of them.
  if (last - first <= 8) return { min: first, max: last, interval: 1 };
  return niceScale(first, last, 8);
}

/** A numeric ECharts axis in the figures' style, on the given bounds. */
export function valueAxis(name: string, scale: { min: number; max: number; interval: number }, gap: number, format: (value: number) => string = formatNumber) {
  return {
    type: 'value' as const,
    name,
    nameLocation: 'middle' as const,
    nameGap: gap,
    nameTextStyle: { fontFamily: FONT_FAMILY, color: TEXT, fontSize: 13 },
    ...scale,
    axisLine: { show: true, lineStyle: { color: MUTED } },
    axisTick: { show: true, lineStyle: { color: MUTED } },
    axisLabel: { color: TEXT, fontSize: 12, formatter: format },
    splitLine: { show: true, lineStyle: { color: GRID_LINE } },
  };
}

/**
 * At most about `limit` points of a line, in order: the points are cut into runs and each run
 * keeps its lowest and highest point, so spikes survive where every n-th point would miss them.
 */
export function thinLine(points: readonly Point[], limit: number): Point[] {
  if (points.length <= limit) return [...points];
  const runs = Math.max(1, Math.floor(limit / 2));
  const kept: Point[] = [];
  for (let run = 0; run < runs; run++) {
    const from = Math.floor((run * points.length) / runs);
    const to = Math.floor(((run + 1) * points.length) / runs);
    let low = from;
    let high = from;
    for (let index = from; index < to; index++) {
      if ((points[index] as Point)[1] < (points[low] as Point)[1]) low = index;
      if ((points[index] as Point)[1] > (points[high] as Point)[1]) high = index;
    }
    for (const index of low === high ? [low] : [Math.min(low, high), Math.max(low, high)]) kept.push(points[index] as Point);
  }
  // The last point ends the curve where the run ended.
  const last = points.at(-1) as Point;
  if (kept.at(-1) !== last) kept.push(last);
  return kept;
}
