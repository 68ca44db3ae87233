import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { Emitter, type RunEvents } from '../../core/events.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import type { EvolveOptions, RunResult } from '../../engine/evolve.ts';
import { type LoadedExperiment, loadExperiment } from '../../engine/load-experiment.ts';
import { detectFormat } from '../../formats/index.ts';
import { parseBudget, parseInteger } from '../budget-flag.ts';
import { emit, formatScore, formatUsd } from '../output.ts';
import { showProgress } from '../progress.ts';
import { optionValues } from '../experiment-options.ts';
import { formatDuration } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import { openStore } from '../../store/open.ts';
import type { UiServer } from '../../ui/server.ts';
import { ensureFrontEnd } from './ui.ts';
import { runFolder } from '../runs-folder.ts';

export interface RunFlags {
  seed?: string;
  model?: string[];
  replay?: string;
  unsafe?: boolean;
  python?: string;
  ui?: boolean;
  budget?: string;
  concurrency?: string;
  db: string;
  fleet?: string;
  json?: boolean;
  [option: string]: unknown;
}

/** What `run` and `resume` share: flag parsing, Ctrl-C handling, the progress line and the report. */
async function session(
  flags: RunFlags,
  experiment: LoadedExperiment | undefined,
  start: (common: Omit<EvolveOptions, 'seed' | 'options'>) => Promise<RunResult>,
): Promise<void> {
  if (flags.ui) await ensureFrontEnd();
  const stop = interruptHandler();
  const events = new Emitter<RunEvents>();
  events.on('notice', ({ message, warning }) => {
    if (!flags.json || warning) process.stderr.write(`${message}\n`);
  });
  // The dashboard starts once the run exists in the database, and reads it while the run writes.
  let dashboard: Promise<UiServer | undefined> = Promise.resolve(undefined);
  if (flags.ui) {
    events.on('run-started', ({ runId }) => {
      dashboard = import('../../ui/server.ts')
        .then(({ startUiServer }) => startUiServer({ db: flags.db }))
        .then(
          (server) => {
            process.stderr.write(`dashboard: ${server.url.replace(/\/$/, '')}/#/run/${runId}\n`);
            return server;
          },
          (error: unknown) => {
            process.stderr.write(`dashboard did not start: ${(error as Error).message}\n`);
            return undefined;
          },
        );
    });
  }
  const finishProgress = flags.json ? () => {} : showProgress(events);
  try {
    const result = await start({
      db: flags.db,
      budget: flags.budget ? parseBudget(flags.budget) : undefined,
      concurrency: flags.concurrency === undefined ? undefined : parseInteger('concurrency', flags.concurrency, 1),
      ...(flags.unsafe ? { unsafe: true } : {}),
      ...(flags.python ? { python: flags.python } : {}),
      // Loaded only for a fleet run, so local runs never load BullMQ.
      ...(flags.fleet ? lazyFleet(flags.fleet) : {}),
      signal: stop.graceful,
      abandonSignal: stop.abandon,
      events,
    });
    finishProgress();
    report(result, flags, experiment);
  } finally {
    finishProgress();
    stop.dispose();
    await (await dashboard)?.close();
  }
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--budget <limits>', 'evaluations (2000), wall time (90s, 2m), target=<score>, comma-separated')
    .option('--concurrency <n>', 'evaluations in parallel (default: the experiment setting, else the core count)')
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--ui', 'serve the dashboard on 127.0.0.1 while the run goes (prints its URL)')
    .option('--python <interpreter>', 'the Python for a Python evaluator: a path (a virtual environment) or a name on PATH')
    .option('--unsafe', 'run candidate code without isolation where the sandbox is missing, and allow importGenome (prints a warning)')
    .option(
      '--fleet <redis-url>',
      'evaluate, and propose with model operators, on fleet workers (`ouro worker --fleet <redis-url>`) through this Redis ' +
        'instead of in this process',
    )
    .option('--json', 'print one JSON object at the end instead of text');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `ouro run <dir>`: the experiment is loaded before parsing, so its own options are flags too. */
export function registerRun(program: Command, experiment: LoadedExperiment | undefined): Command {
  return withCommonOptions(
    program
      .command('run')
      .description('evolve an experiment folder')
      .argument('[dir]', "experiment folder holding ouro.config.ts (with --replay: the recorded run's folder by default)")
      .option('--seed <n>', 'RNG seed; with --concurrency 1 a run is reproducible bit for bit')
      .option(
        '--model <id>',
        'a model for the LLM operators, repeatable: openai:gpt-4.1-mini, anthropic:claude-sonnet-4-5, ' +
          'compat:http://127.0.0.1:11434/v1#qwen2.5-coder; `none` runs the embedded operators only, whatever the config names',
        collect,
      )
      .option('--replay <run>', 'rerun a recorded run with its model replies served from the database, without a network'),
  ).action((dir: string | undefined, flags: RunFlags) => {
    sayWarnings(experiment?.warnings ?? []);
    return session(flags, experiment, async (common) => {
      const target = experiment ?? dir ?? (flags.replay ? recordedDir(flags.db, flags.replay) : undefined);
      if (target === undefined)
        throw new OuroError('option-invalid', 'ouro run needs an experiment folder, such as `ouro run examples/circle-packing`', {
          field: 'dir',
        });
      const { evolve } = await engine();
      return evolve(target, {
        ...common,
        // An OpenEvolve config's random_seed stands when the command line names none.
        seed: flags.seed === undefined ? experiment?.seed : parseInteger('seed', flags.seed, 0),
        options: experiment ? optionValues(experiment, flags) : {},
        ...(flags.model ? { models: flags.model } : {}),
        ...(flags.replay ? { replay: flags.replay } : {}),
      });
    });
  });
}

export function registerResume(program: Command): Command {
  return withCommonOptions(
    program
      .command('resume')
      .description('continue a stopped or crashed run with its archive and RNG state; --budget sets new limits for the whole run')
      .argument('<run>', 'run id (see ouro ls)'),
  ).action(async (runId: string, flags: RunFlags) => {
    sayWarnings(await resumeWarnings(flags.db, runId));
    return session(flags, undefined, async (common) => (await engine()).resume(runId, common));
  });
}

/** The load warnings (settings of a foreign config with no equivalent), on stderr, before anything else of the run. */
function sayWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
}

