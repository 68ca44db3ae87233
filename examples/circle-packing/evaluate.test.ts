import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluateContext, Genome } from 'ouroboros';
import { checkPacking, readCircles } from './check.ts';
import evaluate from './evaluate.ts';

const scratchFolders: string[] = [];
afterAll(() => {
  for (const folder of scratchFolders) rmSync(folder, { recursive: true, force: true });
});

/** Does what the engine's importGenome does: the genome's files in a fresh folder, imported. */
function contextFor(genome: Genome): EvaluateContext {
  return {
    candidateId: 'test-1',
    options: {},
    experimentDir: import.meta.dirname,
    stage: 'default',
    async importGenome<T>(file = 'pack.js'): Promise<T> {
      const folder = mkdtempSync(join(tmpdir(), 'circle-packing-test-'));
      scratchFolders.push(folder);
      writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
      for (const [name, text] of Object.entries(genome)) writeFileSync(join(folder, name), text);
      return (await import(pathToFileURL(join(folder, file)).href)) as T;
    },
  };
}

async function evaluateProgram(text: string) {
  const genome = { 'pack.js': text };
  return evaluate(genome, contextFor(genome));
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

  it('still sees an overlap when the candidate replaces Math.sqrt', async () => {
    const originalSquareRoot = Math.sqrt;
    try {
      const program = gridProgram('Math.sqrt = () => 10; circles[17] = [circles[3][0], circles[3][1] + 0.05, 0.05];');
      await expect(evaluateProgram(program)).rejects.toThrow(/circles 3 and 17 overlap by 0\.05/);
    } finally {
      Math.sqrt = originalSquareRoot;
    }
  });

  it('names what is missing when pack is not exported', async () => {
    await expect(evaluateProgram('export const pack = 3;')).rejects.toThrow('pack.js must export a function named pack');
  });
});
