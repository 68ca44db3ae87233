import { describe, expect, it } from "vitest";
import { fromBffText, OP_LOOP_START, runTape, TAPE_LENGTH, toBffText } from "./bff.ts";

/** A 128-byte tape with `text` at `offset` (spaces are zero bytes) and zeros elsewhere. */
function tapeWith(text: string, offset = 0): Uint8Array {
  const tape = new Uint8Array(TAPE_LENGTH);
  tape.set(fromBffText(text), offset);
  return tape;
}

describe("BFF text helpers", () => {
  it("maps instruction characters to ASCII codes and spaces to 0", () => {
    expect(Array.from(fromBffText("<>{}+-.,[] "))).toEqual([60, 62, 123, 125, 43, 45, 46, 44, 91, 93, 0]);
    expect(() => fromBffText("a")).toThrow();
  });
  it("renders non-instruction bytes as a placeholder", () => {
    expect(toBffText(new Uint8Array([91, 0, 255, 46]))).toBe("[··.");
  });
});

describe("runTape instruction semantics", () => {
  it("< and > move head0", () => {
    // '<' from head0 = 0 wraps to 127; '+' then increments tape[127].
    const t = tapeWith("<+");
    expect(runTape(t)).toBe(TAPE_LENGTH); // runs off the end after 128 fetches
    expect(t[127]).toBe(1);
    // '>' twice then '+' increments tape[2] (which holds '+', 43 -> 44).
    const u = tapeWith(">>+");
    runTape(u);
    expect(u[2]).toBe(44);
  });

  it("head0 wraps in both directions", () => {
    // 128 '>' would need the whole tape; instead go left then right across the boundary.
    const t = tapeWith("<<>+"); // head0: 127, 126, 127 -> increments tape[127]
    runTape(t);
    expect(t[127]).toBe(1);
    expect(t[126]).toBe(0);
    // '>' from 127 wraps to 0: go left once, right once, then '+' at tape[0] ('<' 60 -> 61).
    const u = tapeWith("<>+");
    runTape(u);
    expect(u[0]).toBe(61);
  });

  it("{ and } move head1 with wrap-around; . copies tape[head0] to tape[head1]", () => {
    const t = tapeWith("{."); // head1 = 127; tape[127] = tape[0] = '{'
    runTape(t);
    expect(t[127]).toBe(123);
    const u = tapeWith("{}}."); // head1: 127, 0, 1; tape[1] = tape[0] = '{'
    runTape(u);
    expect(u[1]).toBe(123);
    expect(u[127]).toBe(0);
  });

  it(", copies tape[head1] to tape[head0]", () => {
    const t = tapeWith("}},>>>"); // head1 = 2 (','), head0 = 0: tape[0] = ',' (44)
    runTape(t);
    expect(t[0]).toBe(44);
    const u = tapeWith("<{,"); // head0 = 127, head1 = 127: copies tape[127] onto itself
    runTape(u);
    expect(u[127]).toBe(0);
    // 30 '>' fill 0..29, so head0 = 30 (the first '}'); '}}' set head1 = 2 (a '>'):
    // ',' writes tape[30] = tape[2] = '>' (62).
    const v = tapeWith(">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>}},");
    runTape(v);
    expect(v[30]).toBe(62);
  });

  it("+ and - wrap at 256", () => {
    const t = tapeWith("<-"); // tape[127]: 0 -> 255
    runTape(t);
    expect(t[127]).toBe(255);
    const u = tapeWith("<+");
    u[127] = 255;
    runTape(u);
    expect(u[127]).toBe(0);
  });

  it("[ skips forward past the matching ] when tape[head0] is 0", () => {
    // head0 -> 127 (0). The '[' jumps past the nested ']]', so '+' at index 1..5 never runs,
    // and the trailing '-' runs: tape[127] = 255.
    const t = tapeWith("<[+[+]+]-");
    const steps = runTape(t);
    expect(t[127]).toBe(255);
    // fetches: '<', '[' (jump to 8), '-' then the zeros at 9..127
    expect(steps).toBe(3 + (TAPE_LENGTH - 9));
  });

  it("[ with a non-zero byte at head0 falls through", () => {
    // tape[0] = '[' is non-zero, so the body runs: each pass moves head0 left and sets the new
    // byte to 1, so ']' always sees 1 and jumps back; the run ends at the step limit.
    const t = tapeWith("[<+]");
    expect(runTape(t, 100)).toBe(100);
    // 1 + 3 * 33 = 100 steps: passes 1..33 each did '<' '+' ']'
    expect(Array.from(t.subarray(95, 128))).toEqual(new Array(33).fill(1));
    expect(t[94]).toBe(0);
  });

  it("] jumps back to just after its matching [ while tape[head0] is non-zero", () => {
    // head0 = 127, tape[127] = 3: the body '-' runs 3 times (']' jumps back to the '-' each
    // time, not re-running '['), then '>' wraps head0 to 0 and '+' increments tape[0].
    const t = tapeWith("<[-]>+");
    t[127] = 3;
    const steps = runTape(t);
    expect(t[127]).toBe(0);
    expect(t[0]).toBe(61); // '<' + 1
    // '<', '[', then ('-', ']') x 3, then '>', '+', then zeros 6..127
    expect(steps).toBe(2 + 6 + 2 + (TAPE_LENGTH - 6));
  });

  it("an unmatched [ whose jump is taken ends execution", () => {
    const t = tapeWith("<[+");
    expect(runTape(t)).toBe(2);
    expect(t[127]).toBe(0);
    expect(t[2]).toBe(43);
  });

  it("an unmatched ] whose jump is taken ends execution", () => {
    const t = tapeWith("]+"); // tape[0] = ']' non-zero: scan back finds nothing
    expect(runTape(t)).toBe(1);
    expect(t[0]).toBe(93);
  });

  it("an unmatched bracket whose jump is not taken is a plain step", () => {
    const t = tapeWith("[<+"); // tape[0] non-zero: no jump, no scan
    expect(runTape(t)).toBe(TAPE_LENGTH);
    expect(t[127]).toBe(1);
    expect(t[0]).toBe(OP_LOOP_START);
  });

  it("ends when the IP runs off the end; no-ops count as steps", () => {
    const t = new Uint8Array(TAPE_LENGTH);
    expect(runTape(t)).toBe(TAPE_LENGTH);
    expect(t.every((b) => b === 0)).toBe(true);
  });

  it("stops at the step limit, counting no-ops", () => {
    const t = new Uint8Array(TAPE_LENGTH);
    expect(runTape(t, 10)).toBe(10);
    // an infinite loop: tape[0] = '[' is never 0 and ']' keeps jumping back
    const u = tapeWith("[ ]");
    expect(runTape(u)).toBe(8192);
    const v = tapeWith("[ ]");
    expect(runTape(v, 7)).toBe(7);
  });
});

describe("known replicator [[{.>]-]]-]>.{[[", () => {
  it("writes a copy of itself at the end of the second half", () => {
    const program = fromBffText("[[{.>]-]]-]>.{[[");
    const t = new Uint8Array(TAPE_LENGTH);
    t.set(program, 0);
    const steps = runTape(t);
    // Derived by hand: the inner loop `[{.>]` copies tape[k] to tape[127-k] for k = 0..15 (the
    // program is a palindrome, so this is a forward copy into 112..127). The outer loop then
    // sets tape[16..63] (via '-') and tape[64..111] (via '.') to 255. From then on every byte
    // is non-zero and the tape is symmetric (tape[k] == tape[127-k]), so the inner loop copies
    // without change forever and the run ends at the step limit.
    expect(steps).toBe(8192);
    expect(Array.from(t.subarray(0, 16))).toEqual(Array.from(program));
    expect(Array.from(t.subarray(112, 128))).toEqual(Array.from(program));
    expect(t.subarray(16, 112).every((b) => b === 255)).toBe(true);
  });
});
