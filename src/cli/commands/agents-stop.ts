import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import type { StopResult, StopRound } from '../../agents/index.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { parseBudget, parseInteger } from '../budget-flag.ts';
import { emit, formatUsd, table } from '../output.ts';

interface StopFlags {
  rounds?: string;
  model?: string;
  budget?: string;
  seedImprover?: string;
  out: string;
  db: string;
  resume?: string;
  replay?: string;
  json?: boolean;
}

/**
 * Registers `stop` under the `agents` command: STOP, an improver that improves itself.
 *
 * @example
 * const agents = program.command('agents');
 * registerAgentsStop(agents); // ouro agents stop --model openai:gpt-4.1-mini --rounds 3
 */
export function registerAgentsStop(agents: Command): Command {
  return agents
    .command('stop')
    .description('STOP, the self-taught optimizer: an improver improve(program, utility, llm) applied to its own source for K rounds')
    .option('--rounds <k>', "rounds of self-application after evaluating the seed (default 3; with --resume or --replay, the run's own)")
    .option('--model <id>', 'the model the improvers call, such as openai:gpt-4.1-mini or compat:http://127.0.0.1:11434/v1#qwen2.5-coder')
    .option('--budget <limits>', 'stop at a limit: tokens=200000, $2 (money), 30m (wall time), comma-separated')
    .option('--seed-improver <file>', 'the improver of round 0 (default: the shipped seed, agents/stop-seed/improve.mjs)')
    .option('--resume <run>', 'continue a STOP run after its last stored round, its budget counting what it spent')
    .option('--replay <run>', "a new run with a recorded run's settings, every model reply served from its stored exchanges (no network)")
    .option('--db <file>', 'SQLite database the rounds and model calls are stored in', DEFAULT_DB)
    .option('--out <dir>', 'folder for the run report (<out>/<run>/report.json)', join('.ouro', 'stop'))
    .option('--json', 'print the report as one JSON object')
    .action(async (flags: StopFlags) => {
      const rounds = flags.rounds === undefined ? undefined : parseInteger('rounds', flags.rounds, 0);
      const budget = flags.budget === undefined ? {} : parseBudget(flags.budget);
      if (budget.evaluations !== undefined || budget.targetScore !== undefined) {
        throw new OuroError(
          'option-invalid',
          'option --budget: STOP takes tokens=<n>, $<dollars> and durations; set the number of rounds with --rounds',
          { field: 'budget' },
        );
      }
      if (flags.seedImprover !== undefined && (flags.resume !== undefined || flags.replay !== undefined)) {
        throw new OuroError('option-invalid', '--seed-improver starts a new run; a resumed or replayed run keeps its recorded seed', {
          field: 'seed-improver',
        });
      }
      const { startStop, SEED_IMPROVER_FILE } = await import('../../agents/index.ts');
      const seedFile = resolve(flags.seedImprover ?? SEED_IMPROVER_FILE);
      const seedImprover =
        flags.resume !== undefined || flags.replay !== undefined
          ? undefined
          : await readFile(seedFile, 'utf8').catch((error: unknown) => {
              throw new OuroError('config-missing', `--seed-improver: cannot read ${seedFile}: ${(error as Error).message}`, {
                field: 'seed-improver',
                file: seedFile,
              });
            });
      const stop = new AbortController();
      const onSignal = () => {
        if (stop.signal.aborted) return;
        process.stderr.write('\nstopping: the round in progress is abandoned; the run stays resumable (ouro agents stop --resume)\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await startStop({
          db: flags.db,
          reportDir: resolve(flags.out),
          signal: stop.signal,
          ...(flags.model === undefined ? {} : { model: flags.model }),
          ...(seedImprover === undefined ? {} : { seedImprover, seedFile }),
          ...(rounds === undefined ? {} : { rounds }),
          budget: {
            ...(budget.tokens === undefined ? {} : { tokens: budget.tokens }),
            ...(budget.costUsd === undefined ? {} : { costUsd: budget.costUsd }),
            ...(budget.wallTimeMs === undefined ? {} : { wallTimeMs: budget.wallTimeMs }),
          },
          ...(flags.resume === undefined ? {} : { resume: flags.resume }),
          ...(flags.replay === undefined ? {} : { replay: flags.replay }),
          onRound: (round) => {
            if (!flags.json) process.stderr.write(`${describeRound(round)}\n`);
          },
        });
        const diverged = replayWarning(result);
        if (diverged !== undefined) process.stderr.write(`ouro: warning: ${diverged}\n`);
        emit(
          Boolean(flags.json),
          { ...result.report, runId: result.runId, reportFile: result.reportFile, ...(result.replay ? { replay: result.replay } : {}) },
          () => describeReport(result, flags.db),
        );
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** What a replay did not match, or undefined when it was served exactly what was recorded. */
function replayWarning(result: StopResult): string | undefined {
  if (!result.replay || (result.replay.unserved === 0 && result.replay.unrecorded === 0)) return undefined;
  return (
    `the replay diverged from the recorded run: ${result.replay.unrecorded} calls asked for a prompt with no recorded reply, ` +
    `${result.replay.unserved} recorded replies were never asked for`
  );
}

function describeRound(round: StopRound): string {
  const meta = round.metaUtility === null ? 'no improver' : `meta-utility ${round.metaUtility.toFixed(4)}`;
  const status = round.status === 'ok' ? '' : ` (${round.status}: ${round.message ?? ''})`;
  return (
    `round ${round.round}: ${meta}${round.accepted ? ', kept as best' : ''}${status}, ` +
    `${round.spend.llmCalls} model calls, ${round.spend.tokens} tokens, ${formatDuration(round.wallMs)}`
  );
}

function describeReport(result: StopResult, db: string): string {
  const { report, runId } = result;
  const flag = db === DEFAULT_DB ? '' : ` --db ${db}`;
  const rows = [['round', 'meta-utility', 'kept', 'calls', 'tokens', 'cost', 'time']];
  for (const round of report.rounds) {
    rows.push([
      String(round.round),
      round.metaUtility === null ? '-' : round.metaUtility.toFixed(4),
      round.accepted ? 'yes' : '',
      String(round.spend.llmCalls),
      String(round.spend.tokens),
      formatUsd(round.spend.costUsd),
      formatDuration(round.wallMs),
    ]);
  }
  return [
    table(rows),
    `best improver: round ${report.best.round}, meta-utility ${report.best.metaUtility.toFixed(4)}`,
    `STOP run ${runId} stopped: ${report.stopMessage}`,
    ...(result.reportFile === undefined ? [] : [`report: ${result.reportFile}`]),
    ...(report.stopReason === 'rounds'
      ? []
      : [`  npx ouro agents stop --resume ${runId}${flag}   to continue it (with --budget to raise a spent budget)`]),
  ].join('\n');
}
