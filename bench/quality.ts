import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve } from '../src/engine/evolve.ts';
import { checkExperiment, loadExperiment, type LoadedExperiment } from '../src/engine/load-experiment.ts';
import type { ArchiveConfig } from '../src/core/experiment.ts';
import { bestFit, excess, firstFit, type Instances } from '../examples/bin-packing/packing.ts';
import { readInstancesFile } from '../examples/bin-packing/instances-file.ts';
import { weibullInstances } from '../examples/bin-packing/weibull.ts';
import { tempDb } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** FunSearch's own Weibull 5k set, kept beside the project (never copied into it). */
export const FUNSEARCH_FILE = resolve(ROOT, '../shared/data/binpacking-weibull-5k.json');

export interface QualityRow {
  example: string;
  checkpoints: Record<number, number | undefined>;
  baselines: Record<string, number>;
  note: string;
}

/** Best score after each checkpoint of one seeded run. */
async function bestAt(
  experiment: LoadedExperiment,
  checkpoints: number[],
  options: Record<string, unknown>,
): Promise<Record<number, number | undefined>> {
  const events = new Emitter<RunEvents>();
  const reached: Record<number, number | undefined> = {};
  let count = 0;
  events.on('candidate-recorded', (event) => {
    count++;
    if (checkpoints.includes(count)) reached[count] = event.bestScore;
  });
  const total = Math.max(...checkpoints);
  await evolve(experiment, { db: tempDb(), seed: 1, budget: { evaluations: total, wallTimeMs: undefined }, options, events });
  return reached;
}

/** The experiment with another archive, everything else as configured. */
function withArchive(experiment: LoadedExperiment, archive: ArchiveConfig): LoadedExperiment {
  const { options: _schema, ...config } = experiment.config;
  return checkExperiment(experiment.dir, experiment.configFile, { ...config, archive, options: experiment.optionsSchema });
}

export async function measureQuality(checkpoints: number[]): Promise<QualityRow[]> {
  const rows: QualityRow[] = [];
  const circle = await loadExperiment(resolve(ROOT, 'examples/circle-packing'));
  const initial = await bestAt(circle, [1], {});
  const circleBaselines = { 'initial program': initial[1] as number, 'best known (AlphaEvolve)': circle.config.bestKnown?.score ?? NaN };
  rows.push({
    example: 'circle-packing (sum of radii, higher is better)',
    checkpoints: await bestAt(circle, checkpoints, {}),
    baselines: circleBaselines,
    note: `${'kind' in circle.config.archive ? circle.config.archive.kind : 'custom'} archive as configured, embedded operators, seed 1`,
  });
  rows.push({
    example: 'circle-packing with the dgm archive instead',
    checkpoints: await bestAt(withArchive(circle, { kind: 'dgm', lambda: 10 }), checkpoints, {}),
    baselines: circleBaselines,
    note: 'dgm archive (lambda 10), embedded operators, seed 1',
  });

  const haveFile = existsSync(FUNSEARCH_FILE);
  const instances: Instances = haveFile ? readInstancesFile(FUNSEARCH_FILE) : weibullInstances({ seed: 2023 });
  const bins = await loadExperiment(resolve(ROOT, 'examples/bin-packing'));
  rows.push({
    example: `bin-packing (score = -excess, on ${haveFile ? "FunSearch's Weibull 5k file" : 'generated Weibull instances'})`,
    checkpoints: await bestAt(bins, checkpoints, haveFile ? { instances: FUNSEARCH_FILE } : {}),
    baselines: {
      'first fit': -excess(instances, firstFit),
      'best fit (initial genome)': -excess(instances, bestFit),
      'FunSearch (published)': -0.0068,
    },
    note: `${'kind' in bins.config.archive ? bins.config.archive.kind : 'custom'} archive as configured, embedded operators, seed 1`,
  });
  return rows;
}
