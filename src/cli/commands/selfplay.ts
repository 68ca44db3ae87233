import { join } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { parseInteger, spendBudget } from '../budget-flag.ts';
import { emit } from '../output.ts';
import { addGenerateOptions, endLine, proposalLine, settingsOf } from './tasks.ts';

const GAMES = ['proposer-solver', 'sneaky-critic'];
const DEFAULT_BENCH = 'benchmarks/coding';

interface RunFlags {
  game: string;
  proposer?: string;
  sneaky?: string;
  critic?: string;
  episodes?: string;
  tasks?: string;
  bench?: string;
  budget?: string;
  unsafe?: boolean;
  db: string;
  json?: boolean;
}

/**
 * `ouro selfplay run | resume | export`: games whose outcomes are verified by running code.
 *
 * @example
 * registerSelfplay(program); // ouro selfplay run --game sneaky-critic --sneaky <id> --critic <id> --episodes 20
 */
export function registerSelfplay(program: Command): void {
  const selfplay = program.command('selfplay').description('self-play games verified by execution; their episodes become training data');
  const run = selfplay
    .command('run')
    .description(
      'proposer-solver: a proposer writes tasks and is rewarded by learnability; sneaky-critic: a subtly wrong solution against a critic',
    )
    .requiredOption('--game <name>', `the game: ${GAMES.join(' or ')}`)
    .option('--sneaky <id>', 'sneaky-critic: the model that writes subtly wrong solutions')
    .option('--critic <id>', 'sneaky-critic: the model that must name the failing input (default: the sneaky model)')
    .option('--episodes <n>', 'sneaky-critic: episodes to play (default 20)')
    .option('--tasks <run>', "sneaky-critic: play on a task run's kept coding tasks")
    .option('--bench <folder>', `sneaky-critic: play on a coding benchmark folder (default ${DEFAULT_BENCH})`);
  // The proposer-solver game takes every option of `ouro tasks generate`; --proposer is checked below.
  addGenerateOptions(run);
  const proposer = run.options.find((option) => option.long === '--proposer');
  if (proposer) proposer.mandatory = false;
  run.action(async (flags: RunFlags & Parameters<typeof settingsOf>[0]) => {
    if (!GAMES.includes(flags.game)) {
      throw new OuroError('option-invalid', `--game: no game "${flags.game}"; the games are ${GAMES.join(', ')}`, { field: 'game' });
    }
    if (flags.game === 'proposer-solver') {
      if (!flags.proposer)
        throw new OuroError('option-invalid', '--game proposer-solver needs --proposer <model id>', { field: 'proposer' });
      const { startTasks, TASKS_DEFAULTS } = await import('../../tasks/index.ts');
      const result = await startTasks(
        { ...settingsOf(flags, TASKS_DEFAULTS), game: 'proposer-solver' },
        {
          db: flags.db,
          onProposal: (proposal) => {
            if (!flags.json) console.log(proposalLine(proposal));
          },
          notice: (message) => console.error(`ouro: ${message}`),
        },
      );
      emit(Boolean(flags.json), result, () => endLine(result, 'selfplay'));
      return;
    }
    if (!flags.sneaky) throw new OuroError('option-invalid', '--game sneaky-critic needs --sneaky <model id>', { field: 'sneaky' });
    const { startSneakyCritic } = await import('../../tasks/games/run.ts');
    const result = await startSneakyCritic(
      {
        game: 'sneaky-critic',
        sneaky: flags.sneaky,
        ...(flags.critic ? { critic: flags.critic } : {}),
        episodes: flags.episodes ? parseInteger('episodes', flags.episodes, 1) : 20,
        source: flags.tasks ? { tasksRun: flags.tasks } : { bench: flags.bench ?? DEFAULT_BENCH },
        budget: spendBudget(flags.budget, 'self-play', 'set the number of episodes with --episodes'),
        ...(flags.unsafe ? { unsafe: true } : {}),
      },
      { db: flags.db, onEpisode: (line) => (flags.json ? undefined : console.log(line)) },
    );
    emit(Boolean(flags.json), result, () => gameLine(result));
  });
  selfplay
    .command('resume')
    .description('carry a self-play run on after a stop, a crash or kill -9')
    .argument('<run>', 'self-play run id')
    .option('--episodes <n>', 'sneaky-critic: raise the number of episodes')
    .option('--proposals <n>', 'proposer-solver: raise the number of proposals')
    .option('--budget <limits>', 'replace the token or money limit: tokens=200000, $2')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, flags: { episodes?: string; proposals?: string; budget?: string; db: string; json?: boolean }) => {
      const budget = flags.budget ? { budget: spendBudget(flags.budget, 'self-play', 'raise --episodes or --proposals') } : {};
      if (await isSneakyCritic(runId, flags.db)) {
        const { resumeSneakyCritic } = await import('../../tasks/games/run.ts');
        const result = await resumeSneakyCritic(runId, {
          db: flags.db,
          ...budget,
          ...(flags.episodes ? { episodes: parseInteger('episodes', flags.episodes, 1) } : {}),
          onEpisode: (line) => (flags.json ? undefined : console.log(line)),
        });
        emit(Boolean(flags.json), result, () => gameLine(result));
        return;
      }
      const { resumeTasks } = await import('../../tasks/index.ts');
      const result = await resumeTasks(runId, {
        db: flags.db,
        ...budget,
        ...(flags.proposals ? { proposals: parseInteger('proposals', flags.proposals, 1) } : {}),
        onProposal: (proposal) => {
          if (!flags.json) console.log(proposalLine(proposal));
        },
      });
      emit(Boolean(flags.json), result, () => endLine(result, 'selfplay'));
    });
  selfplay
    .command('export')
    .description("a self-play run's episodes as SFT examples and preference pairs (the flywheel's formats), each with a dataset card")
    .argument('<run>', 'self-play run id')
    .requiredOption('--out <folder>', 'where sft.jsonl and pairs.jsonl go')
    .option('--sft-format <name>', 'openai-chat, trl-messages (default), trl-prompt-completion or trl-prompt-completion-conversational')
    .option('--pairs-format <name>', 'trl-dpo (default), trl-dpo-conversational or openai-dpo')
    .option('--force', 'write over files that exist')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(
      async (
        runId: string,
        flags: { out: string; sftFormat?: string; pairsFormat?: string; force?: boolean; db: string; json?: boolean },
      ) => {
        const { openTasks } = await import('../../tasks/index.ts');
        const { exportGameEpisodes } = await import('../../tasks/games/index.ts');
        const { store, tasks } = openTasks(flags.db, true);
        try {
          if (!tasks.getRun(runId)) {
            throw new OuroError('run-unknown', `no self-play run ${runId} in ${store.location} (see \`ouro tasks ls\`)`, { field: 'run' });
          }
          const written = await exportGameEpisodes(tasks.episodes(runId), {
            sftPath: join(flags.out, 'sft.jsonl'),
            pairsPath: join(flags.out, 'pairs.jsonl'),
            heldOut: new Set(),
            ...(flags.force ? { force: true } : {}),
            ...(flags.sftFormat ? { sftFormat: flags.sftFormat as never } : {}),
            ...(flags.pairsFormat ? { pairFormat: flags.pairsFormat as never } : {}),
          });
          emit(
            Boolean(flags.json),
            written,
            () =>
              `wrote ${written.sft.lines} SFT examples to ${written.sft.path} and ${written.pairs.lines} pairs to ${written.pairs.path}, ` +
              'each with a .card.json',
          );
        } finally {
          store.close();
        }
      },
    );
}

async function isSneakyCritic(runId: string, db: string): Promise<boolean> {
  const { openTasks } = await import('../../tasks/index.ts');
  const { store, tasks } = openTasks(db, true);
  try {
    const run = tasks.getRun(runId);
    if (!run)
      throw new OuroError('run-unknown', `no self-play run ${runId} in ${store.location} (see \`ouro tasks ls\`)`, { field: 'run' });
    return (run.settings as { game?: string }).game === 'sneaky-critic';
  } finally {
    store.close();
  }
}

function gameLine(result: { runId: string; episodes: number; wins: { sneaky: number; critic: number }; stopReason: string }): string {
  return (
    `selfplay ${result.runId}: ${result.episodes} episodes, sneaky won ${result.wins.sneaky}, critic won ${result.wins.critic}, ` +
    `ended: ${result.stopReason}\n  ouro selfplay export ${result.runId} --out <folder>`
  );
}
