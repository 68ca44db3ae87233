import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtins, defineExperiment, evolve, resume } from '../src/index.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

describe('the public API', () => {
  it('evolves and resumes through src/index.ts', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-api-')), 'ouro.db');
    const first = await evolve(writeTinyExperiment(), { db, seed: 1, budget: { evaluations: 10 } });
    expect(first.evaluations).toBe(10);
    const more = await resume(first.runId, { db, budget: { evaluations: 15 } });
    expect(more.evaluations).toBe(15);
    expect(more.bestScore).toBeGreaterThanOrEqual(first.bestScore as number);
  });

  it('defineExperiment returns the config it is given and names the built-ins', async () => {
    const config = { name: 'x', genome: ['a.js'] };
    expect(defineExperiment(config)).toBe(config);
    expect(await builtins()).toEqual({
      archives: ['dgm', 'map-elites', 'greedy', 'pareto'],
      operators: expect.arrayContaining(['perturb-number', 'crossover']),
      llmOperators: ['llm-diff', 'llm-rewrite', 'llm-crossover', 'llm-reflect', 'llm-fix', 'llm-merge'],
    });
  });
});
