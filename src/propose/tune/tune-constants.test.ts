import { describe, expect, it } from 'vitest';
import { checkFrozen } from '../../core/genome.ts';
import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { parses } from '../operator.conformance.ts';
import { SAMPLE, SAMPLE_TS, SAMPLE_ZOO } from '../samples.ts';
import { analyzeSyntax } from '../syntax/analysis.ts';
import { readConstants } from './literals.ts';
import { tuneConstants } from './tune-constants.ts';

const LINEAR: Genome = {
  'model.py': 'def f(x):\n    # EVOLVE-BLOCK-START\n    n = 3\n    return 1.0 * x + 0.5\n    # EVOLVE-BLOCK-END\n',
};
const XS = [-2, -1, 0, 1, 2];

function view(genome: Genome): ParentView {
  return { genome, feedback: '', entry: { id: 'p', seq: 0, score: 0, island: 0, generation: 0, parentIds: [], features: {} } };
}

async function propose(operator: Operator, genome: Genome, rng: Rng): Promise<{ genome: Genome; description: string }> {
  const result: ProposalResult = await operator.propose({ parents: [view(genome)], inspirations: [], rng });
  if ('failure' in result) throw new Error(result.failure);
  return result;
}

/** Minus the mean squared error of a·x + b against 0.8x - 0.3, read from the genome's literals. */
async function score(genome: Genome): Promise<number> {
  const [a, b] = (await readConstants(genome)).literals.map((literal) => literal.value) as [number, number];
  return -XS.reduce((sum, x) => sum + (a * x + b - (0.8 * x - 0.3)) ** 2, 0) / XS.length;
}

/** The loop without the engine: propose from the best so far, score, tell. */
async function tune(operator: Operator, seed: number, steps: number) {
  const rng = Rng.fromSeed(seed);
  let best = { genome: LINEAR, score: await score(LINEAR) };
  const descriptions: string[] = [];
  let used = 0;
  while (used < steps && best.score < -1e-12) {
    const child = await propose(operator, best.genome, rng);
    used++;
    descriptions.push(child.description);
    const fitness = await score(child.genome);
    await operator.learn?.({ parent: best.genome, parentId: 'p', childId: 'c', child: child.genome, fitness });
    if (fitness > best.score) best = { genome: child.genome, score: fitness };
  }
  return { best, used, descriptions };
}

