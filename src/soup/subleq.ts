/**
 * SUBLEQ interpreter: the paper's one-instruction counterexample substrate, following the
 * reference implementation's `subleq` language (cubff, `subleq.cu`; Agüera y Arcas et al. 2024,
 * "Computational Life", arXiv 2406.19108, §3.2). Semantics were read from cubff; the code and
 * wording here are our own.
 *
 * A tape is 128 bytes: program A in bytes 0–63, program B in bytes 64–127. Code and data share
 * the tape, which changes in place while it runs.
 *
 * An instruction is the three bytes `a b c` at ip, ip+1, ip+2 (ip starts at 0):
 *   tape[a mod L] = (tape[a mod L] - tape[b mod L]) mod 256
 *   if the new value, read as a signed byte, is <= 0 (zero, or 128..255): ip = c
 *   else: ip = ip + 3
 * where L is the tape length (128). Execution ends when ip + 3 > L (the next instruction would
 * run past the tape) or after `maxSteps` instructions.
 *
 * What cubff does and we copy (each one written down here):
 * - The FIRST operand is the destination: `a` is decremented by `b`. (The textbook SUBLEQ on
 *   esolangs.org does it the other way round, `mem[B] -= mem[A]`.) It makes no difference to the
 *   language's power, but this order is cubff's, so tapes mean the same thing here and there.
 * - `a` and `b` are absolute addresses taken modulo the tape length, so every byte value is a
 *   valid address and v and v+128 name the same cell.
 * - `c` is an absolute jump target that is NOT reduced: the raw byte 0..255. Any target from
 *   126 to 255 therefore ends execution, as does falling through past byte 125. Jumps may land
 *   on any byte; instructions are not aligned to multiples of 3.
 * - `c` is read after the write, so an instruction that rewrites its own `c` jumps to the new
 *   value. `a` and `b` are read before the write.
 * - Every executed instruction is one step, including the one whose jump ends execution. The
 *   step count returned is the number of instructions executed (so an endless loop returns
 *   exactly `maxSteps`).
 * Choices of ours where cubff gives no guidance:
 * - Tape length is taken from `tape.length` (128 for soup tapes), as in bff.ts; cubff fixes it
 *   at 128. A tape shorter than 3 bytes runs no instruction.
 *
 * The paper's findings, for context (§3.2 and §4, as quoted by secondary sources; the paper's
 * own text was not available to us here): the shortest hand-written SUBLEQ self-replicator the
 * authors found is 60 bytes, and 25 bytes in their relative-address variant RSUBLEQ4 (cubff
 * `rsubleq4`: four operands relative to ip, `tape[ip+a] = tape[ip+b] - tape[ip+c]`, signed
 * relative jump by the fourth byte). Seeded replicators quickly take over in both, but in random
 * soups no self-replicator arose in either: the soup "remained in almost complete random
 * uniformity even following billions of executions". The authors suggest the long minimal
 * replicator is a main reason. RSUBLEQ4 is not implemented here.
 *
 * {@link SUBLEQ_REPLICATOR} is our own 55-byte replicator (padded to 64 with zeros); see there.
 */

import { PROGRAM_BYTES, TAPE_BYTES, type Substrate } from "./substrate.ts";

export const SUBLEQ_DEFAULT_MAX_STEPS = 8192;

/**
 * Runs a SUBLEQ tape in place and returns the number of instructions executed.
 * Allocates nothing: the whole run is integer locals and reads/writes of `tape`.
 */
export function runSubleqTape(tape: Uint8Array, maxSteps: number = SUBLEQ_DEFAULT_MAX_STEPS): number {
  const len = tape.length;
  let ip = 0;
  let steps = 0;
  while (steps < maxSteps && ip + 3 <= len) {
    steps++;
    const a = tape[ip]! % len;
    const b = tape[ip + 1]! % len;
    const value = (tape[a]! - tape[b]!) & 0xff;
    tape[a] = value;
    // value <= 0 as a signed byte: zero or the high bit set.
    ip = value === 0 || value >= 0x80 ? tape[ip + 2]! : ip + 3;
  }
  return steps;
}

/**
 * Renders bytes as upper-case hex (cubff shows SUBLEQ the same way), grouped into three-byte
 * instructions from byte 0 and separated by spaces: `7F7F03 30BF06 ...`. A program of 64 bytes
 * ends in a lone byte. Instructions reached by a jump to an offset not divisible by 3 are not
 * shown as such; the text is still exact and {@link fromSubleqText} parses it back.
 */
