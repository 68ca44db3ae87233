// Fleet throughput on this machine: 1, 2 and 4 worker processes against a local run, and the
// fleet's overhead per job. `npx tsx bench/fleet.ts` prints the figures as JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve } from '../src/engine/evolve.ts';
import { startLocalFleet } from '../src/fleet/local-fleet.ts';
import { noOpExperiment, tempDb } from './fixtures.ts';
import { fleetEvaluators } from '../src/fleet/evaluator.ts';

export interface FleetBenchResult {
  evaluations: number;
  /** Evaluations per second with an evaluator that burns ~20 ms of CPU per candidate. */
  burn: { local: Record<string, number>; fleet: Record<string, number> };
  /**
   * The same with an evaluator that sleeps 20 ms instead: workers that do not compete for this
   * machine's cores, as workers on other machines would not; it shows how the fleet itself scales.
   */
  sleep: { local: Record<string, number>; fleet: Record<string, number> };
  /** (fleet time − local time) / jobs, with a no-op evaluator, one worker, one job at a time. */
  overheadMsPerJob: number;
  noOp: { localMsPerJob: number; fleetMsPerJob: number };
}

/** A copy of the no-op experiment whose evaluator spins the CPU (or sleeps) for `ms` per candidate. */
function slowExperiment(ms: number, how: 'burn' | 'sleep'): string {
  const dir = noOpExperiment();
  writeFileSync(
    join(dir, 'evaluate.js'),
    `export default async function evaluate(genome) {
  const until = performance.now() + ${ms};
  let spins = 0;
  if (${how === 'sleep'}) await new Promise((resolve) => setTimeout(resolve, ${ms}));
  while (performance.now() < until) spins++;
  const text = genome['solve.js'];
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (hash * 31 + text.charCodeAt(index)) | 0;
  return { score: (hash >>> 0) / 4294967296, metrics: { spins } };
}
`,
  );
  return dir;
}

/** Milliseconds per evaluation after the first `warm` ones (workers loaded, bundle fetched). */
async function timedRun(dir: string, evaluations: number, concurrency: number, fleet?: string, warm = 20): Promise<number> {
  const events = new Emitter<RunEvents>();
  let startedAt = 0;
  let counted = 0;
  events.on('candidate-recorded', () => {
    counted++;
    if (counted === warm) startedAt = performance.now();
  });
  await evolve(dir, {
    db: tempDb(),
    seed: 1,
    concurrency,
    budget: { evaluations },
    events,
    ...(fleet ? { evaluators: fleetEvaluators(fleet) } : {}),
  });
  return (performance.now() - startedAt) / (counted - warm);
}

/**
 * Measures evaluation throughput locally (concurrency 1 and 2) and on fleets of 1, 2 and 4
 * single-slot workers (with twice as many jobs in flight as workers), then the per-job overhead.
 */
export async function measureFleet(evaluations = 200): Promise<FleetBenchResult> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ouro-bench-fleet-cache-'));
  const series = async (dir: string) => {
    const local: Record<string, number> = {};
    for (const concurrency of [1, 2]) local[String(concurrency)] = 1000 / (await timedRun(dir, evaluations, concurrency));
    const fleetRates: Record<string, number> = {};
    for (const workers of [1, 2, 4]) {
      const fleet = await startLocalFleet({ workers, cacheDir, respawn: false });
      try {
        fleetRates[String(workers)] = 1000 / (await timedRun(dir, evaluations, workers * 2, fleet.url));
      } finally {
        await fleet.close();
      }
    }
    return { local, fleet: fleetRates };
  };
  const burn = await series(slowExperiment(20, 'burn'));
  const sleep = await series(slowExperiment(20, 'sleep'));
  const noOp = noOpExperiment();
  const localMsPerJob = await timedRun(noOp, evaluations, 1);
  const fleet = await startLocalFleet({ workers: 1, cacheDir, respawn: false });
  let fleetMsPerJob: number;
  try {
    fleetMsPerJob = await timedRun(noOp, evaluations, 1, fleet.url);
  } finally {
    await fleet.close();
  }
  return { evaluations, burn, sleep, overheadMsPerJob: fleetMsPerJob - localMsPerJob, noOp: { localMsPerJob, fleetMsPerJob } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureFleet(Number(process.argv[2]) || 200);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
