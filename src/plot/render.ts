import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { FONT_FAMILY } from './theme.ts';

/** A chart's option object, for plots drawn outside this folder (the soup's). */
export type ChartOption = echarts.EChartsOption;

/** Renders an ECharts option to an SVG document without a browser. */
export function renderChart(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface PngOptions {
  /** Pixels per SVG unit; 2 gives print-quality figures (default 2). */
  scale?: number;
  /** Font files to use besides the system's, for machines without fonts. */
  fontFiles?: string[];
}

/** Rasterises an SVG document to PNG on a white background. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      fontFiles: options.fontFiles ?? [],
      defaultFontFamily: FONT_FAMILY.split(',')[0]?.trim() ?? 'sans-serif',
    },
    // A missing family falls back to the first system font; saying so on every plot is noise.
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/** Axis bounds on round numbers with about `ticks` intervals, for `min`, `max` and `interval`. */
export function niceScale(low: number, high: number, ticks = 5): { min: number; max: number; interval: number } {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { min: 0, max: 1, interval: 0.2 };
  if (high < low) [low, high] = [high, low];
  if (high === low) {
    const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
    low -= pad;
    high += pad;
  }
  const raw = (high - low) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
  // Rounding guards against 0.30000000000000004-style tick labels.
  const round = (value: number) => Number(value.toPrecision(12));
  return { min: round(Math.floor(low / step) * step), max: round(Math.ceil(high / step) * step), interval: round(step) };
}
