/**
 * Replicator score of a BFF program, after the paper:
 *   1. Put P in the first half of a tape and random noise in the second. Run it.
 *   2. Run `generations` (4) more generations: each time copy the second half to the first,
 *      refill the second with new noise, and run.
 *   3. Do this on `branches` (13) independent noise branches.
 *   4. Count the byte positions on which more than branches/4 of the branches agree; in the
 *      first half they must also equal P.
 *   5. Score = min of the two halves' counts (0..64). A replicator scores >= 5.
 *
 * Choices made where the text leaves room (each one written down here):
 * - Agreement is checked once, on the tape as it stands after the last run of each branch
 *   (after 1 + `generations` runs in all). No copy follows the last run.
 * - First half: position i counts when the number of branches whose final tape has byte P[i]
 *   at i is more than branches/4 (with 13 branches: at least 4). So the first half is compared
 *   with P after all the copies, i.e. it holds what P's descendant wrote one generation earlier
 *   (as then possibly changed by the last run).
 * - Second half: position i counts when some byte value occurs at i in more than branches/4
 *   of the branches' final tapes. It is not compared with P.
 * - Noise is uniform random bytes, four per `rng.uint32()` draw; the branches draw from the one
 *   `rng` in turn, so branches are independent and the score is deterministic for an RNG state.
 * - Each run uses the substrate's `runTape` (BFF unless given) with the default 8,192-step
 *   limit; no mutation is applied.
 */
import type { Rng } from "../core/rng.ts";
import { bffSubstrate, DEFAULT_MAX_STEPS, PROGRAM_LENGTH, TAPE_LENGTH } from "./bff.ts";
import type { Substrate } from "./substrate.ts";
import { fillRandomBytes } from "./soup.ts";

export const REPLICATOR_THRESHOLD = 5;

export interface ReplicatorOptions {
  /** Independent noise branches (13 in the paper). */
  branches: number;
  /** Generations after the first run (4 in the paper). */
  generations: number;
}

export const DEFAULT_REPLICATOR_OPTIONS: Readonly<ReplicatorOptions> = { branches: 13, generations: 4 };

export interface ReplicatorScore {
  /** min(firstHalf, secondHalf), 0..64. */
  score: number;
  /** First-half positions where more than branches/4 branches hold P's byte. */
  firstHalf: number;
  /** Second-half positions where more than branches/4 branches agree on a byte. */
  secondHalf: number;
  /** score >= REPLICATOR_THRESHOLD. */
  isReplicator: boolean;
}

export function replicatorScore(
  program: Uint8Array,
  rng: Rng,
  options: ReplicatorOptions = DEFAULT_REPLICATOR_OPTIONS,
  substrate: Substrate = bffSubstrate,
): ReplicatorScore {
  const runTape = (tape: Uint8Array) => substrate.runTape(tape, DEFAULT_MAX_STEPS);
  if (program.length !== PROGRAM_LENGTH) {
    throw new RangeError(`program must be ${PROGRAM_LENGTH} bytes long, got ${program.length}`);
  }
  const { branches, generations } = options;
  if (!Number.isInteger(branches) || branches < 1 || branches > 1024) {
    throw new RangeError(`branches must be an integer from 1 to 1024, got ${branches}`);
  }
  if (!Number.isInteger(generations) || generations < 0 || generations > 1024) {
    throw new RangeError(`generations must be an integer from 0 to 1024, got ${generations}`);
  }

  const finals = new Uint8Array(branches * TAPE_LENGTH);
  const tape = new Uint8Array(TAPE_LENGTH);
  const noise = tape.subarray(PROGRAM_LENGTH, TAPE_LENGTH);
  for (let b = 0; b < branches; b++) {
    tape.set(program, 0);
    fillRandomBytes(noise, rng);
    runTape(tape);
    for (let g = 0; g < generations; g++) {
      tape.copyWithin(0, PROGRAM_LENGTH, TAPE_LENGTH);
      fillRandomBytes(noise, rng);
      runTape(tape);
    }
    finals.set(tape, b * TAPE_LENGTH);
  }

  const needMoreThan = branches / 4;
  let firstHalf = 0;
  for (let i = 0; i < PROGRAM_LENGTH; i++) {
    const want = program[i]!;
    let equal = 0;
    for (let b = 0; b < branches; b++) if (finals[b * TAPE_LENGTH + i] === want) equal++;
    if (equal > needMoreThan) firstHalf++;
  }

  let secondHalf = 0;
  const counts = new Uint16Array(256);
  for (let i = PROGRAM_LENGTH; i < TAPE_LENGTH; i++) {
    counts.fill(0);
    let agreed = false;
    for (let b = 0; b < branches && !agreed; b++) {
      const v = finals[b * TAPE_LENGTH + i]!;
      if (++counts[v]! > needMoreThan) agreed = true;
    }
    if (agreed) secondHalf++;
  }

  const score = Math.min(firstHalf, secondHalf);
  return { score, firstHalf, secondHalf, isReplicator: score >= REPLICATOR_THRESHOLD };
}
