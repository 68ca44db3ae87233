/**
 * The soup: N programs of 64 bytes in one flat `Uint8Array`, and the epoch
 * that pairs them up, mutates the pair's tape and runs it.
 *
 * Choices made where the issue leaves room (each one written down here):
 * - Sizes: N must be an even integer in [MIN_SOUP_SIZE, MAX_SOUP_SIZE] = [2, 2^22] (the upper
 *   bound keeps the soup at 256 MiB or less). Anything else is a RangeError naming the range.
 * - Initial bytes: `Soup.random` draws them from `Rng.fromSeed(seed)`, four bytes per 32-bit
 *   draw (little-endian order of the word).
 * - Shuffle: each epoch resets a preallocated `Uint32Array` to the identity and runs
 *   Fisher–Yates on it with `rng.int`. Resetting first means an epoch's result depends only on
 *   the soup bytes and the RNG state, never on earlier permutations (useful for resuming).
 *   Pair k is (perm[2k], perm[2k+1]); the first becomes A (tape bytes 0–63), the second B.
 * - Mutation: the 128-byte tapes of one epoch are treated as one stream of bytes in which
 *   each byte is mutated independently with probability p. Instead of one draw per byte, the
 *   number of untouched bytes before the next mutation is drawn from the geometric
 *   distribution, gap = floor(ln(1 - u) / ln(1 - p)) with u uniform in [0, 1), which gives
 *   P(gap = k) = (1 - p)^k p exactly (up to floating point). The countdown carries over from
 *   one tape to the next within an epoch and is drawn fresh at the start of every epoch (the
 *   geometric distribution is memoryless, so both are correct). p = 0 mutates nothing and
 *   draws nothing; p = 1 mutates every byte. A mutated byte is `rng.uint32() & 0xff`, so it
 *   may by chance equal the old byte (as "replaced by a uniform random byte" implies).
 * - Mutation is applied before the tape runs (to the programs in the soup, in tape order, which
 *   is the same thing), then the tape runs with the substrate's `runTape` (8,192 steps at most)
 *   and the halves are copied back to A and B.
 * - An epoch is split in two: `pairAndMutate` (serial, every random draw) and `runPairs`
 *   (parallel, no randomness). So a soup's history depends only on its seed, never on how many
 *   worker threads ran the pairs.
 * - `epoch` allocates nothing: the permutation and the tape are preallocated per soup.
 */
import { Rng } from "../core/rng.ts";
import { bffSubstrate, DEFAULT_MAX_STEPS, PROGRAM_LENGTH, TAPE_LENGTH } from "./bff.ts";
import type { Substrate } from "./substrate.ts";

export const MIN_SOUP_SIZE = 2;
export const MAX_SOUP_SIZE = 2 ** 22;
export const DEFAULT_SOUP_SIZE = 2 ** 17;
export const DEFAULT_MUTATION = 1 / 4096;

export interface EpochResult {
  /** Pairs run this epoch (N / 2). */
  interactions: number;
  /** Total BFF steps over all interactions of the epoch. */
  steps: number;
}

/** Throws a RangeError unless `size` is an allowed soup size (even integer in [2, 2^22]). */
export function validateSoupSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_SOUP_SIZE || size > MAX_SOUP_SIZE || size % 2 !== 0) {
    throw new RangeError(`soup size must be an even integer from ${MIN_SOUP_SIZE} to ${MAX_SOUP_SIZE} (2^22), got ${size}`);
  }
}

/** Throws a RangeError unless `mutation` is a probability in [0, 1]. */
export function validateMutation(mutation: number): void {
  if (typeof mutation !== "number" || !(mutation >= 0 && mutation <= 1)) {
    throw new RangeError(`mutation rate must be a number from 0 to 1, got ${mutation}`);
  }
}

export interface SoupOptions {
  /** The language the tapes run in; BFF by default. */
  substrate?: Substrate;
  /** Keep the bytes in a SharedArrayBuffer, so worker threads can run pairs in place. */
  shared?: boolean;
}

export class Soup {
  /** All programs, program i in bytes [64 i, 64 i + 64). */
  readonly bytes: Uint8Array;
  /** Number of programs N. */
  readonly size: number;
  readonly substrate: Substrate;
  /** This epoch's pairing: pair k is (perm[2k], perm[2k + 1]). Shared with workers when the bytes are. */
  readonly perm: Uint32Array;
  private readonly tape: Uint8Array;

  private constructor(bytes: Uint8Array, options: SoupOptions) {
    this.size = bytes.length / PROGRAM_LENGTH;
    this.substrate = options.substrate ?? bffSubstrate;
    if (options.shared) {
      this.bytes = new Uint8Array(new SharedArrayBuffer(bytes.length));
      this.bytes.set(bytes);
      this.perm = new Uint32Array(new SharedArrayBuffer(this.size * 4));
    } else {
      this.bytes = bytes;
      this.perm = new Uint32Array(this.size);
    }
    this.tape = new Uint8Array(TAPE_LENGTH);
  }

