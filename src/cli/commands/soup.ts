import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { formatDuration } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import {
  fromHex,
  MAX_EPOCHS,
  requireSqlite,
  runSoup,
  SOUP_TABLES,
  SUBSTRATES,
  substrateByName,
  TRANSITION_ENTROPY,
  type SoupMetrics,
  type SoupRunOptions,
  type SoupRunResult,
  type SoupRunRecord,
  type SoupStore,
} from '../../soup/index.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { emit, table } from '../output.ts';

interface RunFlags {
  size?: string;
  epochs?: string;
  seed?: string;
  mutation?: string;
  substrate?: string;
  workers?: string;
  maxSteps?: string;
  metricsEvery?: string;
  snapshotEvery?: string;
  untilTransition?: boolean;
  seedReplicator?: boolean;
  resume?: string;
  db: string;
  json?: boolean;
}

/** `ouro soup run | show | ls`: the Computational Life soup, where replicators arise from random programs. */
export function registerSoup(program: Command): Command {
  const soup = program.command('soup').description('self-replicators from random programs: the Computational Life (BFF) soup');

  soup
    .command('run')
    .description('run a soup: random programs meet in pairs, epoch after epoch, until replicators take over')
    .option('--size <n>', 'programs of 64 bytes in the soup, an even number from 2 to 2^22 (default 131072 = 2^17)')
    .option('--epochs <n>', `epochs to run, from 1 to ${MAX_EPOCHS.toLocaleString('en-US')} (default 16384)`)
    .option('--seed <n>', 'seed of the soup and every random draw (default: random)')
    .option('--mutation <p>', 'chance that a tape byte is replaced before each interaction, 0 to 1 (default 1/4096)')
    .option('--substrate <name>', `language of the programs: ${[...SUBSTRATES.values()].map((s) => s.name).join(', ')} (default bff)`)
    .option('--workers <n>', 'threads that run the pairs of an epoch (default 1)')
    .option('--max-steps <n>', 'steps an interaction may take (default 8192)')
    .option('--metrics-every <n>', 'measure entropy and top programs every n epochs (default 16)')
    .option('--snapshot-every <n>', 'save the whole soup every n epochs, for resume (default 1024)')
    .option('--until-transition', `stop once high-order entropy passes ${TRANSITION_ENTROPY} (replicators have taken over)`)
    .option('--seed-replicator', "write the substrate's known replicator into program 0 before the first epoch")
    .option('--resume <run>', 'continue a soup run from its latest snapshot (up to --epochs, counted from its start)')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print one JSON object at the end')
    .action(async (flags: RunFlags) => {
      const options = soupOptions(flags);
      const stop = new AbortController();
      const onSignal = () => {
        if (stop.signal.aborted) return;
        process.stderr.write('\nstopping after this epoch; the run saves a snapshot and stays resumable (ouro soup run --resume)\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const progress = soupProgress(Boolean(flags.json));
      try {
        const result = await runSoup({ ...options, signal: stop.signal, onStart: progress.start, onMetrics: progress.update });
        progress.stop();
        emit(Boolean(flags.json), result, () => describeResult(result));
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  soup
    .command('show')
    .description('a soup run: its settings, state transition and most common programs as readable text')
    .argument('<run>', 'soup run id, such as s1a2b3c4 (see `ouro soup ls`)')
    .option('--top <n>', 'how many programs to print', '10')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action((runId: string, flags: { top: string; db: string; json?: boolean }) => {
      withSoups(flags.db, (soups) => {
        const run = soups.getSoupRun(runId);
        if (!run) throw new OuroError('run-unknown', `no soup run ${runId} in ${flags.db} (see \`ouro soup ls\`)`, { field: 'run' });
        const top = positiveInteger('top', flags.top, 1000);
        const metrics = soups.soupMetrics(runId);
        const shown = showRun(run, metrics, top);
        emit(Boolean(flags.json), shown, () => describeRun(shown));
      });
    });

  soup
    .command('ls')
    .description('soup runs in the database')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action((flags: { db: string; json?: boolean }) => {
      withSoups(flags.db, (soups) => {
        const runs = soups.listSoupRuns();
        emit(Boolean(flags.json), runs, () =>
          runs.length === 0
            ? 'no soup runs yet (ouro soup run)'
            : table([
                ['run', 'substrate', 'size', 'status', 'epoch', 'high-order entropy', 'transition'],
                ...runs.map((run) => [
                  run.id,
                  run.substrate,
                  String(run.size),
                  run.status,
                  String(run.epoch),
                  run.highOrderEntropy === null ? '-' : run.highOrderEntropy.toFixed(3),
                  run.transitionEpoch === null ? '-' : `epoch ${run.transitionEpoch}`,
                ]),
              ]),
        );
      });
    });
  return soup;
}

function withSoups(db: string, work: (soups: SoupStore) => void): void {
  requireSqlite(db);
  const store = new SqliteStore(db, { readonly: true });
  try {
    const soups = store.tables(SOUP_TABLES);
    if (!soups) throw new OuroError('run-unknown', `${db} has no soup runs yet (ouro soup run)`, { file: db });
    work(soups);
  } finally {
    store.close();
  }
}

/** Flag text to numbers, each checked with an error naming the flag and its allowed range. */
function soupOptions(flags: RunFlags): SoupRunOptions {
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const fraction = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
    if (text.trim() === '' || !Number.isFinite(value))
      throw new OuroError('option-invalid', `--${name} must be a number, got ${JSON.stringify(text)}`, { field: name });
    return value;
  };
  if (flags.substrate !== undefined) substrateByName(flags.substrate);
  const substrate = flags.substrate ?? 'bff';
  return {
    db: flags.db,
    resume: flags.resume,
    size: number('size', flags.size),
    epochs: number('epochs', flags.epochs),
    seed: number('seed', flags.seed),
    mutation: number('mutation', flags.mutation),
    substrate: flags.substrate,
    workers: number('workers', flags.workers),
    maxSteps: number('max-steps', flags.maxSteps),
    metricsEvery: number('metrics-every', flags.metricsEvery),
    snapshotEvery: number('snapshot-every', flags.snapshotEvery),
    stopOnTransition: flags.untilTransition,
    seedPrograms: flags.seedReplicator ? [knownReplicator(substrate)] : undefined,
  };
}

function knownReplicator(substrate: string): Uint8Array {
  const program = substrateByName(substrate).knownReplicator;
  if (!program)
    throw new OuroError('option-invalid', `--seed-replicator: substrate ${substrate} has no known replicator`, {
      field: 'seed-replicator',
    });
  return program;
}

function positiveInteger(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new OuroError('option-invalid', `--${name} must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`, { field: name });
  return value;
}

/** A live line on stderr: epoch, interactions/s, high-order entropy and the top program's replicator score. */
function soupProgress(quiet: boolean) {
  let bar: cliProgress.SingleBar | undefined;
  let target = 0;
  let lastPrint = 0;
  const fields = (metrics: SoupMetrics, rate: number) => ({
    rate: Math.round(rate).toLocaleString('en-US'),
    entropy: metrics.highOrderEntropy.toFixed(3),
    replicator: metrics.topReplicatorScore,
    top: metrics.topPrograms[0]?.count ?? 0,
  });
  return {
    start: (run: SoupRunRecord, epoch: number) => {
      target = run.settings.epochs;
      process.stderr.write(
        `soup ${run.id}: ${run.substrate}, ${run.size.toLocaleString('en-US')} programs, seed ${run.seed}, from ` +
          `epoch ${epoch} to ${target}\n`,
      );
      if (quiet || !process.stderr.isTTY) return;
      bar = new cliProgress.SingleBar(
        {
          format:
            ' {bar} epoch {value}/{total} | {rate} interactions/s | high-order entropy {entropy} | top program x{top}, ' +
            'replicator score {replicator}',
          barsize: 24,
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(target, epoch, { rate: '0', entropy: '-', replicator: '-', top: '-' });
    },
    update: (metrics: SoupMetrics, _run: SoupRunRecord, session: { interactionsPerSecond: number }) => {
      const values = fields(metrics, session.interactionsPerSecond);
      if (bar) bar.update(metrics.epoch, values);
      else if (!quiet && Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        process.stderr.write(
          `epoch ${metrics.epoch}/${target} | ${values.rate} interactions/s | high-order entropy ${values.entropy} | top program ` +
            `x${values.top}, replicator score ${values.replicator}\n`,
        );
      }
    },
    stop: () => {
      bar?.stop();
      bar = undefined;
    },
  };
}

function describeResult(result: SoupRunResult): string {
  const why = {
    epochs: 'reached its epoch target',
    transition: 'stopped at the state transition',
    signal: 'stopped on request; resume with --resume',
  }[result.stoppedBy];
  return [
    `soup ${result.runId} ${why} at epoch ${result.epochs} (${formatDuration(result.elapsedMs)})`,
    `high-order entropy ${result.highOrderEntropy.toFixed(3)}; ` +
      `${result.transitionEpoch === null ? 'no state transition yet' : `state transition at epoch ${result.transitionEpoch}`}`,
    `${Math.round(result.interactionsPerSecond).toLocaleString('en-US')} interactions/s, ` +
      `${(result.stepsPerSecond / 1e6).toFixed(1)} M steps/s`,
    `most common program (x${result.topPrograms[0]?.count ?? 0}, replicator score ${result.topReplicatorScore}): ` +
      `${result.topPrograms[0]?.text ?? '-'}`,
    `more: ouro soup show ${result.runId}; figures: ouro plot ${result.runId}`,
  ].join('\n');
}

interface ShownRun {
  run: SoupRunRecord;
  epoch: number;
  highOrderEntropy: number | null;
  transitionEpoch: number | null;
  topReplicatorScore: number | null;
  topPrograms: Array<{ program: string; text: string; count: number }>;
}

function showRun(run: SoupRunRecord, metrics: SoupMetrics[], top: number): ShownRun {
  const last = metrics.at(-1);
  const substrate = substrateByName(run.substrate);
  return {
    run,
    epoch: last?.epoch ?? 0,
    highOrderEntropy: last?.highOrderEntropy ?? null,
    transitionEpoch: metrics.find((row) => row.highOrderEntropy > TRANSITION_ENTROPY)?.epoch ?? null,
    topReplicatorScore: last?.topReplicatorScore ?? null,
    topPrograms: (last?.topPrograms ?? []).slice(0, top).map((entry) => ({ ...entry, text: substrate.toText(fromHex(entry.program)) })),
  };
}

function describeRun(shown: ShownRun): string {
  const { run } = shown;
  return [
    `soup ${run.id} (${run.status}): ${run.substrate}, ${run.size.toLocaleString('en-US')} programs, seed ${run.seed}, ` +
      `mutation ${run.settings.mutation}`,
    `epoch ${shown.epoch} of ${run.settings.epochs}; high-order entropy ${shown.highOrderEntropy?.toFixed(3) ?? '-'}`,
    shown.transitionEpoch === null
      ? `no state transition yet (high-order entropy has not passed ${TRANSITION_ENTROPY})`
      : `state transition at epoch ${shown.transitionEpoch} (first measurement with high-order entropy above ${TRANSITION_ENTROPY})`,
    `most common programs (replicator score of the first: ${shown.topReplicatorScore ?? '-'}):`,
    ...shown.topPrograms.map((entry) => `  x${String(entry.count).padEnd(7)} ${entry.text}`),
  ].join('\n');
}
