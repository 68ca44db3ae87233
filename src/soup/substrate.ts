/**
 * A soup substrate: the language whose 128-byte tapes a soup runs. BFF is the paper's main
 * one; others (SUBLEQ) let the same soup, metrics, store and plots show the paper's comparisons.
 *
 * Every substrate works on the same shapes: programs of {@link PROGRAM_BYTES} bytes, and a tape
 * of two programs (A in bytes 0–63, B in bytes 64–127) that runs in place. A new substrate is
 * one object that implements this interface, added to `SUBSTRATES` in `substrates.ts` (the
 * worker threads find it there by name).
 */
export const PROGRAM_BYTES = 64;
export const TAPE_BYTES = 128;

export interface Substrate {
  /** The name `--substrate` takes and the store records, such as `bff`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /**
   * Runs a tape in place and returns the number of steps taken (at most `maxSteps`). It must
   * allocate nothing and depend on nothing but the tape: it is the inner loop of every epoch.
   */
  runTape(tape: Uint8Array, maxSteps: number): number;
  /** A readable rendering of a program for `ouro soup show`; it may be lossy. */
  toText(program: Uint8Array): string;
  /** A program known to copy itself, in bytes, for tests, seeding and benchmarks. */
  readonly knownReplicator?: Uint8Array;
}
