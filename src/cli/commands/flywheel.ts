import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import type { FlywheelSettings, StartFlywheelRemote, StoredFigures, StoredRound } from '../../flywheel/index.ts';
import { parseInteger, spendBudget } from '../budget-flag.ts';
import { emit, formatUsd, table } from '../output.ts';

interface RunFlags {
  source: string;
  promptField?: string;
  answerField?: string;
  idField?: string;
  model: string;
  judge?: string;
  method?: string;
  pairs?: string;
  rounds?: string;
  k?: string;
  temperature?: string;
  adapt?: boolean;
  concurrency?: string;
  heldOut?: string;
  tasksPerRound?: string;
  humanShare?: string;
  guard?: string;
  maxHeldOutDrop?: string;
  minDiversity?: string;
  trainer?: string;
  export?: string;
  sftFormat?: string;
  pairsFormat?: string;
  budget?: string;
  seed?: string;
  force?: boolean;
  unsafe?: boolean;
  trainerPoll?: string;
  fleet?: string;
  db: string;
  json?: boolean;
}

/** `--fleet <redis-url>`: sampling and code checks on `ouro worker` processes, the fleet code imported on first use. */
function fleetOption(url: string | undefined) {
  if (url === undefined) return {};
  return {
    remote: (async (setup, notice) =>
      (await import('../../fleet/flywheel.ts')).fleetFlywheel({ url })(setup, notice)) as StartFlywheelRemote,
  };
}

/** `--trainer-poll <seconds>`: how often a fine-tuning service is asked about a job (this session only). */
function trainerOptions(text: string | undefined) {
  if (text === undefined) return {};
  const seconds = number('trainer-poll', text);
  if (!(seconds > 0))
    throw new OuroError('option-invalid', `option --trainer-poll: "${text}" is not a positive number of seconds`, {
      field: 'trainer-poll',
    });
  return { trainerOptions: { openai: { pollMs: Math.round(seconds * 1000) } } };
}

/**
 * `ouro flywheel run | resume | show | ls`: the self-training flywheel.
 *
 * @example
 * registerFlywheel(program); // ouro flywheel run --source gsm8k:test.jsonl --model compat:http://127.0.0.1:11434/v1#qwen2.5:7b
 */