/**
 * What `ouro run` said when the run started from an OpenEvolve or ShinkaEvolve folder, said again
 * on resume, which reloads that folder. Empty for an Ouroboros folder (not loaded twice for this),
 * and whenever the run or its folder cannot be read: resume itself then reports why.
 */
export async function resumeWarnings(db: string, runId: string): Promise<string[]> {
  try {
    const { store } = openStore(db, true);
    let dir: string | undefined;
    try {
      dir = store.getRun(runId)?.experimentDir;
    } finally {
      store.close();
    }
    if (dir === undefined || detectFormat(dir).format === 'ouro') return [];
    return (await loadExperiment(dir)).warnings;
  } catch {
    return [];
  }
}

/** The folder a recorded run was started from. */
function recordedDir(db: string, runId: string): string {
  const { store } = openStore(db, true);
  try {
    const run = store.getRun(runId);
    if (!run) throw new OuroError('run-unknown', `--replay: no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'replay' });
    return run.experimentDir;
  } finally {
    store.close();
  }
}

function report(result: RunResult, flags: RunFlags, experiment: LoadedExperiment | undefined): void {
  const bestDir = result.bestGenome ? writeBest(result) : undefined;
  const json = {
    runId: result.runId,
    bestScore: result.bestScore ?? null,
    bestCandidate: result.bestCandidate ?? null,
    evaluations: result.evaluations,
    elapsedMs: Math.round(result.elapsedMs),
    stopReason: result.stopReason,
    bestPath: bestDir ? resolve(bestDir) : null,
    spend: result.spend,
  };
  emit(Boolean(flags.json), json, () => {
    const known = experiment?.config.bestKnown;
    const db = flags.db === DEFAULT_DB ? '' : ` --db ${flags.db}`;
    const lines = [
      '',
      `run ${result.runId} ${result.stopReason === 'interrupted' ? 'stopped' : 'finished'} ` +
        `(${describeEnd(result.stopReason)}): ${result.evaluations.toLocaleString('en-US')} evaluations ` +
        `in ${formatDuration(result.elapsedMs)}`,
      `best score: ${formatScore(result.bestScore)} (candidate ${result.bestCandidate ?? '-'})`,
    ];
    if (result.spend.calls > 0) {
      const { calls, inputTokens, outputTokens, costUsd } = result.spend;
      lines.push(
        `model calls: ${calls.toLocaleString('en-US')}, ${inputTokens.toLocaleString('en-US')} tokens in, ` +
          `${outputTokens.toLocaleString('en-US')} out, ${formatUsd(costUsd)} (\`ouro show ${result.runId}\` breaks it down)`,
      );
    }
    if (known && result.bestScore !== undefined) {
      lines.push(
        `best known: ${known.score} (${known.source}); this run reached ${((result.bestScore / known.score) * 100).toFixed(1)}% of it`,
      );
    }
    if (bestDir) {
      for (const file of Object.keys(result.bestGenome ?? {})) lines.push(`best program: ${join(bestDir, file)}`);
    }
    lines.push(
      'look at the run:',
      `  npx ouro best ${result.runId}${db}        the best program and its evaluation`,
      `  npx ouro show ${result.bestCandidate ?? `${result.runId}-0`}${db}    a candidate: genome, evaluation, diff against its parent`,
      `  npx ouro ls${db}                       every run in the database`,
      `  npx ouro ui${db}                       the dashboard`,
      `  npx ouro plot ${result.runId}${db}              the score curve, lineage and grid as SVG and PNG`,
      `  npx ouro resume ${result.runId} --budget <more>${db}   to continue it`,
    );
    return lines.join('\n');
  });
}

