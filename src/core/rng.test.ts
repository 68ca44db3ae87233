import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('gives equal streams for equal seeds and different ones otherwise', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (rng) => () =>
            rng.next()
        )(Rng.fromSeed(seed)),
      );
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('continues exactly from a saved state', () => {
    const rng = Rng.fromSeed(9);
    rng.next();
    const copy = new Rng(rng.state());
    expect(Array.from({ length: 10 }, () => copy.uint32())).toEqual(Array.from({ length: 10 }, () => rng.uint32()));
  });

  it('draws within range, with roughly the right moments', () => {
    const rng = Rng.fromSeed(3);
    const values = Array.from({ length: 20_000 }, () => rng.gaussian());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    for (let index = 0; index < 1000; index++) {
      const value = rng.int(7);
      expect(value >= 0 && value < 7 && Number.isInteger(value)).toBe(true);
    }
    expect(rng.weighted([0, 0, 1])).toBe(2);
  });
});