export function registerFlywheel(program: Command): void {
  const flywheel = program
    .command('flywheel')
    .description('the self-training flywheel: sample, verify, keep, pair, export, train, repeat (STaR, ReST-EM, ScPO, SPIN)');
  flywheel
    .command('run')
    .description('start a flywheel run')
    .requiredOption(
      '--source <spec>',
      'tasks: gsm8k:<file>, jsonl:<file> (with --prompt-field), python:<file>, ' +
        'tasks:<file> (whole tasks, as `ouro tasks export --flywheel` writes them) or coding-bench[:<dir>]',
    )
    .option('--prompt-field <name>', 'with jsonl: the field that holds the prompt')
    .option('--answer-field <name>', 'with jsonl: the field that holds the reference answer (none: unlabelled, self-consistency)')
    .option('--id-field <name>', 'with jsonl: the field that holds task ids (default: line numbers)')
    .requiredOption('--model <id>', 'the policy model of round 0, such as compat:http://127.0.0.1:11434/v1#qwen2.5:7b')
    .option('--judge <id>', 'a judge model for tasks no stronger verifier can check (the weakest verifier)')
    .option('--method <name>', 'star (passing replies, and rationalised failures) or rest (distinct passing replies)', 'star')
    .option('--pairs <kinds>', 'preference pairs to export: dpo, spin, scpo, comma-separated, or none', 'dpo')
    .option('--rounds <n>', 'rounds (default 3)')
    .option('--k <n>', 'samples per task (default 4)')
    .option('--temperature <t>', 'sampling temperature (default 0.8)')
    .option('--adapt', "tune temperature and K from each round's exploration and exploitation figures (B-STaR)")
    .option('--concurrency <n>', 'model calls in flight (default 4)')
    .option('--held-out <n>', 'tasks kept out of every export and scored each round (default 50)')
    .option('--tasks-per-round <n>', 'train tasks sampled each round (default: all)')
    .option('--human-share <x>', 'share of each SFT export taken from reference solutions, from 0 to below 1 (default 0)')
    .option('--guard <mode>', 'on a collapsing round: flag (go on) or stop (default flag)')
    .option('--max-held-out-drop <x>', 'held-out accuracy drop below the best round that counts as collapse (default 0.05)')
    .option('--min-diversity <x>', 'answer diversity below which a round counts as collapsed (default 0.05)')
    .option('--trainer <spec>', 'none, openai, openai:<base URL> or command:<shell command> (default none: export only)')
    .option('--export <dir>', 'folder for the exports, round-<n>/ each (default .ouro/flywheel/<run>)')
    .option('--sft-format <name>', 'openai-chat, trl-messages, trl-prompt-completion or trl-prompt-completion-conversational')
    .option('--pairs-format <name>', 'trl-dpo, trl-dpo-conversational or openai-dpo')
    .option('--budget <limits>', 'stop at a limit: tokens=200000, $2 (money), comma-separated')
    .option('--seed <n>', 'the seed of the held-out split and the per-round task draws (default 0)')
    .option('--trainer-poll <seconds>', 'how often a fine-tuning service is asked about a job (default 20)')
    .option('--force', 'write over an export folder that already holds files')
    .option('--unsafe', 'run code checks without bubblewrap where it is missing')
    .option('--fleet <redis-url>', 'sample and check code on `ouro worker` processes through this Redis (redis://host:6379)')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (flags: RunFlags) => {
      const { FLYWHEEL_DEFAULTS, parseSourceSpec, startFlywheel } = await import('../../flywheel/index.ts');
      const settings = {
        ...FLYWHEEL_DEFAULTS,
        source: parseSourceSpec(flags.source, {
          ...(flags.promptField ? { prompt: flags.promptField } : {}),
          ...(flags.answerField ? { answer: flags.answerField } : {}),
          ...(flags.idField ? { id: flags.idField } : {}),
        }),
        model: flags.model,
        ...(flags.judge ? { judge: flags.judge } : {}),
        method: flags.method as FlywheelSettings['method'],
        pairs: flags.pairs === 'none' ? [] : ((flags.pairs ?? 'dpo').split(',').map((kind) => kind.trim()) as FlywheelSettings['pairs']),
        ...integers(flags),
        ...(flags.temperature === undefined ? {} : { temperature: number('temperature', flags.temperature) }),
        adapt: flags.adapt === true,
        ...(flags.humanShare === undefined ? {} : { humanShare: number('human-share', flags.humanShare) }),
        ...(flags.guard === undefined ? {} : { guard: flags.guard as FlywheelSettings['guard'] }),
        ...(flags.maxHeldOutDrop === undefined ? {} : { maxHeldOutDrop: number('max-held-out-drop', flags.maxHeldOutDrop) }),
        ...(flags.minDiversity === undefined ? {} : { minDiversity: number('min-diversity', flags.minDiversity) }),
        ...(flags.trainer === undefined ? {} : { trainer: flags.trainer }),
        ...(flags.export === undefined ? {} : { exportDir: flags.export }),
        formats: {
          sft: (flags.sftFormat ?? FLYWHEEL_DEFAULTS.formats.sft) as FlywheelSettings['formats']['sft'],
          pairs: (flags.pairsFormat ?? FLYWHEEL_DEFAULTS.formats.pairs) as FlywheelSettings['formats']['pairs'],
        },
        budget: budgetOf(flags.budget),
        ...(flags.unsafe ? { unsafe: true } : {}),
      };
      const result = await startFlywheel(settings, {
        db: flags.db,
        ...trainerOptions(flags.trainerPoll),
        ...fleetOption(flags.fleet),
        ...(flags.force ? { force: true } : {}),
        onRound: (round) => {
          if (!flags.json) console.log(roundLine(round));
        },
        notice: (message) => console.error(`ouro: ${message}`),
      });
      emit(Boolean(flags.json), result, () => endLine(result));
    });
  flywheel
    .command('resume')
    .description('carry a flywheel run on: the round in progress, a training job in flight, then the rounds left')
    .argument('<run>', 'flywheel run id')
    .option('--rounds <n>', 'raise the number of rounds')
    .option('--budget <limits>', 'replace the token or money limit: tokens=200000, $2 (what the run spent counts)')
    .option('--trainer-poll <seconds>', 'how often a fine-tuning service is asked about a job (default 20)')
    .option('--fleet <redis-url>', 'sample and check code on `ouro worker` processes through this Redis (redis://host:6379)')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, flags: Pick<RunFlags, 'rounds' | 'budget' | 'trainerPoll' | 'fleet' | 'db' | 'json'>) => {
      const { resumeFlywheel } = await import('../../flywheel/index.ts');
      const result = await resumeFlywheel(runId, {
        db: flags.db,
        ...fleetOption(flags.fleet),
        ...(flags.budget === undefined ? {} : { budget: budgetOf(flags.budget) }),
        ...trainerOptions(flags.trainerPoll),
        ...(flags.rounds === undefined ? {} : { rounds: parseInteger('rounds', flags.rounds, 1) }),
        onRound: (round) => {
          if (!flags.json) console.log(roundLine(round));
        },
        notice: (message) => console.error(`ouro: ${message}`),
      });
      emit(Boolean(flags.json), result, () => endLine(result));
    });
  flywheel
    .command('replay')
    .description("a new run with a recorded run's settings, served its recorded model replies and training jobs (no network)")
    .argument('<run>', 'the flywheel run to replay')
    .option('--export <dir>', 'folder for the exports (default .ouro/flywheel/<new run>)')
    .option('--db <file>', 'SQLite database the runs are stored in', DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, flags: { export?: string; db: string; json?: boolean }) => {
      const { FLYWHEEL_DEFAULTS, startFlywheel } = await import('../../flywheel/index.ts');
      // The recorded run's settings replace these; only the replay and the export folder are read.
      const placeholder = { ...FLYWHEEL_DEFAULTS, source: { kind: 'gsm8k' as const, file: '-' }, model: '-', replayOf: runId };
      const result = await startFlywheel(
        { ...placeholder, ...(flags.export === undefined ? {} : { exportDir: flags.export }) },
        {
          db: flags.db,
          onRound: (round) => {
            if (!flags.json) console.log(roundLine(round));
          },
        },
      );
      emit(Boolean(flags.json), result, () => endLine(result));
    });
  flywheel
    .command('show')
    .description("a flywheel run's rounds: model, tasks, samples, kept, pass@1 and pass@K, held-out accuracy, diversity, spend")
    .argument('<run>', 'flywheel run id')
    .option('--db <file>', 'SQLite database the run is stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: { db: string; json?: boolean }) => {
      const { openFlywheel } = await import('../../flywheel/index.ts');
      const { store, flywheel: tables } = openFlywheel(flags.db, true);
      try {
        const run = tables.getRun(runId);
        if (!run)
          throw new OuroError('run-unknown', `no flywheel run ${runId} in ${store.location} (see \`ouro flywheel ls\`)`, { field: 'run' });
        const rounds = tables.rounds(runId);
        const jobs = tables.jobs(runId);
        emit(Boolean(flags.json), { run, rounds, jobs }, () => roundsTable(runId, run.status, rounds, jobs));
      } finally {
        store.close();
      }
    });
  flywheel
    .command('ls')
    .description('list flywheel runs')
    .option('--db <file>', 'SQLite database the runs are stored in', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (flags: { db: string; json?: boolean }) => {
      const { openFlywheel } = await import('../../flywheel/index.ts');
      const { store, flywheel: tables } = openFlywheel(flags.db, true);
      try {
        const runs = tables.listRuns();
        emit(Boolean(flags.json), runs, () =>
          runs.length === 0
            ? 'no flywheel runs yet: try `ouro flywheel run --source gsm8k:<file> --model <id>`'
            : table([
                ['run', 'status', 'rounds', 'started'],
                ...runs.map((run) => [run.id, run.status, String(run.rounds), new Date(run.createdAt).toISOString().slice(0, 19)]),
              ]),
        );
      } finally {
        store.close();
      }
    });
}

