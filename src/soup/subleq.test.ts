import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { fromSubleqText, runSubleqTape, SUBLEQ_DEFAULT_MAX_STEPS, SUBLEQ_REPLICATOR, subleqSubstrate, toSubleqText } from "./subleq.ts";
import { PROGRAM_BYTES, TAPE_BYTES } from "./substrate.ts";

/** An instruction whose result is always 0, so it always jumps to 255 and ends the run. */
const HALT = [127, 127, 255];

/** A 128-byte tape with `code` from byte 0, `data` at the given addresses, zeros elsewhere. */
function tapeWith(code: number[], data: Record<number, number> = {}): Uint8Array {
  const tape = new Uint8Array(TAPE_BYTES);
  tape.set(code);
  for (const [address, value] of Object.entries(data)) tape[Number(address)] = value;
  return tape;
}

/** 64 random bytes, four per `uint32()` draw. */
function noise(seed: number): Uint8Array {
  const rng = Rng.fromSeed(seed);
  const bytes = new Uint8Array(PROGRAM_BYTES);
  for (let i = 0; i < bytes.length; i += 4) {
    const word = rng.uint32();
    for (let j = 0; j < 4; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return bytes;
}

describe("runSubleqTape instruction semantics", () => {
  it("subtracts the second operand's cell from the first's, wrapping at 256", () => {
    const t = tapeWith([10, 11, 255], { 10: 5, 11: 7 });
    expect(runSubleqTape(t)).toBe(1); // 5 - 7 = -2 <= 0: jumps to 255, which ends the run
    expect(t[10]).toBe(254);
    expect(t[11]).toBe(7);

    const u = tapeWith([10, 11, 3, ...HALT], { 10: 200, 11: 100 });
    expect(runSubleqTape(u)).toBe(2);
    expect(u[10]).toBe(100);
  });

  // 0: a b 6 | 3: marker (tape[12] -= tape[13]) | 6: halt
  const branchTape = (a: number, b: number): Uint8Array => tapeWith([10, 11, 6, 12, 13, 6, ...HALT], { 10: a, 11: b, 12: 5, 13: 1 });

  it("jumps to the third operand when the result is zero", () => {
    const t = branchTape(7, 7);
    expect(runSubleqTape(t)).toBe(2);
    expect(t[10]).toBe(0);
    expect(t[12]).toBe(5); // the marker at 3 was skipped
  });

  it("jumps when the result is negative as a signed byte", () => {
    for (const [a, b, result] of [
      [1, 2, 255], // -1
      [0, 127, 129], // -127
      [0, 128, 128], // -128
      [100, 228, 128], // 100 - (-28) = 128, which is -128 as a signed byte
    ] as const) {
      const t = branchTape(a, b);
      expect(runSubleqTape(t)).toBe(2);
      expect(t[10]).toBe(result);
      expect(t[12]).toBe(5);
    }
  });

  it("goes on to the next instruction when the result is positive", () => {
    for (const [a, b, result] of [
      [2, 1, 1],
      [128, 1, 127], // -128 - 1 wraps to 127, the largest positive byte
      [0, 129, 127],
    ] as const) {
      const t = branchTape(a, b);
      expect(runSubleqTape(t)).toBe(3);
      expect(t[10]).toBe(result);
      expect(t[12]).toBe(4); // the marker at 3 ran
    }
  });

  it("takes the address operands modulo 128", () => {
    const t = tapeWith([138, 200, 255], { 10: 5, 72: 7 });
    expect(runSubleqTape(t)).toBe(1);
    expect(t[10]).toBe(254);
  });

  it("reads the jump target after the write, so an instruction can retarget itself", () => {
    // tape[2] (its own jump target, 9) -= tape[5] (9): 0, so it jumps to the new target 0 and runs
    // again: 0 - 9 = 247 <= 0, so it jumps to 247, which ends the run.
    const t = tapeWith([2, 5, 9], { 5: 9 });
    expect(runSubleqTape(t)).toBe(2);
    expect(t[2]).toBe(247);
  });

  it("ends when the next instruction would run past the tape", () => {
    // Jump to 125, the last byte an instruction can start at; it halts from there.
    const t = tapeWith([10, 10, 125], { 125: 120, 126: 120, 127: 255 });
    expect(runSubleqTape(t)).toBe(2);
    // Fall through from 123 to 126: the run ends without executing at 126.
    const u = tapeWith([10, 10, 123], { 120: 2, 121: 1, 123: 120, 124: 121, 125: 0 });
    expect(runSubleqTape(u)).toBe(2);
    expect(u[120]).toBe(1);
  });

  it("does not reduce jump targets: any target from 126 to 255 ends the run", () => {
    for (const target of [126, 127, 128, 200, 255]) {
      expect(runSubleqTape(tapeWith([10, 10, target]))).toBe(1);
    }
  });

  it("returns exactly maxSteps for an endless loop", () => {
    const t = tapeWith([10, 10, 0]); // 0 - 0 = 0: jumps back to 0 for ever
    expect(runSubleqTape(t, 1000)).toBe(1000);
    expect(runSubleqTape(t)).toBe(SUBLEQ_DEFAULT_MAX_STEPS);
    expect(runSubleqTape(new Uint8Array(TAPE_BYTES), 77)).toBe(77); // all zeros loops too
  });

  it("runs nothing when maxSteps is 0", () => {
    const t = tapeWith([10, 11, 255], { 10: 5, 11: 7 });
    expect(runSubleqTape(t, 0)).toBe(0);
    expect(t[10]).toBe(5);
  });
});

describe("SUBLEQ_REPLICATOR", () => {
  it("is 55 bytes of code and data padded with zeros to 64", () => {
    expect(SUBLEQ_REPLICATOR.length).toBe(PROGRAM_BYTES);
    expect(SUBLEQ_REPLICATOR[54]).not.toBe(0);
    expect(Array.from(SUBLEQ_REPLICATOR.subarray(55)).every((b) => b === 0)).toBe(true);
  });

  it("copies itself over any second half and leaves the first half intact", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const tape = new Uint8Array(TAPE_BYTES);
      tape.set(SUBLEQ_REPLICATOR);
      tape.set(noise(seed), PROGRAM_BYTES);
      expect(runSubleqTape(tape)).toBe(520);
      expect(Array.from(tape.subarray(PROGRAM_BYTES))).toEqual(Array.from(SUBLEQ_REPLICATOR));
      expect(Array.from(tape.subarray(0, PROGRAM_BYTES))).toEqual(Array.from(SUBLEQ_REPLICATOR));
    }
  });

  it("its copy copies itself in turn", () => {
    const tape = new Uint8Array(TAPE_BYTES);
    tape.set(SUBLEQ_REPLICATOR, PROGRAM_BYTES);
    for (const seed of [11, 12, 13]) {
      tape.copyWithin(0, PROGRAM_BYTES); // the last child becomes the next parent
      tape.set(noise(seed), PROGRAM_BYTES);
      runSubleqTape(tape);
      expect(Array.from(tape.subarray(PROGRAM_BYTES))).toEqual(Array.from(SUBLEQ_REPLICATOR));
    }
  });
});

