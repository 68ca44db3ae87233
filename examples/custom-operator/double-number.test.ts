import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Emitter, evolve, Rng, type Candidate, type Evaluation, type RunEvents } from 'ouroboros';
import { doubleNumber } from './double-number.ts';

const genome = { 'rectangle.js': readFileSync(join(import.meta.dirname, 'rectangle.js'), 'utf8') };
const parent = { entry: { id: 'r-0', seq: 0, score: 0, island: 0, generation: 0, parentIds: [], features: {} }, genome, feedback: '' };
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-custom-operator-')), 'ouro.db');

describe('double-number', () => {
  it('doubles one number inside the EVOLVE block and changes nothing else', async () => {
    const children = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const result = await doubleNumber.propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(seed) });
      if ('failure' in result) throw new Error(result.failure);
      const text = result.genome['rectangle.js'] as string;
      expect([
        genome['rectangle.js'].replace('width = 1;', 'width = 2;'),
        genome['rectangle.js'].replace('height = 0.5;', 'height = 1;'),
      ]).toContain(text);
      expect(result.description).toMatch(/^double-number (1 -> 2|0\.5 -> 1) at rectangle\.js$/);
      children.add(text);
    }
    expect(children.size).toBe(2);
  });

  it('fails, without throwing, when the block holds no number', async () => {
    const bare = { 'bare.js': '// EVOLVE-BLOCK-START\nexport const size = () => [];\n// EVOLVE-BLOCK-END\n' };
    const result = await doubleNumber.propose({ parents: [{ ...parent, genome: bare }], inspirations: [], rng: Rng.fromSeed(1) });
    expect(result).toEqual({ failure: 'no number inside an EVOLVE block' });
  });

  it('says it edits JavaScript files only', () => {
    expect(doubleNumber.canEdit?.('rectangle.js')).toBe(true);
    expect(doubleNumber.canEdit?.('main.py')).toBe(false);
  });

  it('has children in a run of the example, evaluated and scored', async () => {
    const recorded: Array<{ candidate: Candidate; evaluation: Evaluation }> = [];
    const events = new Emitter<RunEvents>();
    events.on('candidate-recorded', (event) => recorded.push(event));
    const result = await evolve(import.meta.dirname, { db: tempDb(), seed: 1, budget: { evaluations: 12 }, events });
    expect(result.evaluations).toBe(12);
    const doubled = recorded.filter(({ candidate }) => candidate.origin.operator === 'double-number');
    expect(doubled.length).toBeGreaterThan(0);
    expect(doubled.every(({ evaluation }) => evaluation.status === 'ok' && evaluation.score !== undefined)).toBe(true);
  });

  it('is quoted in the README as it is written here', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const test = readFileSync(join(import.meta.dirname, 'double-number.test.ts'), 'utf8');
    const runTest = /\n {2}it\('has children in a run[\s\S]*?\n {2}\}\);\n/.exec(test)?.[0].slice(1) as string;
    expect(readme).toContain(`\`\`\`ts\n${readFileSync(join(import.meta.dirname, 'double-number.ts'), 'utf8')}\`\`\``);
    expect(readme).toContain(`\`\`\`ts\n${runTest.replace(/^ {2}/gm, '')}\`\`\``);
  });
});
