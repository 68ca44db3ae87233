import { describe, expect, it } from 'vitest';
import { thinPoints, type Point } from './downsample.ts';
import type { PlotCandidate } from './plot.ts';
import { bestSoFar, scoreFloor } from './score.ts';

const scored = (scores: Array<number | undefined>): PlotCandidate[] =>
  scores.map((score, seq) => ({
    id: `r-${seq}`,
    seq,
    parentIds: [],
    generation: 0,
    island: 0,
    status: score === undefined ? 'error' : 'ok',
    ...(score === undefined ? {} : { score }),
    features: {},
  }));

describe('bestSoFar', () => {
  it('keeps exactly the improvements and ends at the last evaluation', () => {
    expect(bestSoFar(scored([undefined, 1, 0.5, 3, 3, undefined, 2]))).toEqual([
      [2, 1],
      [4, 3],
      [7, 3],
    ]);
  });

  it('is empty when nothing scored', () => {
    expect(bestSoFar(scored([undefined, undefined]))).toEqual([]);
  });
});

describe('scoreFloor', () => {
  it('is the lowest score when the scores are spread evenly', () => {
    const scores = Array.from({ length: 100 }, (_, index) => index);
    expect(scoreFloor(scores, 99)).toBe(0);
  });

  it('cuts off a few scores far below the rest', () => {
    const scores = [-1e9, ...Array.from({ length: 99 }, (_, index) => index)].sort((a, b) => a - b);
    const floor = scoreFloor(scores, 98);
    expect(floor).toBeGreaterThan(-20);
    expect(floor).toBeLessThanOrEqual(2);
  });
});

describe('thinPoints', () => {
  const viewport = { xMin: 0, xMax: 100_000, yMin: 0, yMax: 1, width: 760, height: 340 };
  // Scores spread over the lower half of the axis, and one far above them.
  const cloud: Point[] = Array.from({ length: 100_000 }, (_, index) => [index + 1, ((index * 7919) % 1000) / 2000]);

  it('returns small inputs unchanged', () => {
    expect(thinPoints(cloud.slice(0, 10), viewport, 5000)).toEqual(cloud.slice(0, 10));
  });

  it('keeps at most the limit, deterministically, and keeps outliers', () => {
    const outlier: Point = [50_000.5, 0.99];
    const points = [...cloud.slice(0, 50_000), outlier, ...cloud.slice(50_000)];
    const thinned = thinPoints(points, viewport, 5000);
    expect(thinned.length).toBeLessThanOrEqual(5000);
    expect(thinned.length).toBeGreaterThan(1000);
    expect(thinPoints(points, viewport, 5000)).toEqual(thinned);
    expect(thinned).toContainEqual(outlier);
    expect(thinned.some(([x]) => x < 1000)).toBe(true);
    expect(thinned.some(([x]) => x > 99_000)).toBe(true);
  });
});