export function toSubleqText(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && i % 3 === 0) out += " ";
    out += bytes[i]!.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Parses hex text (two digits per byte, whitespace ignored) into bytes. */
export function fromSubleqText(text: string): Uint8Array {
  const hex = text.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`fromSubleqText: not an even run of hex digits: ${JSON.stringify(text)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// Addresses of the replicator's data cells.
const Z = 48; // scratch, 0 before and after every copy
const ONE = 49; // 1
const FIX_0 = 50; // (0 - 63) & 0xff = 193: correction for the copy of the pointer at byte 0
const FIX_1 = 51; // (1 - 63) & 0xff = 194: ... at byte 1
const FIX_4 = 52; // (4 - 63) & 0xff = 197: ... at byte 4
const FIX_6 = 53; // (6 - 63) & 0xff = 199: ... at byte 6
const MINUS_64 = 54; // 192: subtracting it adds 64
const HALT = 0xff; // any jump target >= 126 ends execution

/**
 * A SUBLEQ self-replicator (ours, 55 bytes + 9 zero bytes of padding). Run from bytes 0–63 of a
 * tape with anything in bytes 64–127, it writes an exact copy of itself into 64–127, leaves
 * bytes 0–63 exactly as they were, and halts after 520 steps.
 *
 * A loop copies byte 63 - k to byte 127 - k for k = 0..63 through the scratch cell Z
 * (`dst -= dst; Z -= src; dst -= Z; Z -= Z`), then decrements the address operands it used:
 * three that name the destination (bytes 0, 1, 6; they start at 127) and one that names the
 * source (byte 4; it starts at 191, which is address 63 and -65 as a signed byte). Decrementing
 * the source operand also steers the loop: it stays <= 0 (191 down to 128) for 63 rounds and
 * becomes 127 > 0 after the 64th, so the loop falls through.
 *
 * The four operands were already decremented k times when the copy read them, so their copies
 * are wrong by a known amount; four fix-ups subtract the stored correction from each copy. Four
 * more fix-ups add 64 back to the originals, so the parent survives intact. The last fix-up
 * leaves 191 (<= 0) and jumps to 255, which ends execution.
 */
export const SUBLEQ_REPLICATOR: Uint8Array = padSubleqProgram(
  new Uint8Array([
    // copy loop, from byte 0
    127,
    127,
    3, //   0: dst -= dst          (dst = 0)
    Z,
    191,
    6, //     3: Z -= src            (Z = -src)
    127,
    Z,
    9, //     6: dst -= Z            (dst = src)
    Z,
    Z,
    12, //      9: Z -= Z              (Z = 0)
    0,
    ONE,
    15, //   12: byte 0 -= 1         (next destination)
    1,
    ONE,
    18, //   15: byte 1 -= 1
    6,
    ONE,
    21, //   18: byte 6 -= 1
    4,
    ONE,
    0, //    21: byte 4 -= 1         (next source; loop while <= 0)
    // fix the copies of the four operands
    64,
    FIX_0,
    27, //  24
    65,
    FIX_1,
    30, //  27
    68,
    FIX_4,
    33, //  30
    70,
    FIX_6,
    36, //  33
    // restore the originals (each was decremented 64 times)
    0,
    MINUS_64,
    39, // 36
    1,
    MINUS_64,
    42, // 39
    6,
    MINUS_64,
    45, // 42
    4,
    MINUS_64,
    HALT, // 45: leaves 191 (<= 0), so jumps to 255 and ends
    // data, from byte 48
    0,
    1,
    193,
    194,
    197,
    199,
    192,
  ]),
);

/** A program of 64 bytes: `bytes` followed by zeros. */
export function padSubleqProgram(bytes: Uint8Array): Uint8Array {
  if (bytes.length > PROGRAM_BYTES) throw new RangeError(`a program is at most ${PROGRAM_BYTES} bytes, got ${bytes.length}`);
  const program = new Uint8Array(PROGRAM_BYTES);
  program.set(bytes);
  return program;
}

/** SUBLEQ as a soup substrate (cubff's `subleq`). */
export const subleqSubstrate: Substrate = {
  name: "subleq",
  description: `SUBLEQ (a -= b; jump to c if <= 0) on a self-modifying ${TAPE_BYTES}-byte tape (the paper's subleq)`,
  runTape: runSubleqTape,
  toText: toSubleqText,
  knownReplicator: SUBLEQ_REPLICATOR,
};
