/**
 * One look for every figure: white background, dark text, a colour-blind-safe palette for
 * categories (Okabe and Ito) and viridis for scores. The font list starts with families that
 * Debian, macOS and Windows ship; the PNG renderer falls back to any installed font.
 */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';

export const TEXT = '#222222';
export const MUTED = '#666666';
export const GRID_LINE = '#e4e4e4';
export const FAILED = '#d55e00';
export const HIGHLIGHT = '#d62728';
export const EMPTY_CELL = '#f2f2f2';

/** Categorical colours, one per island (Okabe-Ito without black and yellow, which read badly as points). */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#999933', '#882255'];

export function paletteColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

/** Viridis, sampled at nine even stops from low to high. */
export const SCORE_COLORS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** The viridis colour of `value` between `min` and `max` (the middle when the range is empty). */
export function scoreColor(value: number, min: number, max: number): string {
  const position = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0.5;
  const scaled = position * (SCORE_COLORS.length - 1);
  const low = Math.floor(scaled);
  const high = Math.min(low + 1, SCORE_COLORS.length - 1);
  const from = hexToRgb(SCORE_COLORS[low] as string);
  const to = hexToRgb(SCORE_COLORS[high] as string);
  const mix = (channel: number) =>
    Math.round((from[channel] as number) + ((to[channel] as number) - (from[channel] as number)) * (scaled - low));
  return `#${[0, 1, 2].map((channel) => mix(channel).toString(16).padStart(2, '0')).join('')}`;
}

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16));
}

/** Options every chart shares: no animation (the SVG is a snapshot), white background, the font. */
export function baseOption(): Record<string, unknown> {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY, color: TEXT, fontSize: 13 },
  };
}

/** A title and a smaller subtitle, left-aligned, as figures in papers have them. */
export function titleOption(text: string, subtext: string): Record<string, unknown> {
  return {
    text,
    subtext,
    left: 16,
    top: 10,
    textStyle: { fontFamily: FONT_FAMILY, color: TEXT, fontSize: 17, fontWeight: 'bold' },
    subtextStyle: { fontFamily: FONT_FAMILY, color: MUTED, fontSize: 12 },
  };
}

/** A score for a label: at most four significant digits, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

/** A numeric ECharts axis in the figures' style, on the given bounds. */
export function valueAxis(
  name: string,
  scale: { min: number; max: number; interval: number },
  gap: number,
  format: (value: number) => string = formatNumber,
) {
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