function describeEnd(reason: string): string {
  const reasons: Record<string, string> = {
    evaluations: 'evaluation budget reached',
    'wall-time': 'wall-time budget reached',
    'target-score': 'target score reached',
    tokens: 'token budget spent',
    cost: 'money budget spent',
    interrupted: 'interrupted; resumable',
    'operators-exhausted': 'the operators produced no new candidate proposal.maxConsecutiveFailures times in a row',
    'model-failures':
      'proposal.maxConsecutiveModelFailures LLM proposals in a row failed; `ouro show <run>` lists the calls, and the run is resumable',
  };
  return reasons[reason] ?? reason;
}

/** Writes the best genome beside the database, under runs/<id>/best/, and returns that folder. */
function writeBest(result: RunResult): string {
  const folder = join(runFolder(result.store, result.runId), 'best');
  for (const [file, text] of Object.entries(result.bestGenome ?? {})) {
    const path = join(folder, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return relative(process.cwd(), folder) || '.';
}

/** First Ctrl-C: finish in-flight evaluations. Second: abandon them (they rerun on resume). */
function interruptHandler() {
  const graceful = new AbortController();
  const abandon = new AbortController();
  const onSignal = () => {
    if (!graceful.signal.aborted) {
      process.stderr.write('\nstopping: finishing the evaluations in flight (Ctrl-C again to abandon them; the run stays resumable)\n');
      graceful.abort();
    } else if (!abandon.signal.aborted) {
      process.stderr.write('\nabandoning the evaluations in flight; they will rerun on resume\n');
      abandon.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    graceful: graceful.signal,
    abandon: abandon.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The engine, loaded when a run starts rather than with every `ouro` command (`ls` and `show` do not need it). */
function engine(): Promise<typeof import('../../engine/evolve.ts')> {
  return import('../../engine/evolve.ts');
}

/** The fleet's evaluators and proposers for `--fleet <url>`, imported on first use. */
function lazyFleet(url: string): Pick<EvolveOptions, 'evaluators' | 'proposals'> {
  return {
    evaluators: async (options, notice) => (await import('../../fleet/evaluator.ts')).fleetEvaluators(url)(options, notice),
    proposals: async (setup, notice) => (await import('../../fleet/proposer.ts')).fleetProposals(url)(setup, notice),
  };
}
