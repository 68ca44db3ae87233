/**
 * BFF interpreter: the paper's reference language `bff_noheads`.
 *
 * A tape is 128 bytes: program A in bytes 0–63, program B in bytes 64–127. The tape is
 * both code and data, and it is modified in place while it runs.
 *
 * Choices made where the issue leaves room (each one written down here):
 * - Byte codes are the ASCII codes of the instruction characters (`<` = 60, `[` = 91, ...);
 *   every other byte value (245 of them, including 0) is a no-op.
 * - Tape length is taken from `tape.length` (128 for soup tapes); heads wrap modulo it.
 * - Bracket matching is dynamic: because the tape rewrites itself, the matching bracket is
 *   found by scanning the tape at the moment a jump is taken, counting nesting depth.
 *   Nothing is precomputed.
 * - `[` with tape[head0] == 0 moves the IP to just past its matching `]`.
 *   `]` with tape[head0] != 0 moves the IP to just after its matching `[` (the `[` itself is
 *   not re-evaluated).
 * - A bracket is only checked for a partner when its jump is taken. If the scan finds no
 *   partner, execution ends. A `[` that is not taken (or a `]` that is not taken) is a plain
 *   step even if it has no partner.
 * - Every fetched instruction counts as one step, no-ops included, and so does a bracket
 *   whose failed scan ends execution. The step count returned is the number of fetches.
 * - Execution ends when the IP passes the last byte, when a jump finds no partner, or when
 *   `maxSteps` steps have been taken.
 */

import { PROGRAM_BYTES, TAPE_BYTES, type Substrate } from "./substrate.ts";

export const TAPE_LENGTH = TAPE_BYTES;
export const PROGRAM_LENGTH = PROGRAM_BYTES;
export const DEFAULT_MAX_STEPS = 8192;

// Module-private copies for runTape's switch. V8 (Node 20) does not fold exported `const`
// bindings of an ES module into constants, so case labels that read the exports cost a load each;
// these locals made the interpreter about twice as fast (see BENCHMARKS.md, soup).
const K_HEAD0_LEFT = 0x3c;
const K_HEAD0_RIGHT = 0x3e;
const K_HEAD1_LEFT = 0x7b;
const K_HEAD1_RIGHT = 0x7d;
const K_INC = 0x2b;
const K_DEC = 0x2d;
const K_COPY_0_TO_1 = 0x2e;
const K_COPY_1_TO_0 = 0x2c;
const K_LOOP_START = 0x5b;
const K_LOOP_END = 0x5d;

/** The `[` instruction's byte, for the replicator score's loop check. */
export const OP_LOOP_START = K_LOOP_START;

/** The ten instruction characters, in the order `< > { } + - . , [ ]`. */
export const INSTRUCTION_CHARS = "<>{}+-.,[]";

/** Placeholder used by {@link toBffText} for bytes that are not instructions (display only). */
export const NON_INSTRUCTION_PLACEHOLDER = "·";

/**
 * Runs a BFF tape in place and returns the number of steps taken.
 * Allocates nothing: the whole run is integer locals and reads/writes of `tape`.
 */
export function runTape(tape: Uint8Array, maxSteps: number = DEFAULT_MAX_STEPS): number {
  const len = tape.length;
  let ip = 0;
  let head0 = 0;
  let head1 = 0;
  let steps = 0;
  while (ip < len && steps < maxSteps) {
    steps++;
    const op = tape[ip]!;
    switch (op) {
      case K_HEAD0_LEFT:
        head0 = head0 === 0 ? len - 1 : head0 - 1;
        break;
      case K_HEAD0_RIGHT:
        head0 = head0 === len - 1 ? 0 : head0 + 1;
        break;
      case K_HEAD1_LEFT:
        head1 = head1 === 0 ? len - 1 : head1 - 1;
        break;
      case K_HEAD1_RIGHT:
        head1 = head1 === len - 1 ? 0 : head1 + 1;
        break;
      case K_INC:
        tape[head0] = (tape[head0]! + 1) & 0xff;
        break;
      case K_DEC:
        tape[head0] = (tape[head0]! - 1) & 0xff;
        break;
      case K_COPY_0_TO_1:
        tape[head1] = tape[head0]!;
        break;
      case K_COPY_1_TO_0:
        tape[head0] = tape[head1]!;
        break;
      case K_LOOP_START:
        if (tape[head0] === 0) {
          // Scan forward for the matching ']'.
          let depth = 1;
          let j = ip + 1;
          for (; j < len; j++) {
            const b = tape[j];
            if (b === K_LOOP_START) depth++;
            else if (b === K_LOOP_END && --depth === 0) break;
          }
          if (j >= len) return steps; // unmatched '[': execution ends
          ip = j; // the ip++ below moves just past the ']'
        }
        break;
      case K_LOOP_END:
        if (tape[head0] !== 0) {
          // Scan backward for the matching '['.
          let depth = 1;
          let j = ip - 1;
          for (; j >= 0; j--) {
            const b = tape[j];
            if (b === K_LOOP_END) depth++;
            else if (b === K_LOOP_START && --depth === 0) break;
          }
          if (j < 0) return steps; // unmatched ']': execution ends
          ip = j; // the ip++ below moves just after the '['
        }
        break;
      default:
        // no-op; still a step
        break;
    }
    ip++;
  }
  return steps;
}

/**
 * Renders bytes as BFF text for display: instruction bytes as their characters, every other
 * byte as {@link NON_INSTRUCTION_PLACEHOLDER}. Lossy; not meant to be parsed back.
 */
export function toBffText(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += INSTRUCTION_CHARS.includes(c) ? c : NON_INSTRUCTION_PLACEHOLDER;
  }
  return out;
}

/**
 * Parses BFF text into bytes: each of the ten instruction characters becomes its byte code and
 * a space becomes 0 (a no-op). Any other character is rejected, so the result is exact.
 */
export function fromBffText(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " ") out[i] = 0;
    else if (INSTRUCTION_CHARS.includes(c)) out[i] = c.charCodeAt(0);
    else throw new Error(`fromBffText: not a BFF instruction or space at ${i}: ${JSON.stringify(c)}`);
  }
  return out;
}

/** BFF as a soup substrate (the paper's `bff_noheads`). */
export const bffSubstrate: Substrate = {
  name: "bff",
  description: "Brainfuck with two heads on a self-modifying 128-byte tape (the paper's bff_noheads)",
  runTape,
  toText: toBffText,
  knownReplicator: padProgram(fromBffText("[[{.>]-]]-]>.{[[")),
};

/** A program of 64 bytes: `bytes` followed by zeros (no-ops). */
export function padProgram(bytes: Uint8Array): Uint8Array {
  if (bytes.length > PROGRAM_LENGTH) throw new RangeError(`a program is at most ${PROGRAM_LENGTH} bytes, got ${bytes.length}`);
  const program = new Uint8Array(PROGRAM_LENGTH);
  program.set(bytes);
  return program;
}