describe('tune-constants', () => {
  it('declares what it edits: every file a grammar covers', () => {
    const operator = tuneConstants();
    expect(operator).toMatchObject({ name: 'tune-constants', arity: 1 });
    expect(operator.canEdit?.('model.py')).toBe(true);
    expect(operator.canEdit?.('pack.rs')).toBe(true);
    expect(operator.canEdit?.('notes.md')).toBe(false);
    expect(operator.languages).toContain('Python');
  });

  it('rewrites every float literal at once, leaves integers alone, and says what changed where', async () => {
    const child = await propose(tuneConstants(), LINEAR, Rng.fromSeed(1));
    const text = child.genome['model.py'] as string;
    expect(text).toContain('    n = 3\n');
    const values = (await readConstants(child.genome)).literals.map((literal) => literal.value);
    expect(values).toHaveLength(2);
    expect(values).not.toContain(1);
    expect(values).not.toContain(0.5);
    expect(child.description).toMatch(/^tune-constants gen 0 #1: 1 -> -?[\d.e-]+ \(model\.py:4\), 0\.5 -> -?[\d.e-]+ \(model\.py:4\)$/);
  });

  it('changes only EVOLVE text of the shared samples, children parse, and a seed decides the child', async () => {
    const genomes: Genome[] = [
      { 'pack.js': SAMPLE },
      { 'spread.ts': SAMPLE_TS, 'notes.md': '<!-- EVOLVE-BLOCK-START -->\n0.5\n' },
      { 'zoo.js': SAMPLE_ZOO },
    ];
    for (const genome of genomes) {
      const children = new Set<string>();
      for (let seed = 0; seed < 10; seed++) {
        const child = await propose(tuneConstants(), genome, Rng.fromSeed(seed));
        expect(await propose(tuneConstants(), genome, Rng.fromSeed(seed))).toEqual(child);
        expect(checkFrozen(genome, child.genome)).toBeUndefined();
        expect(child.description).not.toContain('\n');
        for (const [file, text] of Object.entries(child.genome)) {
          if (text === genome[file]) continue;
          const analysis = await analyzeSyntax(file, text);
          expect(analysis, file).toBeDefined();
          expect(analysis, file).not.toHaveProperty('error');
          if (/\.(js|ts)$/.test(file)) expect(parses(file, text), file).toBe(true);
        }
        children.add(JSON.stringify(child.genome));
      }
      expect(children.size).toBe(10);
    }
  });

  it('fails with the file named on unbalanced EVOLVE markers', async () => {
    const genome = { 'open.js': '// EVOLVE-BLOCK-START\nlet a = 1.5 + 2;\n' };
    const result = await tuneConstants().propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1) });
    expect(result).toEqual({ failure: expect.stringContaining('open.js') });
  });

  it('fails, without throwing, on a parent with no float literal', async () => {
    const genome = { 'a.js': '// EVOLVE-BLOCK-START\nconst n = 3;\nconst a = [1, 2][0];\n// EVOLVE-BLOCK-END\n' };
    const result = await tuneConstants().propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1) });
    expect(result).toEqual({ failure: 'no float literal inside an EVOLVE block (integer literals are not tuned)' });
  });

  it('fails with the reason when the parent does not parse', async () => {
    const genome = { 'a.js': '// EVOLVE-BLOCK-START\nconst a = (1.5;\n// EVOLVE-BLOCK-END\n' };
    const result = await tuneConstants().propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1) });
    expect(result).toMatchObject({ failure: expect.stringMatching(/^no float literal .*a\.js:2:\d+: cannot parse/) });
  });

  it('tunes a·x + b to 0.8x - 0.3 (mse below 1e-12) through propose and learn, across a sign change of b', async () => {
    for (const seed of [1, 2, 3]) {
      const { best, used, descriptions } = await tune(tuneConstants(), seed, 800);
      expect(best.score, `seed ${seed} after ${used}`).toBeGreaterThanOrEqual(-1e-12);
      // One optimizer all along: the generations count up, never back to 0 once past it.
      const generations = descriptions.map((line) => Number(/gen (\d+)/.exec(line)?.[1]));
      expect(generations.at(-1)).toBeGreaterThan(20);
      expect(generations.slice(7).every((generation) => generation > 0)).toBe(true);
      expect(best.genome['model.py']).toMatch(/return 0\.[78]\d* \* x \+ \(-0\.[23]\d*\)\n/);
    }
  });

  it('keeps its state in what it learned: the same outcomes told to a fresh operator give the same next proposal', async () => {
    const live = tuneConstants();
    const rebuilt = tuneConstants();
    const rng = Rng.fromSeed(4);
    for (let i = 0; i < 20; i++) {
      const child = await propose(live, LINEAR, rng);
      // A proposal that is never told (a duplicate the engine dropped) leaves no trace.
      if (i % 5 === 0) await propose(live, LINEAR, rng);
      const outcome = { parent: LINEAR, parentId: 'p', childId: 'c', child: child.genome, fitness: await score(child.genome) };
      await live.learn?.(outcome);
      await rebuilt.learn?.(outcome);
    }
    const next = [await propose(live, LINEAR, Rng.fromSeed(9)), await propose(rebuilt, LINEAR, Rng.fromSeed(9))];
    expect(next[1]).toEqual(next[0]);
    expect(next[0]?.description).toMatch(/^tune-constants gen 3 #3: /);
    // An operator that learned nothing starts over.
    expect((await propose(tuneConstants(), LINEAR, Rng.fromSeed(9))).description).toMatch(/^tune-constants gen 0 #1: /);
  });

  it('tells a failed evaluation as the worst point, and ignores outcomes whose code changed', async () => {
    const withFailures = tuneConstants();
    const reference = tuneConstants();
    const rng = Rng.fromSeed(5);
    for (let i = 0; i < 6; i++) {
      const child = await propose(withFailures, LINEAR, rng);
      const fitness = i < 3 ? await score(child.genome) : undefined;
      await withFailures.learn?.({ parent: LINEAR, parentId: 'p', childId: 'c', child: child.genome, fitness });
      await reference.learn?.({ parent: LINEAR, parentId: 'p', childId: 'c', child: child.genome, fitness: fitness ?? -1e300 });
    }
    const other = { 'model.py': (LINEAR['model.py'] as string).replace('n = 3', 'n = 4').replace('1.0', '2.0') };
    await withFailures.learn?.({ parent: LINEAR, parentId: 'p', childId: 'c', child: other, fitness: 1 });
    const next = [await propose(withFailures, LINEAR, Rng.fromSeed(1)), await propose(reference, LINEAR, Rng.fromSeed(1))];
    expect(next[0]).toEqual(next[1]);
    expect(next[0]?.description).toMatch(/^tune-constants gen 1 #1: /);
  });

  it('keeps an optimizer per template, and forgets the least recently told beyond its limit', async () => {
    const operator = tuneConstants({ templates: 2 });
    const variant = (n: number): Genome => ({ 'model.py': (LINEAR['model.py'] as string).replace('n = 3', `n = ${n}`) });
    const rng = Rng.fromSeed(6);
    for (const n of [1, 2, 3]) {
      for (let i = 0; i < 7; i++) {
        const child = await propose(operator, variant(n), rng);
        await operator.learn?.({
          parent: variant(n),
          parentId: 'p',
          childId: 'c',
          child: child.genome,
          fitness: await score(child.genome),
        });
      }
    }
    const generation = async (n: number) => /gen (\d+) #(\d+)/.exec((await propose(operator, variant(n), rng)).description)?.slice(1);
    expect(await generation(3)).toEqual(['1', '2']);
    expect(await generation(2)).toEqual(['1', '2']);
    expect(await generation(1)).toEqual(['0', '1']);
  });

  it('gives up a program once its optimizer can no longer move the values, and refuses it afterwards', async () => {
    // A first step far below what a double resolves at these values: converged from the start.
    const operator = tuneConstants({ sigma: 1e-18 });
    const rng = Rng.fromSeed(7);
    const child = await propose(operator, LINEAR, rng);
    expect(child.description).toMatch(/^tune-constants gen 0 #1: /);
    expect(operator.preferredParent?.(undefined)).toBeUndefined();
    await operator.learn?.({ parent: LINEAR, parentId: 'p', childId: 'c', child: child.genome, fitness: await score(child.genome) });
    expect(operator.preferredParent?.(undefined)).toBeUndefined();
    const refused = await operator.propose({ parents: [view(LINEAR)], inspirations: [], rng });
    expect(refused).toEqual({ failure: expect.stringContaining('tuned already') });
  });

  it('focuses on one program: it asks for the best child tuning has made of it', async () => {
    const operator = tuneConstants();
    const rng = Rng.fromSeed(3);
    const parentFitness = await score(LINEAR);
    let best = parentFitness;
    let bestId = 'p';
    for (let i = 0; i < 12; i++) {
      const child = await propose(operator, LINEAR, rng);
      const fitness = await score(child.genome);
      await operator.learn?.({ parent: LINEAR, parentId: 'p', childId: `c${i}`, child: child.genome, fitness, parentFitness });
      if (fitness > best) {
        best = fitness;
        bestId = `c${i}`;
      }
      expect(operator.preferredParent?.({ id: 'p', score: parentFitness })).toBe(bestId);
    }
    expect(bestId).not.toBe('p');
    // A run best better than anything tuning reached is asked for instead.
    expect(operator.preferredParent?.({ id: 'elsewhere', score: best + 1 })).toBe('elsewhere');
  });
});