function integers(flags: RunFlags): Partial<FlywheelSettings> {
  const out: Partial<FlywheelSettings> = {};
  if (flags.rounds !== undefined) out.rounds = parseInteger('rounds', flags.rounds, 1);
  if (flags.k !== undefined) out.k = parseInteger('k', flags.k, 1);
  if (flags.concurrency !== undefined) out.concurrency = parseInteger('concurrency', flags.concurrency, 1);
  if (flags.heldOut !== undefined) out.heldOut = parseInteger('held-out', flags.heldOut, 0);
  if (flags.tasksPerRound !== undefined) out.tasksPerRound = parseInteger('tasks-per-round', flags.tasksPerRound, 1);
  if (flags.seed !== undefined) out.seed = parseInteger('seed', flags.seed, 0);
  return out;
}

function number(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new OuroError('option-invalid', `option --${name}: "${text}" is not a number`, { field: name });
  }
  return value;
}

function budgetOf(text: string | undefined): FlywheelSettings['budget'] {
  return spendBudget(text, 'the flywheel', 'set rounds with --rounds');
}

const fixed = (value: number | undefined, digits = 3): string => (value === undefined ? '-' : value.toFixed(digits));

function roundLine(round: StoredRound): string {
  const figures = round.figures as unknown as StoredFigures;
  const flag = round.status === 'flagged' ? `  FLAGGED: ${round.message ?? ''}` : '';
  return (
    `round ${round.round} (${round.model}): pass@1 ${fixed(figures.passAt1)}, pass@${figures.k} ${fixed(figures.passAtK)}, ` +
    `held-out ${fixed(figures.heldOutAccuracy)}, kept ${figures.kept}, pairs ${figures.pairs}${flag}`
  );
}

