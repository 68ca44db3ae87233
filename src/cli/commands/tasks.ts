import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import type { StoredProposal, TasksResult, TasksSettings } from '../../tasks/index.ts';
import { parseInteger, spendBudget } from '../budget-flag.ts';
import { emit, table } from '../output.ts';

interface GenerateFlags {
  proposer: string;
  solver?: string;
  proposals?: string;
  generators?: string;
  difficulties?: string;
  topics?: string;
  attempts?: string;
  bounds?: string;
  ladderDepth?: string;
  failuresFrom?: string;
  concurrency?: string;
  seed?: string;
  budget?: string;
  unsafe?: boolean;
  db: string;
  json?: boolean;
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** `--bounds 0.1,0.9`: the learnability band (checked by the run's settings). */
function boundsOf(text: string): TasksSettings['bounds'] {
  const [low, high, ...rest] = list(text).map(Number);
  if (low === undefined || high === undefined || rest.length > 0 || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new OuroError('option-invalid', `option --bounds: "${text}" is not two numbers, low and high, as in 0.1,0.9`, {
      field: 'bounds',
    });
  }
  return { low, high };
}

/** The settings the flags give; what they leave out comes from TASKS_DEFAULTS. */
export function settingsOf(flags: GenerateFlags, defaults: Omit<TasksSettings, 'proposer'>): Partial<TasksSettings> & { proposer: string } {
  return {
    ...defaults,
    proposer: flags.proposer,
    ...(flags.solver ? { solver: flags.solver } : {}),
    ...(flags.proposals ? { proposals: parseInteger('proposals', flags.proposals, 1) } : {}),
    ...(flags.generators ? { generators: list(flags.generators) as TasksSettings['generators'] } : {}),
    ...(flags.difficulties ? { difficulties: list(flags.difficulties) as TasksSettings['difficulties'] } : {}),
    ...(flags.topics ? { topics: list(flags.topics) } : {}),
    ...(flags.attempts ? { attempts: parseInteger('attempts', flags.attempts, 1) } : {}),
    ...(flags.bounds ? { bounds: boundsOf(flags.bounds) } : {}),
    ...(flags.ladderDepth ? { ladderDepth: parseInteger('ladder-depth', flags.ladderDepth, 0) } : {}),
    ...(flags.failuresFrom ? { failuresFrom: flags.failuresFrom } : {}),
    ...(flags.concurrency ? { concurrency: parseInteger('concurrency', flags.concurrency, 1) } : {}),
    ...(flags.seed ? { seed: parseInteger('seed', flags.seed, 0) } : {}),
    budget: spendBudget(flags.budget, 'task generation', 'set the number of proposals with --proposals'),
    ...(flags.unsafe ? { unsafe: true } : {}),
  };
}

/** The options `ouro tasks generate` and `ouro selfplay run` share. */
export function addGenerateOptions(command: Command): Command {
  return command
    .requiredOption('--proposer <id>', 'the model that writes tasks, such as compat:http://127.0.0.1:11434/v1#qwen2.5:7b')
    .option('--solver <id>', 'the model that attempts them (default: the proposer)')
    .option('--proposals <n>', 'proposals in the run, easier variants included (default 20)')
    .option('--generators <list>', 'what the curriculum picks from: coding, math, triple, sws (default coding,math,triple)')
    .option('--difficulties <list>', 'easy, medium, hard (default easy,medium)')
    .option('--topics <list>', 'topic labels, such as strings,arrays,arithmetic (the default)')
    .option('--attempts <n>', "the solver's attempts at each valid task (default 4)")
    .option('--bounds <low,high>', 'keep a task for training only if its pass rate lies strictly between (default 0.1,0.9)')
    .option('--ladder-depth <n>', 'easier variants of a task too hard for the solver, this deep (default 2; 0: none)')
    .option('--failures-from <run>', 'what the sws generator aims at: a flywheel run (its failed samples) or dgm:<run> (unresolved tasks)')
    .option('--concurrency <n>', 'solver attempts at once (default 2)')
    .option('--seed <n>', "the curriculum's seed (default 0)")
    .option('--budget <limits>', 'stop at a limit: tokens=200000, $2 (money), comma-separated')
    .option('--unsafe', 'run checks without bubblewrap where it is missing')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON');
}

export function proposalLine(proposal: StoredProposal): string {
  const what = proposal.task ? `${proposal.task.title} (${proposal.category})` : `(${proposal.category})`;
  const verdict = proposal.kept ? 'kept' : `rejected, ${proposal.reason}`;
  return `#${proposal.seq} ${verdict}: ${what}${proposal.kept ? '' : `: ${proposal.detail}`}`;
}

export function endLine(result: TasksResult, command: 'tasks' | 'selfplay'): string {
  const why =
    result.stopReason === 'budget'
      ? `stopped at the budget (${result.message ?? ''}); \`ouro ${command} resume ${result.runId} --budget ...\` carries on`
      : `ended: ${result.stopReason}`;
  const counts = `${result.proposals} proposals, ${result.kept} kept, ${result.rejected} rejected`;
  return `${command} ${result.runId}: ${counts}, ${why}\n  ouro tasks show ${result.runId}`;
}

/**
 * `ouro tasks generate | resume | show | ls | export`: self-generated tasks.
 *
 * @example
 * registerTasks(program); // ouro tasks generate --proposer compat:http://127.0.0.1:11434/v1#qwen2.5:7b --proposals 50
 */
export function registerTasks(program: Command): void {
  const tasks = program.command('tasks').description('self-generated tasks: write, validate, attempt and keep what can teach');
  addGenerateOptions(
    tasks
      .command('generate')
      .description(
        'a proposer writes tasks with their checks; the sandbox validates them; a solver attempts them; a curriculum picks what next',
      ),
  ).action(async (flags: GenerateFlags) => {
    const { startTasks, TASKS_DEFAULTS } = await import('../../tasks/index.ts');
    const result = await startTasks(settingsOf(flags, TASKS_DEFAULTS), {
      db: flags.db,
      onProposal: (proposal) => {
        if (!flags.json) console.log(proposalLine(proposal));
      },
      notice: (message) => console.error(`ouro: ${message}`),
    });
    emit(Boolean(flags.json), result, () => endLine(result, 'tasks'));
  });
  tasks
    .command('resume')
    .description('carry a task run on after a stop, a crash or kill -9: it asks no model twice')
    .argument('<run>', 'task run id')
    .option('--proposals <n>', 'raise the number of proposals')
    .option('--budget <limits>', 'replace the token or money limit: tokens=200000, $2 (what the run spent counts)')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, flags: { proposals?: string; budget?: string; db: string; json?: boolean }) => {
      const { resumeTasks } = await import('../../tasks/index.ts');
      const result = await resumeTasks(runId, {
        db: flags.db,
        ...(flags.proposals ? { proposals: parseInteger('proposals', flags.proposals, 1) } : {}),
        ...(flags.budget ? { budget: spendBudget(flags.budget, 'task generation', 'raise --proposals') } : {}),
        onProposal: (proposal) => {
          if (!flags.json) console.log(proposalLine(proposal));
        },
        notice: (message) => console.error(`ouro: ${message}`),
      });
      emit(Boolean(flags.json), result, () => endLine(result, 'tasks'));
    });
  tasks
    .command('show')
    .description("a task run's kept tasks (with the solver's pass rates) and its rejections by reason")
    .argument('<run>', 'task run id')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: { db: string; json?: boolean }) => {
      const { showRun } = await import('./tasks-show.ts');
      showRun(runId, flags);
    });
  tasks
    .command('ls')
    .description('list task runs and self-play runs')
    .option('--db <file>', 'SQLite database the runs are stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (flags: { db: string; json?: boolean }) => {
      const { openTasks } = await import('../../tasks/index.ts');
      const { store, tasks: tables } = openTasks(flags.db, true);
      try {
        const runs = tables.runs();
        emit(Boolean(flags.json), runs, () =>
          runs.length === 0
            ? 'no task runs yet: try `ouro tasks generate --proposer <model id>`'
            : table([
                ['run', 'kind', 'status', 'proposals', 'kept', 'started'],
                ...runs.map((run) => [
                  run.id,
                  run.kind,
                  run.status,
                  String(run.proposals),
                  String(run.kept),
                  new Date(run.createdAt).toISOString().slice(0, 19),
                ]),
              ]),
        );
      } finally {
        store.close();
      }
    });
  tasks
    .command('export')
    .description(
      "write a run's kept tasks: coding tasks in the coding benchmark's layout (--bench), or every kind as flywheel tasks (--flywheel)",
    )
    .argument('<run>', 'task run id')
    .option('--bench <folder>', 'a benchmark folder that `ouro agents run --bench <folder>` accepts as it is')
    .option('--flywheel <file>', 'a JSONL file of flywheel tasks, for `ouro flywheel run --source tasks:<file>`')
    .option('--curriculum <n>', "--flywheel: n kept tasks drawn by the curriculum's final category weights (default: every kept task)")
    .option('--force', 'write over a folder or file that already exists')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: Parameters<typeof import('./tasks-show.ts').exportRun>[1]) => {
      const { exportRun } = await import('./tasks-show.ts');
      await exportRun(runId, flags);
    });
}
