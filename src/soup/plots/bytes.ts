import { INSTRUCTION_CHARS, bffSubstrate } from "../bff.ts";
import type { SoupMetrics } from "../store.ts";
import type { Plot, PlotOutput } from "../../plot/plot.ts";
import type { SoupPlotContext } from "./context.ts";
import { epochScale, soupSubtitle, tooFewRows, transitionRow } from "./shared.ts";
import { colorBar, element, svgDocument, text, titleBlock } from "../../plot/svg.ts";
import { EMPTY_CELL, HIGHLIGHT, MUTED, TEXT, scoreColor } from "../../plot/theme.ts";

const WIDTH = 900;
const TOP = 84;
const LEFT = 72;
const RIGHT = 96;
/** Two SVG units per byte value: 512 units for the 256 values. */
const CELL_HEIGHT = 2;
const PLOT_HEIGHT = 256 * CELL_HEIGHT;
const BOTTOM = 104;
const HEIGHT = TOP + PLOT_HEIGHT + BOTTOM;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
/** Most columns drawn; longer runs add up the histograms of neighbouring rows. */
export const MAX_COLUMNS = 400;
/** Colours the image uses: few enough that neighbouring cells often share one and merge. */
const LEVELS = 32;

/** One column of the image: the byte histogram summed over a run of consecutive rows. */
export interface ByteColumn {
  firstEpoch: number;
  counts: Float64Array;
  total: number;
}

/** The rows cut into at most `limit` columns of consecutive rows, each with its summed histogram. */
export function byteColumns(metrics: readonly SoupMetrics[], limit = MAX_COLUMNS): ByteColumn[] {
  const count = Math.min(metrics.length, limit);
  const columns: ByteColumn[] = [];
  for (let column = 0; column < count; column++) {
    const from = Math.floor((column * metrics.length) / count);
    const to = Math.floor(((column + 1) * metrics.length) / count);
    const counts = new Float64Array(256);
    let total = 0;
    for (let index = from; index < to; index++) {
      const histogram = (metrics[index] as SoupMetrics).histogram;
      for (let value = 0; value < 256; value++) {
        const bytes = histogram[value] ?? 0;
        counts[value] = (counts[value] as number) + bytes;
        total += bytes;
      }
    }
    columns.push({ firstEpoch: (metrics[from] as SoupMetrics).epoch, counts, total });
  }
  return columns;
}

/**
 * The soup's bytes over time as an image: one column per metrics row (or run of rows), one
 * cell per byte value, coloured by the log of how many of the soup's bytes hold that value.
 * Random soups are an even haze; after the transition a replicator's instructions light up as
 * bands. Cells of one colour that touch in a column are one path segment, and each colour is
 * one path, so a 400-column image stays well under a megabyte.
 */
export const soupBytesPlot: Plot<SoupPlotContext> = {
  name: "soup-bytes",
  description: "byte-value frequencies of the soup over epochs, on a log colour scale",
  render: renderBytes,
};

function renderBytes(context: SoupPlotContext): PlotOutput {
  const metrics = context.metrics();
  const missing = tooFewRows(metrics);
  if (missing) return missing;
  const columns = byteColumns(metrics);
  // The scale runs from one byte in the soup to the most common value's share, on a log scale.
  let lowest = Infinity;
  let highest = 0;
  for (const column of columns) {
    if (column.total === 0) continue;
    lowest = Math.min(lowest, 1 / column.total);
    for (const count of column.counts) highest = Math.max(highest, count / column.total);
  }
  if (highest === 0) return { skipped: "the metrics rows record no byte histograms" };
  const low = Math.log10(lowest);
  const high = Math.max(Math.log10(highest), low + 1e-9);
  const level = (share: number) => Math.round(((Math.log10(share) - low) / (high - low)) * (LEVELS - 1));

  // For each colour level, the runs of same-level cells as path segments in cell units.
  const segments: string[][] = Array.from({ length: LEVELS }, () => []);
  columns.forEach((column, x) => {
    let value = 255;
    while (value >= 0) {
      const count = column.counts[value] as number;
      if (count === 0 || column.total === 0) {
        value--;
        continue;
      }
      const shade = Math.min(LEVELS - 1, Math.max(0, level(count / column.total)));
      const top = 255 - value;
      let length = 1;
      while (value - length >= 0) {
        const next = column.counts[value - length] as number;
        if (next === 0 || level(next / column.total) !== shade) break;
        length++;
      }
      (segments[shade] as string[]).push(`M${x} ${top}h1v${length}h-1z`);
      value -= length;
    }
  });
  const cellWidth = PLOT_WIDTH / columns.length;
  const paths = segments.flatMap((parts, shade) =>
    parts.length === 0
      ? []
      : [
          element("path", {
            class: "byte-cells",
            fill: scoreColor(shade, 0, LEVELS - 1),
            d: parts.join(""),
          }),
        ],
  );

  const first = metrics[0]?.epoch ?? 0;
  const last = metrics.at(-1)?.epoch ?? first;
  // Rows are taken as evenly spaced: the epoch of row i sits at the middle of its 1/n of the width.
  const rowsWide = metrics.length;
  const xOf = (epoch: number) =>
    LEFT + (((last > first ? ((epoch - first) / (last - first)) * (rowsWide - 1) : 0) + 0.5) / rowsWide) * PLOT_WIDTH;
  const transition = transitionRow(metrics);
  const sampled = columns.length < metrics.length ? [`${columns.length} columns of ${metrics.length.toLocaleString("en-US")} rows`] : [];

  return {
    svg: svgDocument(WIDTH, HEIGHT, [
      ...titleBlock(`Byte values in soup ${context.run.id} over epochs`, soupSubtitle(context, ...sampled)),
      element("rect", { x: LEFT, y: TOP, width: PLOT_WIDTH, height: PLOT_HEIGHT, fill: EMPTY_CELL }),
      // Cell units scaled to the plot; crisp edges keep neighbouring cells from showing seams.
      element(
        "g",
        { transform: `translate(${LEFT} ${TOP}) scale(${round(cellWidth)} ${CELL_HEIGHT})`, "shape-rendering": "crispEdges" },
        paths.join(""),
      ),
      element("rect", { x: LEFT, y: TOP, width: PLOT_WIDTH, height: PLOT_HEIGHT, fill: "none", stroke: TEXT, "stroke-width": 0.6 }),
      ...valueTicks(),
      ...epochTicks(metrics, xOf),
      ...(context.run.substrate === bffSubstrate.name ? instructionMarks() : []),
      ...(transition ? transitionLine(xOf(transition.epoch), transition.epoch) : []),
      element("rect", { x: LEFT, y: HEIGHT - 46, width: 14, height: 14, fill: EMPTY_CELL, stroke: MUTED, "stroke-width": 0.5 }),
      text(LEFT + 20, HEIGHT - 35, "no byte holds the value", { "font-size": 11, fill: MUTED }),
      text(WIDTH - RIGHT - 260, HEIGHT - 58, "share of the soup's bytes, % (log scale)", { "font-size": 11, fill: MUTED }),
      ...colorBar(WIDTH - RIGHT - 260, HEIGHT - 50, 260, 100 * lowest, 100 * highest, ""),
    ]),
  };
}

