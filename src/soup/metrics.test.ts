import { describe, expect, it } from "vitest";
import { distinctPrograms, highOrderEntropy, shannonEntropy, topPrograms } from "./metrics.ts";

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe("shannonEntropy", () => {
  it("is 0 for all-equal bytes and for empty input", () => {
    expect(shannonEntropy(new Uint8Array(100))).toBe(0);
    expect(shannonEntropy(new Uint8Array(0))).toBe(0);
  });
  it("is 1 bit for two equally common values", () => {
    expect(shannonEntropy(new Uint8Array([7, 9, 9, 7]))).toBeCloseTo(1, 12);
  });
  it("is 2 bits for four equally common values; 1.5 for counts 2,1,1", () => {
    expect(shannonEntropy(new Uint8Array([1, 2, 3, 4]))).toBeCloseTo(2, 12);
    expect(shannonEntropy(new Uint8Array([5, 5, 6, 7]))).toBeCloseTo(1.5, 12);
  });
  it("is 8 bits when every byte value occurs equally often", () => {
    const all = new Uint8Array(512);
    for (let i = 0; i < all.length; i++) all[i] = i & 0xff;
    expect(shannonEntropy(all)).toBeCloseTo(8, 12);
  });
});

describe("highOrderEntropy", () => {
  it("is near 0 or negative for random bytes", () => {
    const h = highOrderEntropy(noise(64 * 1024, 12345));
    expect(h).toBeLessThan(0.1);
    expect(h).toBeGreaterThan(-1);
  });
  it("is high for a soup of one repeated random program", () => {
    const program = noise(64, 99);
    const soup = new Uint8Array(64 * 1024);
    for (let i = 0; i < 1024; i++) soup.set(program, i * 64);
    // Shannon entropy of a random 64-byte program is about 5.5 bits; brotli squeezes the
    // repetition to almost nothing, so the difference is well above the paper's threshold 3.
    expect(highOrderEntropy(soup)).toBeGreaterThan(3);
  });
});

describe("distinctPrograms and topPrograms", () => {
  const a = new Uint8Array([1, 2]);
  const b = new Uint8Array([3, 4]);
  const c = new Uint8Array([1, 3]);
  const soup = new Uint8Array([...c, ...a, ...b, ...a, ...b, ...a]);

  it("counts distinct programs", () => {
    expect(distinctPrograms(soup, 2)).toBe(3);
    expect(distinctPrograms(new Uint8Array(128))).toBe(1);
    expect(() => distinctPrograms(new Uint8Array(3), 2)).toThrow();
  });

  it("returns the k most common programs with counts, ties in order of first appearance", () => {
    const top = topPrograms(soup, 2, 2);
    expect(top.map((t) => [Array.from(t.program), t.count])).toEqual([
      [[1, 2], 3],
      [[3, 4], 2],
    ]);
    const all = topPrograms(soup, 10, 2);
    expect(all.map((t) => t.count)).toEqual([3, 2, 1]);
    const tie = topPrograms(new Uint8Array([9, 9, 8, 8]), 2, 2);
    expect(tie.map((t) => Array.from(t.program))).toEqual([
      [9, 9],
      [8, 8],
    ]);
  });

  it("defaults to 64-byte programs", () => {
    const s = new Uint8Array(64 * 3);
    s.fill(1, 64, 128);
    const top = topPrograms(s, 1);
    expect(top[0]?.count).toBe(2);
    expect(top[0]?.program.length).toBe(64);
  });
});
