import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';
import { readInstancesFile } from './instances-file.ts';
import { type Instances, packInstancesWith, replayChoices } from './packing.ts';
import { weibullInstances } from './weibull.ts';

/** The seed of the instances used when no file is given. */
export const DEFAULT_SEED = 2023;

// The worker evaluates many candidates; generating or parsing 25,000 items for each would
// cost more than packing them.
const cache = new Map<string, Instances>();
const plainCache = new Map<Instances, Record<string, { capacity: number; items: number[] }>>();

// The harness and the packing rules go into the isolate beside the candidate's priority.js.
const ISOLATE_FILES = {
  'harness.js': readFileSync(new URL('./harness.js', import.meta.url), 'utf8'),
  'packing.ts': readFileSync(new URL('./packing.ts', import.meta.url), 'utf8'),
};

/** The instances as plain JSON data, the only kind that crosses into the isolate. */
function plain(instances: Instances): Record<string, { capacity: number; items: number[] }> {
  let copy = plainCache.get(instances);
  if (copy === undefined) {
    copy = Object.fromEntries(Object.entries(instances).map(([id, { capacity, items }]) => [id, { capacity, items: Array.from(items) }]));
    plainCache.set(instances, copy);
  }
  return copy;
}

/** The instances named by the `instances` option (a file, relative to the working folder), or generated ones. */
export function loadInstances(file: unknown): Instances {
  if (file !== undefined && typeof file !== 'string') throw new Error('option instances must be a file path');
  const path = file === undefined ? undefined : isAbsolute(file) ? file : resolve(process.cwd(), file);
  const key = path ?? `weibull seed ${DEFAULT_SEED}`;
  let instances = cache.get(key);
  if (instances === undefined) {
    instances = path === undefined ? weibullInstances({ seed: DEFAULT_SEED }) : readInstancesFile(path);
    cache.set(key, instances);
  }
  return instances;
}

/**
 * Packs every instance online with the candidate's priority function, inside an isolate, and
 * takes back only the bin chosen for each item. Those choices are replayed here under the
 * packing rules, so an impossible packing is an error, and the bins are counted here.
 * Score = -excess, so higher is better.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const instances = loadInstances(context.options.instances);
  const program = await context.isolate('harness.js', { files: ISOLATE_FILES });
  const decisions = await program.call('decide', plain(instances));
  if (typeof decisions !== 'object' || decisions === null || Array.isArray(decisions)) throw new Error('the harness returned no decisions');
  const summary = packInstancesWith(instances, (id) => {
    const choices = (decisions as Record<string, unknown>)[id];
    if (!Array.isArray(choices) || choices.length !== instances[id]?.items.length)
      throw new Error(`instance ${id}: no choice for every item`);
    return replayChoices(choices);
  });
  const perInstance: Record<string, number> = {};
  for (const [id, { bins, l1 }] of Object.entries(summary.perInstance)) perInstance[id] = -(bins - l1) / l1;
  const count = Object.keys(perInstance).length;
  return {
    score: -summary.excess,
    metrics: {
      excess_percent: 100 * summary.excess,
      mean_bins: summary.meanBins,
      mean_l1: summary.meanL1,
    },
    instances: perInstance,
    feedback:
      `Used ${summary.meanBins.toFixed(1)} bins on average against a lower bound of ${summary.meanL1.toFixed(1)} ` +
      `over ${count} instances: ${(100 * summary.excess).toFixed(2)}% excess (best fit 3.98%, FunSearch 0.68% on Weibull 5k).`,
  };
}
