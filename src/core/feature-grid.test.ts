import { describe, expect, it } from 'vitest';
import { OuroError } from './errors.ts';
import { binOf, defaultFeatureAxes, FeatureGrid, gridAxes, homeIslands, storedMapElites } from './feature-grid.ts';

const axis = { name: 'spread', min: 0, max: 5, bins: 5 };

describe('binOf', () => {
  it('bins between min and max and clamps outside values, as the archive does', () => {
    expect([-1, 0, 0.99, 1, 4.99, 5, 50].map((value) => binOf(axis, value))).toEqual([0, 0, 0, 1, 4, 4, 4]);
    expect(binOf(axis, undefined)).toBe(0);
    expect(binOf(axis, Number.NaN)).toBe(0);
  });

  it('reads a stored null or a non-number as missing, not as the number 0', () => {
    const centred = { name: 'tilt', min: -1, max: 1, bins: 4 };
    expect(binOf(centred, 0)).toBe(2);
    expect(binOf(centred, null)).toBe(0);
    expect(binOf(centred, '0.5')).toBe(0);
    expect(binOf(centred, Number.POSITIVE_INFINITY)).toBe(3);
  });
});

describe('FeatureGrid', () => {
  const axes = [
    { name: 'x', min: 0, max: 10, bins: 5 },
    { name: 'y', min: 0, max: 1, bins: 2 },
    { name: 'z', min: 0, max: 3, bins: 3 },
  ];

  it('numbers cells with the first axis fastest and folds axes after the second into rows', () => {
    const grid = new FeatureGrid(axes);
    expect([grid.cells, grid.columns, grid.rows]).toEqual([30, 5, 6]);
    const features = { x: 4, y: 0.7, z: 2.5 };
    expect(grid.binsOf(features)).toEqual([2, 1, 2]);
    expect(grid.cellOf(features)).toBe(2 + 5 * (1 + 2 * 2));
    expect(grid.positionOf(features)).toEqual({ x: 2, y: 1 + 2 * 2 });
    expect(grid.rowBins(5)).toEqual([1, 2]);
  });

  it('gives every combination of bins its own cell and position', () => {
    const grid = new FeatureGrid(axes);
    const seen = new Set<string>();
    const numbers = new Set<number>();
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 2; y++) {
        for (let z = 0; z < 3; z++) {
          const features = { x: 2 * x + 1, y: 0.5 * y + 0.25, z: z + 0.5 };
          expect(grid.binsOf(features)).toEqual([x, y, z]);
          const position = grid.positionOf(features);
          expect(position.y * grid.columns + position.x).toBe(grid.cellOf(features));
          expect(grid.rowBins(position.y)).toEqual([y, z]);
          seen.add(`${position.x}:${position.y}`);
          numbers.add(grid.cellOf(features));
        }
      }
    }
    expect(seen.size).toBe(30);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, cell) => cell));
  });

  it('has one cell, at the origin, without axes', () => {
    const grid = new FeatureGrid([]);
    expect([grid.cells, grid.columns, grid.rows]).toEqual([1, 1, 1]);
    expect(grid.positionOf({ length: 300 })).toEqual({ x: 0, y: 0 });
  });

  it('refuses a malformed axis, naming it', () => {
    expect(() => new FeatureGrid([axis, { name: 'flat', min: 1, max: 1, bins: 3 }])).toThrow(OuroError);
    expect(() => new FeatureGrid([axis, { name: 'flat', min: 1, max: 1, bins: 3 }])).toThrow(
      'archive.features.1: axis flat: max must be greater than min',
    );
    expect(() => new FeatureGrid([{ ...axis, bins: 2.5 }])).toThrow('archive.features.0: axis spread: bins must be a positive integer');
    expect(() => new FeatureGrid([{ ...axis, min: Number.NaN }])).toThrow('max must be greater than min');
    const huge = Array.from({ length: 6 }, (_, index) => ({ name: `f${index}`, min: 0, max: 1, bins: 1_000_000 }));
    expect(() => new FeatureGrid(huge)).toThrow('archive.features: the grid has too many cells to number');
  });
});

describe('gridAxes', () => {
  it('uses the configured axes, or the engine default over the initial genome length', () => {
    expect(gridAxes([axis], undefined)).toEqual([axis]);
    expect(gridAxes(undefined, { 'pack.js': 'x'.repeat(201) })).toEqual([{ name: 'length', min: 100, max: 402, bins: 10 }]);
    expect(gridAxes(undefined, undefined)).toEqual([]);
  });

  it('keeps an empty list of axes: the archive then has one cell per island, not the default axis', () => {
    expect(gridAxes([], { 'pack.js': 'x'.repeat(201) })).toEqual([]);
  });

  it('counts every file of the initial genome', () => {
    expect(defaultFeatureAxes({ 'a.js': 'x'.repeat(60), 'b.md': 'y'.repeat(41) })).toEqual([
      { name: 'length', min: 50, max: 202, bins: 10 },
    ]);
  });
});

describe('homeIslands', () => {
  it('seeds the initial entry on every island and wraps any other island number', () => {
    expect(homeIslands(0, true, 3)).toEqual([0, 1, 2]);
    expect(homeIslands(2, false, 3)).toEqual([2]);
    expect(homeIslands(5, false, 4)).toEqual([1]);
    expect(homeIslands(-1, false, 4)).toEqual([3]);
  });
});

describe('storedMapElites', () => {
  it('reads islands and axes from a stored config, and tells no axes from an empty list', () => {
    expect(storedMapElites({ archive: { kind: 'dgm', lambda: 10 } })).toBeUndefined();
    expect(storedMapElites({})).toBeUndefined();
    expect(storedMapElites({ archive: { kind: 'map-elites', islands: 2 } })).toEqual({ islands: 2, features: undefined });
    expect(storedMapElites({ archive: { kind: 'map-elites', islands: 3, features: [] } })).toEqual({ islands: 3, features: [] });
    expect(storedMapElites({ archive: { kind: 'map-elites', islands: 1, features: [{ name: 'spread', min: 0, max: 5 }] } })).toEqual({
      islands: 1,
      features: [{ name: 'spread', min: 0, max: 5, bins: 10 }],
    });
  });

  it('falls back to the schema default of 4 islands when the stored value is unusable', () => {
    expect(storedMapElites({ archive: { kind: 'map-elites' } })?.islands).toBe(4);
    expect(storedMapElites({ archive: { kind: 'map-elites', islands: 0 } })?.islands).toBe(4);
  });
});
