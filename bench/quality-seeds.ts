// The quality bench's seeds mode: each case run once per seed, one run after another, with the
// engine's embedded operators and no model; per-seed results and medians, checked against targets.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { formatDuration } from '../src/core/budget.ts';
import { evolve } from '../src/engine/evolve.ts';
import { loadExperiment, type LoadedExperiment } from '../src/engine/load-experiment.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { median, tempDb } from './fixtures.ts';
import type { SeedsFlags } from './quality-args.ts';
import { FUNSEARCH_FILE } from './quality.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** `ouro init`'s templates; the scaffold cases are skipped while this file is missing. */
const INIT_TEMPLATES = resolve(ROOT, 'src/cli/commands/init-templates.ts');
/** The scaffold's target: mean squared error below this. */
const EXACT_MSE = 1e-12;

/** An experiment ready to run, or why the case cannot run here. */
type Prepared = { experiment: LoadedExperiment; options: Record<string, unknown>; note?: string } | { skip: string };

interface SeedCase {
  name: string;
  /** The target, in words, as the issue states it. */
  target: string;
  /** Evaluations per run unless `--budget` replaces it. */
  budget: number;
  /** Each run stops as soon as its best reaches this score. */
  targetScore: (experiment: LoadedExperiment) => number | undefined;
  prepare: () => Promise<Prepared>;
  /** The final best, for the table. */
  show: (score: number) => string;
  /** Met when the median best reaches this score. */
  medianAtLeast?: number;
  /** For exact-fit cases: whether a finished run hit it (its best candidate). */
  exact?: (run: { bestScore: number | undefined; bestMetrics: Record<string, number> | undefined }) => boolean;
}

/** One run of one case. */
export interface SeedRun {
  seed: number;
  bestScore: number | undefined;
  evaluations: number;
  stopReason: string;
  wallMs: number;
  exact: boolean | undefined;
}

const mse = (score: number): string => `mse ${(-score).toExponential(2)}`;

const CASES: SeedCase[] = [
  scaffoldCase('js'),
  scaffoldCase('python'),
  {
    name: 'bin-packing',
    target: "<= 2.5% excess on FunSearch's Weibull 5k set within 20,000 evaluations (median of the seeds)",
    budget: 20_000,
    targetScore: () => -0.025,
    medianAtLeast: -0.025,
    show: (score) => `${(-100 * score).toFixed(2)}% excess`,
    prepare: async () => {
      const experiment = await loadExperiment(resolve(ROOT, 'examples/bin-packing'));
      if (existsSync(FUNSEARCH_FILE)) return { experiment, options: { instances: FUNSEARCH_FILE } };
      const note = "FunSearch's file is missing beside the project, so these runs used generated Weibull instances";
      return { experiment, options: {}, note };
    },
  },
  {
    name: 'circle-packing',
    target: 'sum of radii >= 2.55 for n = 26 within 20,000 evaluations (median of the seeds)',
    budget: 20_000,
    targetScore: () => 2.55,
    medianAtLeast: 2.55,
    show: (score) => score.toFixed(4),
    prepare: async () => ({ experiment: await loadExperiment(resolve(ROOT, 'examples/circle-packing')), options: {} }),
  },
  {
    name: 'symbolic-regression',
    target: "the exact form recovered (the evaluator's `exact` metric is 1 on the best candidate) in at least 4 of 5 seeds",
    budget: 5_000,
    targetScore: (experiment) => experiment.config.budget.targetScore,
    show: mse,
    exact: (run) => run.bestMetrics?.exact === 1,
    prepare: async () => {
      const dir = resolve(ROOT, 'examples/symbolic-regression');
      if (!existsSync(join(dir, 'ouro.config.ts'))) return { skip: 'examples/symbolic-regression is not in this checkout yet' };
      return { experiment: await loadExperiment(dir), options: {} };
    },
  },
];

/** The names of the cases, in the order they run. */
export const SEED_CASES = CASES.map((entry) => entry.name);