/** Byte values up the left side, with the axis name. */
function valueTicks(): string[] {
  const parts: string[] = [];
  for (const value of [0, 32, 64, 96, 128, 160, 192, 224, 255]) {
    const y = TOP + (255 - value + 0.5) * CELL_HEIGHT;
    parts.push(element("line", { x1: LEFT - 5, y1: y, x2: LEFT, y2: y, stroke: MUTED }));
    parts.push(text(LEFT - 8, y + 4, String(value), { "font-size": 11, "text-anchor": "end" }));
  }
  const middle = TOP + PLOT_HEIGHT / 2;
  parts.push(text(20, middle, "byte value", { "font-size": 13, "text-anchor": "middle", transform: `rotate(-90 20 ${middle})` }));
  return parts;
}

/** Round epochs along the bottom, with the axis name. */
function epochTicks(metrics: readonly SoupMetrics[], xOf: (epoch: number) => number): string[] {
  const scale = epochScale(metrics);
  const first = metrics[0]?.epoch ?? 0;
  const last = metrics.at(-1)?.epoch ?? first;
  const bottom = TOP + PLOT_HEIGHT;
  const parts: string[] = [];
  const ticks = Math.round((scale.max - scale.min) / scale.interval);
  for (let step = 0; step <= ticks; step++) {
    const epoch = scale.min + step * scale.interval;
    if (epoch < first || epoch > last) continue;
    const x = xOf(epoch);
    parts.push(element("line", { x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: MUTED }));
    parts.push(text(x, bottom + 18, epoch.toLocaleString("en-US"), { "font-size": 11, "text-anchor": "middle" }));
  }
  parts.push(text(LEFT + PLOT_WIDTH / 2, bottom + 38, "epoch", { "font-size": 13, "text-anchor": "middle" }));
  return parts;
}

/**
 * BFF's ten instruction bytes, ticked on the right edge. Some codes are neighbours (`+ , - .` are
 * 43–46), too close for one label each, so codes at most 3 apart share a label.
 */
function instructionMarks(): string[] {
  const codes = [...INSTRUCTION_CHARS].map((char) => char.charCodeAt(0)).sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const code of codes) {
    const group = groups.at(-1);
    if (group && code - (group.at(-1) as number) <= 3) group.push(code);
    else groups.push([code]);
  }
  const right = LEFT + PLOT_WIDTH;
  const yOf = (code: number) => TOP + (255 - code + 0.5) * CELL_HEIGHT;
  const parts = codes.map((code) =>
    element("line", { x1: right, y1: yOf(code), x2: right + 6, y2: yOf(code), stroke: HIGHLIGHT, "stroke-width": 1, class: "instruction" }),
  );
  for (const group of groups) {
    const y = (yOf(group[0] as number) + yOf(group.at(-1) as number)) / 2;
    parts.push(
      text(right + 10, y + 4, group.map((code) => String.fromCharCode(code)).join(" "), {
        "font-size": 12,
        "font-family": "DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace",
        fill: HIGHLIGHT,
      }),
    );
  }
  // The caption sits above the highest label, inside the margin and clear of the transition label.
  parts.push(text(right + 10, yOf(codes.at(-1) as number) - 18, "BFF ops", { "font-size": 11, fill: HIGHLIGHT }));
  return parts;
}

function transitionLine(x: number, epoch: number): string[] {
  return [
    element("line", { x1: x, y1: TOP, x2: x, y2: TOP + PLOT_HEIGHT, stroke: HIGHLIGHT, "stroke-width": 1.2, "stroke-dasharray": "5 4" }),
    // Near the right edge the label ends at the line, clear of the instruction legend.
    text(x, TOP - 8, `transition at epoch ${epoch.toLocaleString("en-US")}`, {
      "font-size": 11,
      fill: HIGHLIGHT,
      "text-anchor": x > LEFT + PLOT_WIDTH * 0.75 ? "end" : "middle",
    }),
  ];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
