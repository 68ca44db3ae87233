import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { PROGRAM_LENGTH } from "./bff.ts";
import { MAX_SOUP_SIZE, Soup } from "./soup.ts";

function run(seed: number, epochs: number, mutation: number): Uint8Array {
  const soup = Soup.random(256, seed);
  const rng = Rng.fromSeed(seed + 1000);
  for (let e = 0; e < epochs; e++) soup.epoch(rng, mutation);
  return soup.bytes;
}

function countNonZero(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b !== 0) n++;
  return n;
}

describe("Soup construction", () => {
  it("random soups are deterministic for a seed and hold N * 64 bytes", () => {
    const a = Soup.random(8, 7);
    const b = Soup.random(8, 7);
    expect(a.size).toBe(8);
    expect(a.bytes.length).toBe(8 * PROGRAM_LENGTH);
    expect(a.bytes).toEqual(b.bytes);
    expect(Soup.random(8, 8).bytes).not.toEqual(a.bytes);
    expect(a.program(3)).toEqual(a.bytes.subarray(192, 256));
  });

  it("fromBytes copies its input", () => {
    const src = new Uint8Array(2 * PROGRAM_LENGTH).fill(5);
    const soup = Soup.fromBytes(src);
    src[0] = 9;
    expect(soup.bytes[0]).toBe(5);
  });

  it("rejects bad sizes with the allowed range", () => {
    const msg = /soup size must be an even integer from 2 to 4194304 \(2\^22\)/;
    for (const bad of [0, -2, 1, 3, 2.5, Number.NaN, MAX_SOUP_SIZE + 2]) {
      expect(() => Soup.random(bad, 1)).toThrow(RangeError);
      expect(() => Soup.random(bad, 1)).toThrow(msg);
    }
    expect(() => Soup.fromBytes(new Uint8Array(100))).toThrow(/multiple of 64/);
    expect(() => Soup.fromBytes(new Uint8Array(64))).toThrow(msg);
    expect(() => Soup.fromBytes(new Uint8Array(0))).toThrow(msg);
  });

  it("rejects mutation rates outside [0, 1]", () => {
    const soup = Soup.random(4, 1);
    const rng = Rng.fromSeed(1);
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expect(() => soup.epoch(rng, bad)).toThrow(/mutation rate must be a number from 0 to 1/);
    }
  });
});

describe("Soup.epoch", () => {
  it("is deterministic for a seed, and a different seed differs", () => {
    const a = run(1, 20, 1 / 4096);
    const b = run(1, 20, 1 / 4096);
    expect(a).toEqual(b);
    expect(run(2, 20, 1 / 4096)).not.toEqual(a);
  });

  it("reports N/2 interactions and counts steps", () => {
    const soup = Soup.fromBytes(new Uint8Array(10 * PROGRAM_LENGTH));
    // All-zero tapes: 128 no-op steps each.
    expect(soup.epoch(Rng.fromSeed(3), 0)).toEqual({ interactions: 5, steps: 5 * 128 });
  });

  it("with mutation 0 leaves a soup of no-ops unchanged", () => {
    const soup = Soup.fromBytes(new Uint8Array(64 * PROGRAM_LENGTH));
    const rng = Rng.fromSeed(4);
    for (let e = 0; e < 10; e++) soup.epoch(rng, 0);
    expect(countNonZero(soup.bytes)).toBe(0);
  });

  it("mutates each byte with probability p (geometric gaps)", () => {
    // All-zero soup, reset every epoch; maxSteps = 0 so nothing executes and every non-zero
    // byte is a mutation. A mutation draws 0 with probability 1/256, so the expected count is
    // bytes * p * 255/256 = 819,200 / 64 * 255/256 = 12,750 (sd about 113). Fixed seed, 5%.
    const soup = Soup.fromBytes(new Uint8Array(256 * PROGRAM_LENGTH));
    const rng = Rng.fromSeed(5);
    let changed = 0;
    const epochs = 50;
    for (let e = 0; e < epochs; e++) {
      soup.bytes.fill(0);
      soup.epoch(rng, 1 / 64, 0);
      changed += countNonZero(soup.bytes);
    }
    const expected = (epochs * soup.bytes.length * (1 / 64) * 255) / 256;
    expect(Math.abs(changed - expected)).toBeLessThan(0.05 * expected);
  });

  it("mutation stays near p when the tapes also run (all-zero soup of no-ops)", () => {
    // Here mutated bytes may execute and change a few more bytes; allow 15%.
    const soup = Soup.fromBytes(new Uint8Array(256 * PROGRAM_LENGTH));
    const rng = Rng.fromSeed(6);
    let changed = 0;
    const epochs = 50;
    for (let e = 0; e < epochs; e++) {
      soup.bytes.fill(0);
      soup.epoch(rng, 1 / 64);
      changed += countNonZero(soup.bytes);
    }
    const expected = (epochs * soup.bytes.length * (1 / 64) * 255) / 256;
    expect(Math.abs(changed - expected)).toBeLessThan(0.15 * expected);
  });

  it("p = 1 replaces every byte", () => {
    const soup = Soup.fromBytes(new Uint8Array(64 * PROGRAM_LENGTH));
    soup.epoch(Rng.fromSeed(7), 1, 0);
    const changed = countNonZero(soup.bytes);
    // 4096 bytes, each non-zero with probability 255/256 (expected 4080).
    expect(changed).toBeGreaterThan(4040);
  });
});