/** The `ouro init` scaffold in one language: fit a curve exactly (mse < 1e-12) within 5,000 evaluations. */
function scaffoldCase(language: 'js' | 'python'): SeedCase {
  return {
    name: `scaffold-${language}`,
    target: `\`ouro init --lang ${language}\`: exact fit (mse < 1e-12) within 5,000 evaluations in at least 4 of 5 seeds`,
    budget: 5_000,
    targetScore: () => -EXACT_MSE,
    show: mse,
    exact: (run) => run.bestScore !== undefined && -run.bestScore < EXACT_MSE,
    prepare: async () => {
      if (!existsSync(INIT_TEMPLATES))
        return { skip: '`ouro init --lang` is not in this checkout yet (src/cli/commands/init-templates.ts)' };
      const templates = (await import(pathToFileURL(INIT_TEMPLATES).href)) as {
        INIT_LANGUAGES?: readonly string[];
        initFiles?: (name: string, language: string) => Record<string, string>;
      };
      if (typeof templates.initFiles !== 'function' || !templates.INIT_LANGUAGES?.includes(language)) {
        return { skip: `init-templates.ts does not offer initFiles(name, '${language}') yet` };
      }
      if (language === 'python' && !hasPython()) return { skip: 'python3 is not on the PATH' };
      const dir = join(mkdtempSync(join(tmpdir(), 'ouro-bench-scaffold-')), `scaffold-${language}`);
      mkdirSync(dir);
      for (const [file, text] of Object.entries(templates.initFiles(`scaffold-${language}`, language)))
        writeFileSync(join(dir, file), text);
      return { experiment: await loadExperiment(dir), options: {} };
    },
  };
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One seeded run of a case, from a fresh database; a run that throws is reported, not fatal to the bench. */
async function runSeed(entry: SeedCase, prepared: Exclude<Prepared, { skip: string }>, seed: number, budget: number): Promise<SeedRun> {
  const db = tempDb();
  const started = performance.now();
  try {
    const targetScore = entry.targetScore(prepared.experiment);
    const result = await evolve(prepared.experiment, {
      db,
      seed,
      // The cases' targets count evaluations: the configs' wall-time limits do not apply here.
      budget: { evaluations: budget, wallTimeMs: undefined, targetScore },
      options: prepared.options,
    });
    let bestMetrics: Record<string, number> | undefined;
    if (result.bestCandidate !== undefined) {
      const store = new SqliteStore(db, { readonly: true });
      try {
        bestMetrics = store.getCandidate(result.bestCandidate)?.evaluation.metrics;
      } finally {
        store.close();
      }
    }
    return {
      seed,
      bestScore: result.bestScore,
      evaluations: result.evaluations,
      stopReason: result.stopReason,
      wallMs: performance.now() - started,
      exact: entry.exact?.({ bestScore: result.bestScore, bestMetrics }),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      seed,
      bestScore: undefined,
      evaluations: 0,
      stopReason: `failed: ${reason}`,
      wallMs: performance.now() - started,
      exact: false,
    };
  } finally {
    rmSync(dirname(db), { recursive: true, force: true });
  }
}

/** The markdown block of one case: a row per seed, the medians, and whether the target was met. */
export function caseReport(entry: Pick<SeedCase, 'name' | 'target' | 'show' | 'medianAtLeast' | 'exact'>, runs: SeedRun[], budget: number) {
  const exactColumn = entry.exact !== undefined;
  const best = (score: number | undefined) => (score === undefined ? '-' : `${entry.show(score)} (${score.toPrecision(7)})`);
  const lines = [
    `Target: ${entry.target}. Budget ${budget.toLocaleString('en-US')} evaluations a run, stopping early at the target.`,
    '',
    `| seed | final best | evaluations | stop reason | wall time |${exactColumn ? ' exact fit |' : ''}`,
    `| --- | --- | --- | --- | --- |${exactColumn ? ' --- |' : ''}`,
    ...runs.map(
      (run) =>
        `| ${run.seed} | ${best(run.bestScore)} | ${run.evaluations.toLocaleString('en-US')} | ${run.stopReason.replace(/\|/g, '/')} ` +
        `| ${formatDuration(run.wallMs)} |${exactColumn ? ` ${run.exact ? 'yes' : 'no'} |` : ''}`,
    ),
  ];
  const scores = runs.flatMap((run) => (run.bestScore === undefined ? [] : [run.bestScore]));
  const medianBest = scores.length > 0 ? median(scores) : undefined;
  lines.push(
    `| median | ${best(medianBest)} | ${Math.round(median(runs.map((run) => run.evaluations))).toLocaleString('en-US')} | ` +
      `| ${formatDuration(median(runs.map((run) => run.wallMs)))} |${exactColumn ? ' |' : ''}`,
    '',
  );
  if (exactColumn) {
    const hits = runs.filter((run) => run.exact).length;
    const verdict = runs.length === 5 ? (hits >= 4 ? 'met' : 'not met') : 'needs 5 seeds to judge';
    lines.push(`Exact fit in ${hits} of ${runs.length} seeds (target: at least 4 of 5): ${verdict}.`);
  } else if (entry.medianAtLeast !== undefined) {
    const met = medianBest !== undefined && medianBest >= entry.medianAtLeast;
    lines.push(`Median best ${best(medianBest)} against ${entry.show(entry.medianAtLeast)}: ${met ? 'met' : 'not met'}.`);
  }
  return lines.join('\n');
}

/**
 * Runs the selected cases for each seed, one run at a time, and hands each case's block to
 * `publish` (which prints it, and writes it into BENCHMARKS.md when `write` is true).
 */
export async function measureQualitySeeds(
  flags: SeedsFlags,
  publish: (name: string, body: string, write: boolean) => void,
  describeMachine: string,
): Promise<void> {
  const unknown = (flags.only ?? []).filter((name) => !SEED_CASES.includes(name));
  if (unknown.length > 0) throw new Error(`--only: no case ${unknown.join(', ')}; the cases are ${SEED_CASES.join(', ')}`);
  const selected = CASES.filter((entry) => flags.only === undefined || flags.only.includes(entry.name));
  // A smoke run with a smaller budget never replaces the published figures.
  const write = flags.budget === undefined;
  if (!write) console.log(`--budget ${flags.budget}: results are printed only, BENCHMARKS.md is left as it is.\n`);
  for (const entry of selected) {
    const prepared = await entry.prepare();
    if ('skip' in prepared) {
      console.log(`${entry.name}: skipped, ${prepared.skip}.\n`);
      continue;
    }
    const budget = flags.budget ?? entry.budget;
    const runs: SeedRun[] = [];
    for (const seed of flags.seeds) {
      console.log(`${entry.name}: seed ${seed}, up to ${budget.toLocaleString('en-US')} evaluations ...`);
      const run = await runSeed(entry, prepared, seed, budget);
      const best = run.bestScore === undefined ? '-' : entry.show(run.bestScore);
      console.log(`  best ${best}, ${run.evaluations} evaluations, ${run.stopReason}, ${formatDuration(run.wallMs)}`);
      runs.push(run);
    }
    const command = `npm run bench -- quality --seeds ${describeSeeds(flags.seeds)} --only ${entry.name}`;
    const concurrency = prepared.experiment.config.evaluation.concurrency ?? availableParallelism();
    const header =
      `Command: \`${command}\` on ${describeMachine}. Embedded operators, no model, the example's own config ` +
      `(concurrency ${concurrency}) with its wall-time limit lifted.${prepared.note ? ` Note: ${prepared.note}.` : ''}`;
    publish(`quality-seeds-${entry.name}`, `${header}\n\n${caseReport(entry, runs, budget)}`, write);
  }
}

/** `[1, 2, 3, 5]` as `1-3,5`. */
function describeSeeds(seeds: number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < seeds.length; ) {
    let end = index;
    while (end + 1 < seeds.length && seeds[end + 1] === (seeds[end] as number) + 1) end++;
    parts.push(end > index ? `${seeds[index]}-${seeds[end]}` : `${seeds[index]}`);
    index = end + 1;
  }
  return parts.join(',');
}
