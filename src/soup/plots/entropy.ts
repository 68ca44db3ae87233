import { TRANSITION_ENTROPY } from "../store.ts";
import type { Plot, PlotOutput } from "../../plot/plot.ts";
import type { SoupPlotContext } from "./context.ts";
import { niceScale, renderChart, type ChartOption } from "../../plot/render.ts";
import { thinLine, type Point } from "../../plot/downsample.ts";
import { epochScale, soupSubtitle, tooFewRows, transitionRow } from "./shared.ts";
import { FONT_FAMILY, HIGHLIGHT, MUTED, PALETTE, TEXT, baseOption, formatNumber, titleOption, valueAxis } from "../../plot/theme.ts";

const WIDTH = 880;
const HEIGHT = 520;
const GRID = { left: 80, right: 36, top: 84, bottom: 92 };
/** Most points drawn per curve; each curve keeps its spikes (see `thinLine`). */
const MAX_POINTS = 2000;

/**
 * The paper's state-transition figure: high-order entropy (Shannon entropy minus brotli bits per
 * byte) over epochs, the threshold of 3 dashed across, and the first epoch above it marked.
 * Shannon entropy is drawn too, lighter, as the ceiling high-order entropy can reach.
 */
export const soupEntropyPlot: Plot<SoupPlotContext> = {
  name: "soup-entropy",
  description: "high-order and Shannon entropy over epochs, with the state transition marked",
  render: renderEntropy,
};

function renderEntropy(context: SoupPlotContext): PlotOutput {
  const metrics = context.metrics();
  const missing = tooFewRows(metrics);
  if (missing) return missing;
  const highOrder: Point[] = metrics.map((row) => [row.epoch, row.highOrderEntropy]);
  const shannon: Point[] = metrics.map((row) => [row.epoch, row.shannonEntropy]);
  const transition = transitionRow(metrics);
  const top = Math.max(TRANSITION_ENTROPY + 1, ...metrics.map((row) => Math.max(row.shannonEntropy, row.highOrderEntropy)));
  // Compression overhead makes a random soup's high-order entropy a hair below zero; that does not
  // earn the axis a whole negative interval, and the unclipped line dips less than a pixel.
  const bottom = Math.min(0, ...metrics.map((row) => row.highOrderEntropy));
  const y = niceScale(bottom < -0.05 * top ? bottom : 0, top);
  const x = epochScale(metrics);
  const last = metrics.at(-1);
  const subtitle = soupSubtitle(
    context,
    transition
      ? `transition at epoch ${transition.epoch.toLocaleString("en-US")}`
      : `no transition yet (last high-order entropy ${formatNumber(last?.highOrderEntropy ?? 0)})`,
  );

  const option: ChartOption = {
    ...baseOption(),
    title: titleOption(`High-order entropy of soup ${context.run.id}`, subtitle),
    grid: { ...GRID, containLabel: false },
    legend: {
      data: ["high-order entropy", "Shannon entropy"].map((name) => ({ name, icon: "path://M0 0H30V4H0Z" })),
      bottom: 10,
      itemGap: 18,
      textStyle: { fontFamily: FONT_FAMILY, color: TEXT, fontSize: 12 },
    },
    xAxis: valueAxis("epoch", x, 30, (value) => value.toLocaleString("en-US")),
    yAxis: valueAxis("entropy (bits per byte)", y, 48),
    series: [
      {
        type: "line",
        name: "Shannon entropy",
        data: thinLine(shannon, MAX_POINTS),
        symbol: "none",
        lineStyle: { color: PALETTE[4], width: 1.4, opacity: 0.7 },
        itemStyle: { color: PALETTE[4] },
        z: 2,
      },
      {
        type: "line",
        name: "high-order entropy",
        data: thinLine(highOrder, MAX_POINTS),
        symbol: "none",
        lineStyle: { color: PALETTE[0], width: 2.2 },
        clip: false,
        itemStyle: { color: PALETTE[0] },
        z: 3,
        markLine: transitionMarks(transition?.epoch),
      },
    ],
  };
  return { svg: renderChart(option, WIDTH, HEIGHT) };
}

/** The dashed threshold across the figure and, once the soup has crossed it, a line at that epoch. */
function transitionMarks(epoch: number | undefined) {
  const label = (text: string, color: string, position: "insideEndTop" | "insideStartTop" | "end") => ({
    formatter: text,
    position,
    color,
    fontFamily: FONT_FAMILY,
    fontSize: 12,
  });
  return {
    silent: true,
    symbol: "none",
    data: [
      {
        yAxis: TRANSITION_ENTROPY,
        lineStyle: { type: "dashed" as const, color: MUTED, width: 1.5 },
        label: label(`transition threshold ${TRANSITION_ENTROPY}`, MUTED, "insideEndTop"),
      },
      ...(epoch === undefined
        ? []
        : [
            {
              xAxis: epoch,
              lineStyle: { type: "solid" as const, color: HIGHLIGHT, width: 1.5 },
              label: label(`transition at epoch ${epoch.toLocaleString("en-US")}`, HIGHLIGHT, "end"),
            },
          ]),
    ],
  };
}
