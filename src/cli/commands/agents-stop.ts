import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import type { StopReport, StopRound } from '../../engine/stop.ts';
import { parseBudget, parseInteger } from '../budget-flag.ts';
import { emit, formatUsd, table } from '../output.ts';

interface StopFlags {
  rounds: string;
  model?: string;
  budget?: string;
  seedImprover?: string;
  out: string;
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
  return agents.command('stop')
    .description('STOP, the self-taught optimizer: an improver improve(program, utility, llm) applied to its own source for K rounds')
    .option('--rounds <k>', 'rounds of self-application after evaluating the seed', '3')
    .option('--model <id>', 'the model the improvers call, such as openai:gpt-4.1-mini or compat:http://127.0.0.1:11434/v1#qwen2.5-coder')
    .option('--budget <limits>', 'stop at a limit: tokens=200000, $2 (money), 30m (wall time), comma-separated')
    .option('--seed-improver <file>', 'the improver of round 0 (default: the shipped seed, agents/stop-seed/improve.mjs)')
    .option('--out <dir>', 'folder for the run report (<out>/<run>/report.json)', join('.ouro', 'stop'))
    .option('--json', 'print the report as one JSON object')
    .action(async (flags: StopFlags) => {
      if (flags.model === undefined) {
        throw new OuroError('model-missing', 'STOP needs a model: its improvers ask a model for better programs. Pass --model <id>, such as --model openai:gpt-4.1-mini', { field: 'model' });
      }
      const rounds = parseInteger('rounds', flags.rounds, 0);
      const budget = flags.budget === undefined ? {} : parseBudget(flags.budget);
      if (budget.evaluations !== undefined || budget.targetScore !== undefined) {
        throw new OuroError('option-invalid', 'option --budget: STOP takes tokens=<n>, $<dollars> and durations; set the number of rounds with --rounds', { field: 'budget' });
      }
      const { runStop, SEED_IMPROVER_FILE, stopModel } = await import('../../engine/stop.ts');
      const seedFile = resolve(flags.seedImprover ?? SEED_IMPROVER_FILE);
      const seedImprover = await readFile(seedFile, 'utf8').catch((error: unknown) => {
        throw new OuroError('config-missing', `--seed-improver: cannot read ${seedFile}: ${(error as Error).message}`, { field: 'seed-improver', file: seedFile });
      });
      const run = `stop-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const reportFile = join(resolve(flags.out), run, 'report.json');
      const report = await runStop({
        model: stopModel(flags.model), seedImprover, rounds,
        budget: {
          ...(budget.tokens === undefined ? {} : { tokens: budget.tokens }),
          ...(budget.costUsd === undefined ? {} : { costUsd: budget.costUsd }),
          ...(budget.wallTimeMs === undefined ? {} : { wallTimeMs: budget.wallTimeMs }),
        },
        reportFile,
        onRound: (round) => { if (!flags.json) process.stderr.write(`${describeRound(round)}\n`); },
      });
      emit(Boolean(flags.json), { ...report, reportFile }, () => describeReport(report, reportFile));
    });
}

function describeRound(round: StopRound): string {
  const meta = round.metaUtility === null ? 'no improver' : `meta-utility ${round.metaUtility.toFixed(4)}`;
  const status = round.status === 'ok' ? '' : ` (${round.status}: ${round.message ?? ''})`;
  return `round ${round.round}: ${meta}${round.accepted ? ', kept as best' : ''}${status}, ` +
    `${round.spend.llmCalls} model calls, ${round.spend.tokens} tokens, ${formatDuration(round.wallMs)}`;
}

function describeReport(report: StopReport, reportFile: string): string {
  const rows = [['round', 'meta-utility', 'kept', 'calls', 'tokens', 'cost', 'time']];
  for (const round of report.rounds) {
    rows.push([
      String(round.round), round.metaUtility === null ? '-' : round.metaUtility.toFixed(4), round.accepted ? 'yes' : '',
      String(round.spend.llmCalls), String(round.spend.tokens), formatUsd(round.spend.costUsd), formatDuration(round.wallMs),
    ]);
  }
  return [
    table(rows),
    `best improver: round ${report.best.round}, meta-utility ${report.best.metaUtility.toFixed(4)}`,
    `stopped: ${report.stopMessage}`,
    `report: ${reportFile}`,
  ].join('\n');
}
