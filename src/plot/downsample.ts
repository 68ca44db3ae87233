/** A point to draw: x and y in data units. */
export type Point = [number, number];

export interface Viewport {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Plot area in SVG units. */
  width: number;
  height: number;
}

/**
 * Keeps at most `limit` of `points`, one per screen cell: points that would be drawn on top of each
 * other collapse to the first of them, so the cloud's shape and its outliers survive while a
 * run of 100,000 evaluations stays a few thousand SVG elements. The cell grows until the limit
 * holds. Deterministic: the same points give the same result.
 */
export function thinPoints(points: readonly Point[], viewport: Viewport, limit: number): Point[] {
  if (points.length <= limit) return [...points];
  const xSpan = viewport.xMax - viewport.xMin || 1;
  const ySpan = viewport.yMax - viewport.yMin || 1;
  let cell = 1.5;
  for (;;) {
    const columns = Math.max(1, Math.ceil(viewport.width / cell));
    const rows = Math.max(1, Math.ceil(viewport.height / cell));
    const seen = new Set<number>();
    const kept: Point[] = [];
    for (const point of points) {
      const column = clampIndex(((point[0] - viewport.xMin) / xSpan) * columns, columns);
      const row = clampIndex(((point[1] - viewport.yMin) / ySpan) * rows, rows);
      const key = row * columns + column;
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(point);
    }
    if (kept.length <= limit || (columns === 1 && rows === 1)) return kept.slice(0, limit);
    cell *= 1.25;
  }
}

function clampIndex(value: number, count: number): number {
  return Math.min(count - 1, Math.max(0, Math.floor(value)));
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
