import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testContext } from 'ouroboros/testing';
import { checkPacking, readCircles } from './check.ts';
import evaluate from './evaluate.ts';

/** Evaluates one program as a run would: pack.js loaded into an isolate, scored here. */
async function evaluateProgram(text: string) {
  const genome = { 'pack.js': text };
  const context = testContext(genome, { experimentDir: import.meta.dirname });
  try {
    return await evaluate(genome, context);
  } finally {
    context.dispose();
  }
}

const initialText = readFileSync(new URL('./pack.js', import.meta.url), 'utf8');

/** 26 circles of radius 0.05 on a grid, as program text, with one line of extra code. */
function gridProgram(extra: string, result = 'circles'): string {
  return `
    export const score = 1000;
    export const sum_radii = 1000;
    export function pack(n) {
      const circles = [];
      for (let index = 0; index < n; index++) {
        circles.push([0.1 + 0.16 * (index % 6), 0.1 + 0.2 * Math.floor(index / 6), 0.05]);
      }
      ${extra}
      return ${result};
    }`;
}

describe('circle-packing evaluate', () => {
  it('scores the initial genome by the sum of radii that the checker computes', async () => {
    const module = (await import(new URL('./pack.js', import.meta.url).href)) as { pack: (n: number) => unknown };
    const expected = checkPacking(readCircles(module.pack(26))).sumRadii;
    const result = await evaluateProgram(initialText);
    expect(result.score).toBe(expected);
    expect(result.metrics).toMatchObject({ sum_radii: expected });
    expect(result.features?.spread).toBeGreaterThanOrEqual(0);
    expect(result.features?.spread).toBeLessThanOrEqual(0.2);
    expect(result.feedback).toMatch(/below the best known 2\.6358627564/);
    expect(result.artifacts?.circles).toHaveLength(26);
  });

  it('ignores totals the program claims, in its exports or on the array it returns', async () => {
    const result = await evaluateProgram(gridProgram('circles.sum = 1000; circles.score = 1000;'));
    expect(result.score).toBeCloseTo(26 * 0.05, 12);
  });

  it('rejects an object that carries a fake total beside the circles', async () => {
    await expect(evaluateProgram(gridProgram('', '{ circles, sum: 1000 }'))).rejects.toThrow(
      'pack(26) returned an object, expected an array of [x, y, r]',
    );
  });

  it("still sees an overlap when the candidate replaces Math.sqrt: its Math is not the checker's", async () => {
    const originalSquareRoot = Math.sqrt;
    const program = gridProgram('Math.sqrt = () => 10; circles[17] = [circles[3][0], circles[3][1] + 0.05, 0.05];');
    await expect(evaluateProgram(program)).rejects.toThrow(/circles 3 and 17 overlap by 0\.05/);
    expect(Math.sqrt).toBe(originalSquareRoot);
  });

  it("cannot reach the evaluator's process, file system or network from pack.js", async () => {
    await expect(evaluateProgram(gridProgram('process.exit(1);'))).rejects.toThrow(/process is not defined/);
    await expect(
      evaluateProgram(`import { readFileSync } from 'node:fs';\nexport function pack() { return readFileSync('/etc/passwd', 'utf8'); }`),
    ).rejects.toThrow(/node:fs/);
  });

  it('names what is missing when pack is not exported', async () => {
    await expect(evaluateProgram('export const pack = 3;')).rejects.toThrow('pack.js must export a function named pack');
  });
});
