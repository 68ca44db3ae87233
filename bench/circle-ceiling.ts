// How far the circle-packing example's own representation can go: CMA-ES straight on the float
// literals of examples/circle-packing/pack.js, with restarts, far beyond what a run spends on them.
// The code stays as it is (five rows, their circle counts, fitRadii outside the EVOLVE block), so
// the best sum found is a measured ceiling for search that only changes constants.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/core/rng.ts';
import { CmaEs } from '../src/propose/tune/cma-es.ts';
import { readConstants, writeConstants } from '../src/propose/tune/literals.ts';
import { CIRCLE_COUNT, checkPacking, readCircles } from '../examples/circle-packing/check.ts';

const PACK = resolve(import.meta.dirname, '../examples/circle-packing/pack.js');

export interface CeilingRestart {
  lambda: number;
  evaluations: number;
  best: number;
}

export interface CeilingReport {
  literals: number;
  initial: number;
  best: number;
  evaluations: number;
  restarts: CeilingRestart[];
  ms: number;
}

/**
 * IPOP-style restarts (each from the file's own values, with twice the population of the one
 * before) of at most `perRestart` evaluations each. An invalid packing or a throw scores as
 * the worst point, as in a run.
 */
export async function measureCircleCeiling(restarts = 6, perRestart = 30_000, seed = 1): Promise<CeilingReport> {
  const genome = { 'pack.js': readFileSync(PACK, 'utf8') };
  const { literals } = await readConstants(genome);
  const start = literals.map((literal) => literal.value);
  const score = (values: readonly number[]): number => {
    try {
      return sumOf(writeConstants(genome, literals, values)['pack.js'] as string);
    } catch {
      return Number.NaN;
    }
  };
  const rng = Rng.fromSeed(seed);
  const started = performance.now();
  const initial = score(start);
  const runs: CeilingRestart[] = [];
  let best = initial;
  let lambda: number | undefined;
  for (let restart = 0; restart < restarts; restart++) {
    const es = new CmaEs({
      mean: start,
      sigma: 0.3,
      scales: start.map((value) => (value === 0 ? 0.1 : Math.abs(value))),
      ...(lambda === undefined ? {} : { lambda }),
    });
    lambda = es.lambda;
    let restartBest = Number.NEGATIVE_INFINITY;
    let evaluations = 0;
    while (evaluations < perRestart && !es.converged()) {
      const point = es.ask(rng);
      const sum = score(point);
      evaluations++;
      es.tell(point, Number.isFinite(sum) ? -sum : Number.NaN);
      if (sum > restartBest) restartBest = sum;
    }
    runs.push({ lambda: es.lambda, evaluations, best: restartBest });
    best = Math.max(best, restartBest);
    lambda = es.lambda * 2;
  }
  return {
    literals: literals.length,
    initial,
    best,
    evaluations: runs.reduce((total, run) => total + run.evaluations, 0),
    restarts: runs,
    ms: performance.now() - started,
  };
}

/** The sum of radii of pack.js's text, checked as the example's evaluator checks it; throws on an invalid packing. */
function sumOf(text: string): number {
  const pack = new Function(`${text.replace(/^export /m, '')}\nreturn pack;`)() as (n: number) => unknown;
  return checkPacking(readCircles(pack(CIRCLE_COUNT), CIRCLE_COUNT)).sumRadii;
}
