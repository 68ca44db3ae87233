import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readInstancesFile } from './instances-file.ts';
import { type Instances, bestFit, excess, firstFit } from './packing.ts';

export interface Baselines {
  /** Excess of first fit, as a fraction (0.0423 is 4.23%). */
  firstFit: number;
  /** Excess of best fit, as a fraction. */
  bestFit: number;
}

/**
 * The excess of the classic rules on some instances, for benchmarks and for comparison with
 * published figures.
 *
 * @example
 * baselines(readInstancesFile('../shared/data/binpacking-weibull-5k.json')); // { firstFit: 0.0423.., bestFit: 0.0398.. }
 */
export function baselines(instances: Instances): Baselines {
  return { firstFit: excess(instances, firstFit), bestFit: excess(instances, bestFit) };
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Run as a script: npx tsx examples/bin-packing/baselines.ts <instances.json>
if (isMainModule()) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: npx tsx examples/bin-packing/baselines.ts <instances.json>');
    process.exit(2);
  }
  const result = baselines(readInstancesFile(file));
  console.log(`first fit ${(100 * result.firstFit).toFixed(2)}%, best fit ${(100 * result.bestFit).toFixed(2)}% excess`);
}
