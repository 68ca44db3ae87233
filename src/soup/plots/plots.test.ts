import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSoup } from "../run.ts";
import { fromBffText, padProgram } from "../bff.ts";
import { toHex } from "../hex.ts";
import type { SoupMetrics, SoupRunSettings, SoupStore } from "../store.ts";
import { SqliteStore } from "../../store/sqlite.ts";
import { soupPlotContext, soupPlots, writeSoupPlots, type SoupPlotContext } from "./index.ts";
import type { PlotOutput } from "../../plot/plot.ts";
import { byteColumns, leadingPrograms, programLabel, soupBytesPlot, soupEntropyPlot, soupTopProgramsPlot, thinLine } from "./index.ts";
import { SOUP_TABLES } from "../store-sqlite.ts";

const SETTINGS: SoupRunSettings = {
  mutation: 0,
  maxSteps: 8192,
  metricsEvery: 8,
  snapshotEvery: 1024,
  epochs: 320,
  stopOnTransition: false,
  seeded: [],
};
const program = (text: string) => toHex(padProgram(fromBffText(text)));
const REPLICATOR = program("[[{.>]-]]-]>.{[[");
const RIVAL = program("+-+-[<>]{}..,,");
const NOISE = Array.from({ length: 8 }, (_, index) => program("+".repeat(index + 1)));

/** A metrics row: the entropy given, program counts as given, and a histogram leaning on `+` as it rises. */
function row(epoch: number, highOrderEntropy: number, programs: Array<[string, number]>): SoupMetrics {
  const histogram = new Uint32Array(256);
  for (let value = 0; value < 256; value++) histogram[value] = 64 + ((value * 7 + epoch) % 13);
  histogram[0x2b] = Math.round(200 * highOrderEntropy);
  return {
    epoch,
    shannonEntropy: 7.9 - highOrderEntropy / 3,
    highOrderEntropy,
    distinctPrograms: 100,
    topReplicatorScore: 0,
    topPrograms: programs.map(([hex, count]) => ({ program: hex, count })),
    interactions: epoch * 512,
    steps: epoch * 9000,
    elapsedMs: epoch,
    histogram,
  };
}

/** Forty rows, eight epochs apart, whose entropy first passes 3 at epoch 200. */
function risingRows(): SoupMetrics[] {
  return Array.from({ length: 40 }, (_, index) => {
    const epoch = index * 8;
    const entropy = index < 25 ? 0.1 * index : 3.2 + 0.02 * index;
    const replicator = index < 10 ? 1 : 10 * (index - 9);
    const rival = index > 5 && index < 30 ? 40 : 0;
    return row(epoch, entropy, [
      [REPLICATOR, replicator],
      ...(rival > 0 ? [[RIVAL, rival] as [string, number]] : []),
      ...NOISE.map((hex, n) => [hex, 1 + n] as [string, number]),
    ]);
  });
}

const svgOf = (output: PlotOutput): string => {
  if ("skipped" in output) throw new Error(`skipped: ${output.skipped}`);
  expect(output.svg.startsWith("<svg")).toBe(true);
  expect(output.svg.trimEnd().endsWith("</svg>")).toBe(true);
  return output.svg;
};
/** The SVG's text with character references undone, to find labels that contain `<` or `>`. */
const plain = (svg: string) =>
  svg
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&");

let dir: string;
let store: SqliteStore;
let soups: SoupStore;

function soupRun(id: string, rows: readonly SoupMetrics[], size = 1024): SoupPlotContext {
  soups.createSoupRun({ id, substrate: "bff", size, seed: 1, settings: SETTINGS, createdAt: 0 });
  for (const metrics of rows) soups.recordSoupMetrics(id, metrics);
  return soupPlotContext(soups, soups.getSoupRun(id) as NonNullable<ReturnType<SoupStore["getSoupRun"]>>);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ouro-soup-plot-"));
  store = new SqliteStore(join(dir, "ouro.db"));
  soups = store.tables(SOUP_TABLES) as SoupStore;
});

afterAll(() => store?.close());