function endLine(result: { runId: string; rounds: number; stopReason: string; message?: string; model: string }): string {
  const why =
    result.stopReason === 'collapse'
      ? `stopped by the collapse guard: ${result.message ?? ''}`
      : result.stopReason === 'budget'
        ? `stopped at the budget (${result.message ?? ''}); \`ouro flywheel resume ${result.runId} --budget ...\` finishes the round`
        : `ended: ${result.stopReason}`;
  return `flywheel ${result.runId}: ${result.rounds} rounds, ${why}; model ${result.model}\n  ouro flywheel show ${result.runId}`;
}

function roundsTable(
  runId: string,
  status: string,
  rounds: readonly StoredRound[],
  jobs: ReadonlyArray<{ round: number; status: string; model?: string; error?: string }>,
): string {
  const rows = rounds.map((round) => {
    const figures = round.figures as unknown as StoredFigures;
    const job = jobs.filter((entry) => entry.round === round.round).at(-1);
    return [
      String(round.round),
      round.model,
      String(figures.tasks),
      String(figures.samples),
      String(figures.checked),
      String(figures.kept),
      String(figures.pairs),
      fixed(figures.passAt1),
      fixed(figures.passAtK),
      fixed(figures.heldOutAccuracy),
      fixed(figures.answerDiversity),
      figures.tokens.toLocaleString('en-US'),
      formatUsd(figures.costUsd),
      job ? `${job.status}${job.model ? ` ${job.model}` : ''}` : '-',
      round.status === 'flagged' ? `flagged: ${round.message ?? ''}` : '',
    ];
  });
  return [
    `flywheel ${runId}  ${status}`,
    table([
      [
        'round',
        'model',
        'tasks',
        'samples',
        'verified',
        'kept',
        'pairs',
        'pass@1',
        'pass@K',
        'held-out',
        'diversity',
        'tokens',
        'cost',
        'job',
        'guard',
      ],
      ...rows,
    ]),
  ].join('\n');
}