describe("SUBLEQ text", () => {
  it("renders hex grouped into three-byte instructions", () => {
    expect(toSubleqText(new Uint8Array([0x7f, 0x7f, 3, 0x30, 0xbf, 6, 1]))).toBe("7F7F03 30BF06 01");
    expect(toSubleqText(new Uint8Array([]))).toBe("");
  });

  it("parses its own rendering back exactly", () => {
    expect(Array.from(fromSubleqText(toSubleqText(SUBLEQ_REPLICATOR)))).toEqual(Array.from(SUBLEQ_REPLICATOR));
    expect(Array.from(fromSubleqText("ff 0a\n1B"))).toEqual([255, 10, 27]);
    expect(() => fromSubleqText("abc")).toThrow();
    expect(() => fromSubleqText("zz")).toThrow();
  });
});

describe("subleqSubstrate", () => {
  it("exposes the interpreter, renderer and replicator under the name subleq", () => {
    expect(subleqSubstrate.name).toBe("subleq");
    expect(subleqSubstrate.runTape).toBe(runSubleqTape);
    expect(subleqSubstrate.toText(SUBLEQ_REPLICATOR)).toBe(toSubleqText(SUBLEQ_REPLICATOR));
    expect(subleqSubstrate.knownReplicator).toBe(SUBLEQ_REPLICATOR);
  });
});