describe("soup plots", () => {
  it("registers entropy, top programs and bytes, in that order", () => {
    expect(soupPlots.list().map((plot) => plot.name)).toEqual(["soup-entropy", "soup-top-programs", "soup-bytes"]);
  });

  it("reads the metrics once per context", () => {
    const context = soupRun("sonce", risingRows());
    expect(context.metrics()).toBe(context.metrics());
    expect(context.metrics()).toHaveLength(40);
  });

  it("draws entropy with the threshold and the transition epoch", () => {
    const svg = svgOf(soupEntropyPlot.render(soupRun("sentropy", risingRows())));
    expect(svg).toContain("High-order entropy of soup sentropy");
    expect(svg).toContain("bff · 1,024 programs");
    expect(svg).toContain("transition threshold 3");
    expect(svg).toContain("transition at epoch 200");
    expect(svg).toContain("Shannon entropy");
  });

  it("says when the soup has not transitioned", () => {
    const rows = risingRows().slice(0, 20);
    const svg = svgOf(soupEntropyPlot.render(soupRun("sflat", rows)));
    expect(svg).toContain("transition threshold 3");
    expect(svg).not.toContain("transition at epoch");
    expect(svg).toContain("no transition yet");
  });

  it("picks the programs with the highest peaks and names them by their text", () => {
    const rows = risingRows();
    expect(leadingPrograms(rows).map((entry) => entry.program)).toEqual([REPLICATOR, RIVAL, NOISE[7], NOISE[6], NOISE[5]]);
    expect(leadingPrograms(rows)[0]?.peak).toBe(300);
    expect(programLabel("bff", REPLICATOR)).toBe("[[{.>]-]]-]>.{[[");
    expect(programLabel("bff", RIVAL)).toBe("+-+-[<>]{}..,,··");
    expect(programLabel("unknown-substrate", REPLICATOR)).toBe(REPLICATOR.slice(0, 16));
    const raw = svgOf(soupTopProgramsPlot.render(soupRun("sprograms", rows)));
    // `<` in a program's text is escaped, so the document stays well-formed.
    expect(raw).not.toContain("[<>]");
    const svg = plain(raw);
    expect(svg).toContain("Most abundant programs in soup sprograms");
    for (const hex of [REPLICATOR, RIVAL, NOISE[7] as string]) expect(svg).toContain(programLabel("bff", hex));
    expect(svg).toContain("transition (epoch 200)");
  });

  it("draws the byte image as cells, with BFF instructions and the transition marked", () => {
    const svg = svgOf(soupBytesPlot.render(soupRun("sbytes", risingRows())));
    const cells = [...svg.matchAll(/class="byte-cells"[^>]* d="([^"]*)"/g)].reduce(
      (sum, match) => sum + ((match[1] as string).match(/M/g)?.length ?? 0),
      0,
    );
    // 40 columns of 256 values: at least one run per column, at most one per cell.
    expect(cells).toBeGreaterThanOrEqual(40);
    expect(cells).toBeLessThanOrEqual(40 * 256);
    expect(svg.match(/class="instruction"/g)).toHaveLength(10);
    expect(plain(svg)).toContain("+ , - .");
    expect(svg).toContain("transition at epoch 200");
    expect(svg).toContain("byte value");
  });

  it("adds up neighbouring rows into at most 400 columns", () => {
    const rows = Array.from({ length: 1001 }, (_, index) => row(index, 0.5, []));
    const columns = byteColumns(rows);
    expect(columns).toHaveLength(400);
    expect(columns[0]?.firstEpoch).toBe(0);
    const total = (metrics: readonly SoupMetrics[]) =>
      metrics.reduce((sum, metrics) => sum + metrics.histogram.reduce((a, b) => a + b, 0), 0);
    expect(columns.reduce((sum, column) => sum + column.total, 0)).toBe(total(rows));
    expect(byteColumns(rows.slice(0, 7))).toHaveLength(7);
  });

  it("keeps every figure of a 1,000-row run small", () => {
    const rows = Array.from({ length: 1000 }, (_, index) =>
      row(index * 16, index < 600 ? index / 250 : 4, [
        [REPLICATOR, Math.max(1, index - 500)],
        [RIVAL, (index * 37) % 50],
        ...NOISE.map((hex, n) => [hex, (index + n) % 9] as [string, number]),
      ]),
    );
    const context = soupRun("sthousand", rows);
    for (const plot of soupPlots.list()) expect(svgOf(plot.render(context)).length, plot.name).toBeLessThan(5_000_000);
    expect(svgOf(soupBytesPlot.render(context))).toContain("400 columns of 1,000 rows");
  });

  it("stays under 5 MB even when no two neighbouring cells share a colour", () => {
    // Alternating rare and common values: every one of the 400 × 256 cells is a run of its own.
    const rows = Array.from({ length: 1000 }, (_, index) => {
      const metrics = row(index, 0.1, []);
      for (let value = 0; value < 256; value++) metrics.histogram[value] = value % 2 === 0 ? 1 : 100_000;
      return metrics;
    });
    const svg = svgOf(soupBytesPlot.render(soupRun("sworst", rows)));
    const runs = [...svg.matchAll(/class="byte-cells"[^>]* d="([^"]*)"/g)].reduce(
      (sum, match) => sum + ((match[1] as string).match(/M/g)?.length ?? 0),
      0,
    );
    expect(runs).toBe(400 * 256);
    expect(svg.length).toBeLessThan(5_000_000);
  });

  it("skips every plot with fewer than two rows", () => {
    for (const [id, rows] of [
      ["sempty", []],
      ["sone", [row(0, 0.1, [[REPLICATOR, 1]])]],
    ] as const) {
      const context = soupRun(id, rows);
      for (const plot of soupPlots.list()) expect(plot.render(context)).toEqual({ skipped: expect.stringContaining("at least 2") });
    }
  });

  it("thins a long line to its extremes, keeping the last point", () => {
    const points = Array.from({ length: 10_000 }, (_, index) => [index, index === 4321 ? 99 : Math.sin(index)] as [number, number]);
    const thin = thinLine(points, 500);
    expect(thin.length).toBeLessThanOrEqual(501);
    expect(thin).toContainEqual([4321, 99]);
    expect(thin.at(-1)).toEqual([9999, Math.sin(9999)]);
    expect(thinLine(points.slice(0, 3), 500)).toEqual(points.slice(0, 3));
  });
});