  /** A soup of `size` programs of uniform random bytes drawn from `Rng.fromSeed(seed)`. */
  static random(size: number, seed: number, options: SoupOptions = {}): Soup {
    validateSoupSize(size);
    const bytes = new Uint8Array(size * PROGRAM_LENGTH);
    fillRandomBytes(bytes, Rng.fromSeed(seed));
    return new Soup(bytes, options);
  }

  /** A soup holding a copy of `bytes`, whose length must be 64 × an allowed size. */
  static fromBytes(bytes: Uint8Array, options: SoupOptions = {}): Soup {
    if (bytes.length % PROGRAM_LENGTH !== 0) {
      throw new RangeError(
        `soup bytes must be a multiple of ${PROGRAM_LENGTH} long (one program is ${PROGRAM_LENGTH} bytes), got ${bytes.length}`,
      );
    }
    validateSoupSize(bytes.length / PROGRAM_LENGTH);
    return new Soup(bytes.slice(), options);
  }

  /** A view (not a copy) of program i. */
  program(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`program index must be an integer from 0 to ${this.size - 1}, got ${i}`);
    }
    return this.bytes.subarray(i * PROGRAM_LENGTH, (i + 1) * PROGRAM_LENGTH);
  }

  /**
   * One epoch: shuffle, pair, mutate each tape byte with probability `mutation`, run, split.
   * Allocates nothing.
   */
  epoch(rng: Rng, mutation: number = DEFAULT_MUTATION, maxSteps: number = DEFAULT_MAX_STEPS): EpochResult {
    this.pairAndMutate(rng, mutation);
    const half = this.size >>> 1;
    return { interactions: half, steps: this.runPairs(0, half, maxSteps) };
  }

  /**
   * The serial half of an epoch, and the only part that draws random numbers: shuffles the
   * pairing into `perm` and mutates the soup in place, visiting the bytes in tape order (pair 0's
   * A then B, then pair 1's, ...). Mutating a program in the soup before its pair runs is the same
   * as mutating its half of the tape, because every program is in exactly one pair.
   */
  pairAndMutate(rng: Rng, mutation: number): void {
    validateMutation(mutation);
    const n = this.size;
    const perm = this.perm;
    const soup = this.bytes;

    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }

    if (mutation <= 0) return;
    const everyByte = mutation >= 1;
    const logKeep = everyByte ? 0 : Math.log1p(-mutation);
    const total = n * PROGRAM_LENGTH;
    // Position in the epoch's stream of tape bytes of the next byte to mutate.
    let next = everyByte ? 0 : geometricGap(rng, logKeep);
    while (next < total) {
      const program = perm[Math.floor(next / PROGRAM_LENGTH)]!;
      soup[program * PROGRAM_LENGTH + (next % PROGRAM_LENGTH)] = rng.uint32() & 0xff;
      next += 1 + (everyByte ? 0 : geometricGap(rng, logKeep));
    }
  }

  /**
   * The parallel half of an epoch: runs pairs [from, to) of the current pairing and writes the
   * tapes back; returns the steps taken. Pairs touch disjoint programs, so disjoint ranges can
   * run at once on worker threads that share the soup's memory.
   */
  runPairs(from: number, to: number, maxSteps: number = DEFAULT_MAX_STEPS): number {
    return runPairs(this.bytes, this.perm, this.tape, this.substrate, from, to, maxSteps);
  }
}

/** Runs pairs [from, to) of `perm` over `soup` with `substrate`, through the scratch `tape`. */
export function runPairs(
  soup: Uint8Array,
  perm: Uint32Array,
  tape: Uint8Array,
  substrate: Substrate,
  from: number,
  to: number,
  maxSteps: number,
): number {
  const run = substrate.runTape;
  let steps = 0;
  for (let k = from; k < to; k++) {
    const a = perm[2 * k]! * PROGRAM_LENGTH;
    const b = perm[2 * k + 1]! * PROGRAM_LENGTH;
    // Plain loops rather than set(subarray(...)): subarray would allocate a view per pair.
    for (let i = 0; i < PROGRAM_LENGTH; i++) {
      tape[i] = soup[a + i]!;
      tape[PROGRAM_LENGTH + i] = soup[b + i]!;
    }
    steps += run(tape, maxSteps);
    for (let i = 0; i < PROGRAM_LENGTH; i++) {
      soup[a + i] = tape[i]!;
      soup[b + i] = tape[PROGRAM_LENGTH + i]!;
    }
  }
  return steps;
}

/**
 * Number of untouched bytes before the next mutation: geometric with success probability p,
 * where `logKeep` = ln(1 - p) < 0. One RNG draw per mutation instead of one per byte.
 */
function geometricGap(rng: Rng, logKeep: number): number {
  return Math.floor(Math.log1p(-rng.next()) / logKeep);
}

/** Fills `out` with uniform random bytes, four per 32-bit draw. */
export function fillRandomBytes(out: Uint8Array, rng: Rng): void {
  const n = out.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = rng.uint32();
    out[i] = w & 0xff;
    out[i + 1] = (w >>> 8) & 0xff;
    out[i + 2] = (w >>> 16) & 0xff;
    out[i + 3] = w >>> 24;
  }
  if (i < n) {
    let w = rng.uint32();
    for (; i < n; i++) {
      out[i] = w & 0xff;
      w >>>= 8;
    }
  }
}
