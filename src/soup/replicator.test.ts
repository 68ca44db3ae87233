import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { fromBffText, PROGRAM_LENGTH } from "./bff.ts";
import { replicatorScore } from "./replicator.ts";
import { Soup } from "./soup.ts";

const KNOWN_REPLICATOR = "[[{.>]-]]-]>.{[[";

function padded(text: string): Uint8Array {
  const p = new Uint8Array(PROGRAM_LENGTH);
  p.set(fromBffText(text));
  return p;
}

describe("replicatorScore", () => {
  it("scores the known replicator as a replicator", () => {
    // Measured: the 16 instruction bytes survive in the first half (its 48 zero bytes are
    // decremented to 255 by the copy loop, so they do not equal P) and all 64 second-half
    // positions agree across branches, so the score is min(16, 64) = 16.
    for (const seed of [1, 2, 3]) {
      const r = replicatorScore(padded(KNOWN_REPLICATOR), Rng.fromSeed(seed));
      expect(r).toEqual({ score: 16, firstHalf: 16, secondHalf: 64, isReplicator: true });
    }
  });

  it("scores the all-zero program and a random program 0", () => {
    // All zeros: after four copies the first half holds noise from the previous generation;
    // a position counts only if at least 4 of 13 branches hold 0 there (about 715 / 256^4 per
    // position by chance, and noise rarely writes zeros on purpose). The second half is fresh
    // noise, so agreement by chance is just as unlikely.
    const zeros = replicatorScore(new Uint8Array(PROGRAM_LENGTH), Rng.fromSeed(1));
    expect(zeros).toEqual({ score: 0, firstHalf: 0, secondHalf: 0, isReplicator: false });
    const random = Soup.random(2, 99).program(0);
    const r = replicatorScore(random, Rng.fromSeed(1));
    expect(r).toEqual({ score: 0, firstHalf: 0, secondHalf: 0, isReplicator: false });
  });

  it("is deterministic for an RNG state and validates input", () => {
    const p = padded(KNOWN_REPLICATOR);
    expect(replicatorScore(p, Rng.fromSeed(9))).toEqual(replicatorScore(p, Rng.fromSeed(9)));
    expect(() => replicatorScore(new Uint8Array(10), Rng.fromSeed(1))).toThrow(/64 bytes/);
    expect(() => replicatorScore(p, Rng.fromSeed(1), { branches: 0, generations: 4 })).toThrow(RangeError);
    expect(() => replicatorScore(p, Rng.fromSeed(1), { branches: 13, generations: -1 })).toThrow(RangeError);
  });
});
