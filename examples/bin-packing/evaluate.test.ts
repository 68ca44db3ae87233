import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Genome } from 'ouroboros';
import { testContext } from 'ouroboros/testing';
import evaluate, { DEFAULT_SEED, loadInstances } from './evaluate.ts';
import { type PriorityFunction, bestFit, packInstances } from './packing.ts';
import { weibullInstances } from './weibull.ts';

const scratchFolders: string[] = [];
const contexts: Array<{ dispose(): void }> = [];
afterAll(() => {
  for (const folder of scratchFolders) rmSync(folder, { recursive: true, force: true });
  for (const context of contexts) context.dispose();
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'bin-packing-test-'));
  scratchFolders.push(folder);
  return folder;
}

/** The context a run's worker gives the evaluator: the real isolate, with the example's 1 s limit. */
function contextFor(genome: Genome, options: Record<string, unknown> = {}) {
  const context = testContext(genome, { experimentDir: import.meta.dirname, options, timeoutMs: 5_000, memoryMb: 256 });
  contexts.push(context);
  return context;
}

const initialText = readFileSync(new URL('./priority.js', import.meta.url), 'utf8');

async function initialPriority(): Promise<PriorityFunction> {
  const module = (await import(new URL('./priority.js', import.meta.url).href)) as { priority: PriorityFunction };
  return module.priority;
}

describe('bin-packing evaluate', () => {
  it('starts from exactly best fit', async () => {
    const instances = weibullInstances({ seed: 5, items: 2_000 });
    expect(packInstances(instances, await initialPriority())).toEqual(packInstances(instances, bestFit));
  });

  it('scores the initial genome at minus the excess of best fit on the generated instances', async () => {
    const genome = { 'priority.js': initialText };
    const result = await evaluate(genome, contextFor(genome));
    const expected = packInstances(weibullInstances({ seed: DEFAULT_SEED }), bestFit);
    expect(result.score).toBe(-expected.excess);
    expect(result.metrics).toEqual({
      excess_percent: 100 * expected.excess,
      mean_bins: expected.meanBins,
      mean_l1: expected.meanL1,
    });
    expect(Object.keys(result.instances ?? {})).toHaveLength(5);
    expect(result.feedback).toMatch(/% excess/);
  });

  it('reads the instances option, scoring each instance', async () => {
    const file = join(scratch(), 'tiny.json');
    const tiny = { capacity: 10, num_items: 4, items: [4, 7, 3, 6] };
    writeFileSync(file, JSON.stringify({ name: 'tiny', source: 'hand', instances: { a: tiny, b: { ...tiny, items: [9, 9, 9, 9] } } }));
    const genome = { 'priority.js': 'export function priority(item, bins) { return Array.from(bins, (_, index) => -index); }' };
    const result = await evaluate(genome, contextFor(genome, { instances: file }));
    // First fit: 3 bins against L1 = 2, and 4 bins against L1 = 4.
    expect(result.instances).toEqual({ a: -0.5, b: -0 });
    expect(result.score).toBeCloseTo(-1 / 6, 12);
  });

  it('names a missing instances file', async () => {
    const genome = { 'priority.js': initialText };
    const file = join(scratch(), 'absent.json');
    await expect(evaluate(genome, contextFor(genome, { instances: file }))).rejects.toThrow(`instances file ${file}: no such file`);
  });

  it('rejects a genome without a priority function', async () => {
    const genome = { 'priority.js': 'export const priority = [1, 2, 3];' };
    await expect(evaluate(genome, contextFor(genome))).rejects.toThrow('priority.js must export a function named priority');
  });

  it('reports a broken priority function with the instance and item', async () => {
    const genome = { 'priority.js': 'export function priority(item, bins) { return bins.map(() => NaN); }' };
    await expect(evaluate(genome, contextFor(genome))).rejects.toThrow(/instance weibull_0: priority\[0\] is NaN for item \d+/);
  });

  it('counts the bins itself: a harness that lies about its choices gets an error, not a score', async () => {
    // A genome that rewrites the shared Array prototype cannot reach the evaluator's realm, and
    // choices that break the packing rules fail the replay.
    const genome = {
      'priority.js': `Array.prototype.push = function () { return this.length; };
export function priority(item, bins) { return Array.from(bins, (_, index) => -index); }`,
    };
    await expect(evaluate(genome, contextFor(genome))).rejects.toThrow(/no choice for every item/);
  });

  it('generates the default instances once per worker', () => {
    expect(loadInstances(undefined)).toBe(loadInstances(undefined));
  });
});
