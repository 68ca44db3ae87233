// examples/symbolic-regression: its evaluator, run as a run would (model.js in a real isolate),
// on the shipped initial genome and on hand-written ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../examples/symbolic-regression/ouro.config.ts';
import evaluate from '../examples/symbolic-regression/evaluate.ts';
import { HELD_OUT_XS, TRAINING_XS } from '../examples/symbolic-regression/points.ts';
import { experimentSchema } from '../src/core/experiment.ts';
import { testContext } from '../src/testing/context.ts';

const DIR = join(import.meta.dirname, '../examples/symbolic-regression');
const initialText = readFileSync(join(DIR, 'model.js'), 'utf8');

/** model.js with `body` as the body of model(x). */
function program(body: string): string {
  return `// EVOLVE-BLOCK-START\nexport function model(x) {\n  ${body}\n}\n// EVOLVE-BLOCK-END\n`;
}

async function evaluateText(text: string) {
  const genome = { 'model.js': text };
  const context = testContext(genome, { experimentDir: DIR });
  try {
    return await evaluate(genome, context);
  } finally {
    context.dispose();
  }
}

/** The training error of a line c0 x + c1 against x^3 + x^2 + x, worked out here in closed form. */
function lineMse(c0: number, c1: number): number {
  const residuals = TRAINING_XS.map((x) => c0 * x + c1 - (x ** 3 + x ** 2 + x));
  return residuals.reduce((sum, residual) => sum + residual ** 2, 0) / residuals.length;
}

describe('symbolic-regression example', () => {
  it('has a config that validates, aimed at an exact fit', () => {
    const result = experimentSchema.safeParse(config);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(config.genome).toEqual(['model.js']);
    expect(config.budget.targetScore).toBeLessThan(0);
  });

  it('scores the initial line by its training error, and says it has not recovered the formula', async () => {
    expect(initialText).toContain('return c0 * x + c1;');
    const result = await evaluateText(initialText);
    expect(result.score).toBeCloseTo(-lineMse(0.5, 0.5), 12);
    expect(result.metrics?.exact).toBe(0);
    expect(result.metrics?.heldout_max_error).toBeGreaterThan(1);
  });

  it('says an exact formula is recovered, written in another order and shape', async () => {
    const result = await evaluateText(program('return x * (1 + x * (1 + x));'));
    expect(result.score).toBeGreaterThan(-1e-30);
    expect(result.metrics).toMatchObject({ exact: 1 });
    expect(result.metrics?.heldout_max_error).toBeLessThan(1e-10);
  });

  it('uses held-out points that are not training points, inside the range and beyond it', () => {
    const training = new Set(TRAINING_XS);
    expect(HELD_OUT_XS.filter((x) => training.has(x))).toEqual([]);
    expect(HELD_OUT_XS.some((x) => x > -1 && x < 1)).toBe(true);
    expect(Math.max(...HELD_OUT_XS.map(Math.abs))).toBeGreaterThan(1.5);
  });

  it('keeps held-out errors out of the score: a model exact on the training points only scores 0 and is not exact', async () => {
    // Exact wherever |x| <= 1 (every training point) and off beyond it, where only held-out points lie.
    const result = await evaluateText(program('const y = x * x * x + x * x + x;\n  return Math.abs(x) <= 1 ? y : y + 1e-3;'));
    expect(result.score).toBeGreaterThan(-1e-30);
    expect(result.metrics?.exact).toBe(0);
    expect(result.metrics?.heldout_max_error).toBeCloseTo(1e-3, 9);
  });

  it('marks a model that is not a number beyond the training range as not recovered, with a finite metric', async () => {
    const result = await evaluateText(program('return Math.abs(x) <= 1 ? x * x * x + x * x + x : Number.NaN;'));
    expect(result.metrics?.exact).toBe(0);
    expect(result.metrics?.heldout_max_error).toBe(Number.MAX_VALUE);
    expect(result.metrics?.heldout_mse).toBe(Number.MAX_VALUE);
  });

  it('turns a training prediction that is not a finite number into an error that names the point', async () => {
    await expect(evaluateText(program('return 1 / (x + 1);'))).rejects.toThrow('model(-1) returned Infinity');
    await expect(evaluateText(program("return 'x';"))).rejects.toThrow('model(-1) returned "x", not a number');
  });
});
