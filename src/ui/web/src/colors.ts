/** One palette for every view, so a status or an island has the same colour everywhere. */

export const STATUS_COLORS: Record<string, string> = {
  ok: '#3b5bdb',
  invalid: '#868e96',
  error: '#e03131',
  timeout: '#f08c00',
};

export const ISLAND_COLORS = ['#3b5bdb', '#0ca678', '#7048e8', '#1098ad', '#5c940d', '#c2255c', '#364fc7', '#087f5b'];

/** Low to high score; ends before yellow so it never reads as the timeout amber. */
export const SCORE_GRADIENT = ['#440154', '#3b528b', '#21918c', '#5ec962', '#b5de2b'];

export const BEST_COLOR = '#212529';
export const TARGET_COLOR = '#e8590c';

export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? '#adb5bd';
}

export function islandColor(island: number): string {
  return ISLAND_COLORS[island % ISLAND_COLORS.length] as string;
}

/** A colour on the score gradient for t in [0, 1]. */
export function gradientColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (SCORE_GRADIENT.length - 1);
  const index = Math.min(SCORE_GRADIENT.length - 2, Math.floor(position));
  const [from, to] = [parse(SCORE_GRADIENT[index] as string), parse(SCORE_GRADIENT[index + 1] as string)];
  const mix = position - index;
  return `rgb(${from.map((channel, i) => Math.round(channel + ((to[i] as number) - channel) * mix)).join(',')})`;
}

function parse(hex: string): number[] {
  return [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
}
