import type { SoupMetrics } from "../store.ts";
import type { Plot, PlotOutput } from "../../plot/plot.ts";
import type { SoupPlotContext } from "./context.ts";
import { niceScale, renderChart, type ChartOption } from "../../plot/render.ts";
import { programLabel, epochScale, soupSubtitle, tooFewRows, transitionRow } from "./shared.ts";
import { FONT_FAMILY, MUTED, TEXT, baseOption, paletteColor, titleOption, valueAxis } from "../../plot/theme.ts";

const WIDTH = 880;
const HEIGHT = 540;
const GRID = { left: 80, right: 36, top: 84, bottom: 112 };
/** How many programs get a line. */
export const PROGRAM_LINES = 5;
/** Most rows drawn; longer runs are sampled evenly (the curves are abundances, not noise). */
const MAX_ROWS = 1500;

export interface ProgramTrace {
  /** The program's bytes as hex. */
  program: string;
  /** Its highest count in any row. */
  peak: number;
}

/**
 * The programs with the highest peak count over the whole run, highest first; ties go to the
 * program that reached its peak first, so the choice does not depend on map order.
 */
export function leadingPrograms(metrics: readonly SoupMetrics[], limit = PROGRAM_LINES): ProgramTrace[] {
  const peaks = new Map<string, { peak: number; at: number }>();
  metrics.forEach((row, index) => {
    for (const entry of row.topPrograms) {
      const known = peaks.get(entry.program);
      if (!known || entry.count > known.peak) peaks.set(entry.program, { peak: entry.count, at: index });
    }
  });
  return [...peaks]
    .sort(([, a], [, b]) => b.peak - a.peak || a.at - b.at)
    .slice(0, limit)
    .map(([program, { peak }]) => ({ program, peak }));
}

/**
 * How much of the soup the leading programs are over epochs, one line each. A row keeps only its
 * most common programs, so a program missing from a row is drawn as a gap, not as zero.
 */
export const soupTopProgramsPlot: Plot<SoupPlotContext> = {
  name: "soup-top-programs",
  description: "share of the soup held by the most abundant programs, over epochs",
  render: renderTopPrograms,
};

function renderTopPrograms(context: SoupPlotContext): PlotOutput {
  const metrics = context.metrics();
  const missing = tooFewRows(metrics);
  if (missing) return missing;
  const leaders = leadingPrograms(metrics);
  if (leaders.length === 0) return { skipped: "no metrics row records any program counts" };
  const size = context.run.size;
  const stride = Math.ceil(metrics.length / MAX_ROWS);
  const rows = metrics.filter((_, index) => index % stride === 0 || index === metrics.length - 1);
  const names = uniqueNames(leaders.map((leader) => programLabel(context.run.substrate, leader.program)));
  const percent = (count: number) => (100 * count) / size;
  const peak = Math.max(...leaders.map((leader) => percent(leader.peak)));
  const y = niceScale(0, Math.min(100, Math.max(peak, 1)));
  const x = epochScale(metrics);
  const transition = transitionRow(metrics);
  const kept = metrics[0]?.topPrograms.length ?? 0;

  const option: ChartOption = {
    ...baseOption(),
    title: titleOption(
      `Most abundant programs in soup ${context.run.id}`,
      soupSubtitle(context, `top ${leaders.length} by peak count`, ...(kept > 0 ? [`gaps: not among a row's ${kept} most common`] : [])),
    ),
    grid: { ...GRID, containLabel: false },
    legend: {
      data: names.map((name) => ({ name, icon: "path://M0 0H30V4H0Z" })),
      bottom: 10,
      itemGap: 18,
      // The texts are code: a monospaced font keeps their columns lined up.
      textStyle: { fontFamily: `DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace`, color: TEXT, fontSize: 12 },
    },
    xAxis: valueAxis("epoch", x, 30, (value) => value.toLocaleString("en-US")),
    yAxis: valueAxis(`share of the soup (%, of ${size.toLocaleString("en-US")} programs)`, y, 48),
    series: leaders.map((leader, index) => ({
      type: "line" as const,
      name: names[index] as string,
      data: withIsolatedPoints(
        rows.map((row) => {
          const entry = row.topPrograms.find((candidate) => candidate.program === leader.program);
          return [row.epoch, entry ? percent(entry.count) : null];
        }),
      ),
      connectNulls: false,
      symbol: "none",
      lineStyle: { color: paletteColor(index), width: 2 },
      itemStyle: { color: paletteColor(index) },
      z: 3 + PROGRAM_LINES - index,
      ...(index === 0 && transition
        ? {
            markLine: {
              silent: true,
              symbol: "none",
              data: [
                {
                  xAxis: transition.epoch,
                  lineStyle: { type: "dashed" as const, color: MUTED, width: 1.2 },
                  label: {
                    formatter: `transition (epoch ${transition.epoch.toLocaleString("en-US")})`,
                    position: "end" as const,
                    color: MUTED,
                    fontFamily: FONT_FAMILY,
                    fontSize: 11,
                  },
                },
              ],
            },
          }
        : {}),
    })),
    tooltip: { show: false },
  };
  return { svg: renderChart(option, WIDTH, HEIGHT) };
}

/**
 * The line draws no symbols, so a value with gaps on both sides would be invisible: those get a
 * dot of their own.
 */
function withIsolatedPoints(points: Array<[number, number | null]>) {
  return points.map((point, index) => {
    const alone = point[1] !== null && (points[index - 1]?.[1] ?? null) === null && (points[index + 1]?.[1] ?? null) === null;
    return alone ? { value: point, symbol: "circle", symbolSize: 5 } : point;
  });
}

/** Legend names must differ, or ECharts merges the series: repeats get ` (2)`, ` (3)`. */
function uniqueNames(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}
