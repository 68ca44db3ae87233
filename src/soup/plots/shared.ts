import type { PlotOutput } from "../../plot/plot.ts";
import type { SoupPlotContext } from "./context.ts";
import { niceScale } from "../../plot/render.ts";
import { TRANSITION_ENTROPY, type SoupMetrics } from "../store.ts";
import { SUBSTRATES } from "../substrates.ts";

/** Pieces the soup figures share: the subtitle, the transition and the epoch axis. */

/** Why a soup plot is not drawn, or undefined when the run has enough rows to draw a curve. */
export function tooFewRows(metrics: readonly SoupMetrics[]): PlotOutput | undefined {
  if (metrics.length >= 2) return undefined;
  return { skipped: `the soup run has ${metrics.length} metrics row${metrics.length === 1 ? "" : "s"}; a plot needs at least 2` };
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
    `${context.run.size.toLocaleString("en-US")} programs`,
    `epochs ${first.toLocaleString("en-US")}–${last.toLocaleString("en-US")}`,
    ...extra,
  ].join(" · ");
}

/**
 * A program's legend name: the first `length` characters of the substrate's text for it, or of
 * its hex when the substrate is not one this version knows.
 */
export function programLabel(substrate: string, hex: string, length = 16): string {
  const known = SUBSTRATES.get(substrate);
  const text = known ? known.toText(new Uint8Array(Buffer.from(hex, "hex"))) : hex;
  const flat = text.replace(/\s+/g, " ");
  return [...flat].slice(0, length).join("");
}

/** Bounds for the epoch axis: about eight whole-epoch intervals, ending close to the last row. */
export function epochScale(metrics: readonly SoupMetrics[]): { min: number; max: number; interval: number } {
  const first = metrics[0]?.epoch ?? 0;
  const last = Math.max(metrics.at(-1)?.epoch ?? first, first + 1);
  // A handful of epochs gets a tick at each one, never a tick between two of them.
  if (last - first <= 8) return { min: first, max: last, interval: 1 };
  return niceScale(first, last, 8);
}