describe("writeSoupPlots", () => {
  it("writes an SVG and a PNG for each plot of a real soup run", async () => {
    const result = await runSoup({ db: store, size: 256, epochs: 48, seed: 3, metricsEvery: 4 });
    const out = join(dir, "plots", result.runId);
    const written = writeSoupPlots(soups, result.runId, out);
    expect(written.skipped).toEqual([]);
    expect(written.written.map((plot) => plot.name)).toEqual(["soup-entropy", "soup-top-programs", "soup-bytes"]);
    for (const plot of written.written) {
      for (const path of [plot.svg, plot.png]) {
        expect(existsSync(path), path).toBe(true);
        expect(statSync(path).size, path).toBeGreaterThan(1000);
      }
    }
  });

  it("reports plots it skips and writes nothing for them", () => {
    soupRun("sshort", [row(0, 0.1, [[REPLICATOR, 1]])]);
    const out = join(dir, "plots", "sshort");
    const result = writeSoupPlots(soups, "sshort", out);
    expect(result.written).toEqual([]);
    expect(result.skipped.map((plot) => plot.name)).toEqual(["soup-entropy", "soup-top-programs", "soup-bytes"]);
    expect(existsSync(join(out, "soup-entropy.svg"))).toBe(false);
  });

  it("names an unknown run and where to find soup runs", () => {
    expect(() => writeSoupPlots(soups, "snothere", join(dir, "none"))).toThrow(
      expect.objectContaining({
        code: "run-unknown",
        message: expect.stringMatching(/snothere.*ouro soup ls/),
      }),
    );
  });
});
