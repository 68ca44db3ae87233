import { describe, expect, it } from 'vitest';
import { CIRCLE_COUNT, type Circle, checkPacking, readCircles } from './check.ts';

/** 26 small circles on a 6 x 5 grid: valid, with room to break it in any way a test needs. */
function validCircles(): [number, number, number][] {
  const circles: [number, number, number][] = [];
  for (let index = 0; index < CIRCLE_COUNT; index++) {
    circles.push([0.1 + 0.16 * (index % 6), 0.1 + 0.2 * Math.floor(index / 6), 0.05]);
  }
  return circles;
}

async function initialPack(): Promise<(n: number) => unknown> {
  const url = new URL('./pack.js', import.meta.url).href;
  const module = (await import(url)) as { pack: (n: number) => unknown };
  return module.pack;
}

describe('the initial genome', () => {
  it('is a valid packing of 26 circles', async () => {
    const pack = await initialPack();
    const report = checkPacking(readCircles(pack(26)));
    expect(report.sumRadii).toBeGreaterThan(1.5);
    expect(report.sumRadii).toBeLessThan(2.2);
    expect(report.minRadius).toBeGreaterThan(0);
  });
});

describe('checkPacking', () => {
  it('accepts circles that touch each other and the walls exactly', () => {
    // Dyadic values, so the sums below are exact: 0.25 - 0.25 = 0, 0.75 + 0.25 = 1, d = 0.5.
    const circles: Circle[] = [
      [0.25, 0.25, 0.25],
      [0.75, 0.25, 0.25],
      [0.5, 0.75, 0.25],
    ];
    expect(checkPacking(circles).sumRadii).toBe(0.75);
  });

  it('rejects an overlap of 1e-12', () => {
    const circles: Circle[] = [
      [0.25, 0.5, 0.25],
      [0.625, 0.5, 0.125 + 1e-12],
    ];
    expect(() => checkPacking(circles)).toThrow(/^circles 0 and 1 overlap by 1(\.\d+)?e-12$/);
  });

  it('rejects a circle that leaves the square, naming the wall and the amount', () => {
    expect(() => checkPacking([[0.9, 0.5, 0.1 + 1e-9]])).toThrow('circle 0 leaves the square at x: x + r = 1.000000001');
    expect(() => checkPacking([[0.5, 0.0625, 0.125]])).toThrow('circle 0 leaves the square at y: y - r = -0.0625');
  });

  it('rejects a negative radius', () => {
    const circles = validCircles();
    circles[7] = [0.5, 0.5, -0.01];
    expect(() => checkPacking(circles)).toThrow('circle 7 radius is negative: -0.01');
  });

  it('lists the first violations and counts the rest', () => {
    const crowded: Circle[] = Array.from({ length: 8 }, () => [0.5, 0.5, 0.1] as const);
    expect(() => checkPacking(crowded)).toThrow(/; and 23 more$/);
  });

  it('reports radii statistics for a valid packing', () => {
    const report = checkPacking([
      [0.25, 0.25, 0.25],
      [0.75, 0.75, 0.125],
    ]);
    expect(report).toEqual({ sumRadii: 0.375, minRadius: 0.125, maxRadius: 0.25, spread: 0.0625 });
  });
});

describe('readCircles', () => {
  it('accepts 26 finite [x, y, r] triples', () => {
    expect(readCircles(validCircles())).toHaveLength(26);
  });

  it('rejects the wrong number of circles', () => {
    expect(() => readCircles(validCircles().slice(0, 25))).toThrow('expected 26 circles, got 25');
  });

  it.each([
    ['NaN radius', 4, [0.5, 0.5, Number.NaN], 'circle 4 radius is NaN'],
    ['Infinity', 9, [Infinity, 0.5, 0.01], 'circle 9 x is Infinity'],
    ['a string coordinate', 2, [0.5, '0.5', 0.01], 'circle 2 y is a string ("0.5"), expected a number'],
    ['a missing value', 11, [0.5, 0.5], 'circle 11 has 2 values, expected [x, y, r]'],
    ['nested junk', 5, [[0.5], 0.5, 0.01], 'circle 5 x is an array, expected a number'],
    ['an object instead of a triple', 3, { x: 0.5, y: 0.5, r: 0.01 }, 'circle 3 is an object, expected [x, y, r]'],
  ])('rejects %s', (_label, index, entry, message) => {
    const circles: unknown[] = validCircles();
    circles[index] = entry;
    expect(() => readCircles(circles)).toThrow(message);
  });

  it('rejects output that is not an array', () => {
    expect(() => readCircles({ circles: validCircles(), sum: 100 })).toThrow('pack(26) returned an object, expected an array of [x, y, r]');
    expect(() => readCircles(undefined)).toThrow('pack(26) returned undefined');
  });

  it('reads every value once, so a getter cannot show the check one radius and the score another', () => {
    const circles: unknown[] = validCircles();
    let reads = 0;
    const shifty = [0.5, 0.5];
    Object.defineProperty(shifty, 2, { get: () => (reads++ === 0 ? 0.01 : 0.5), enumerable: true });
    circles[0] = shifty;
    const snapshot = readCircles(circles);
    expect(snapshot[0]?.[2]).toBe(0.01);
    expect(reads).toBe(1);
    expect(checkPacking(snapshot).sumRadii).toBeCloseTo(25 * 0.05 + 0.01, 12);
  });
});
