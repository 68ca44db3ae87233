import type { Command } from 'commander';
import { formatDuration } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import type { AgentRecord, DgmBudget, DgmEvent, DgmResult } from '../../agents/index.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { parseBudget, parseInteger } from '../budget-flag.ts';
import { registerAgentsStop } from './agents-stop.ts';
import { emit, formatScore, formatUsd, table } from '../output.ts';

interface RunFlags {
  bench?: string;
  children?: string;
  budget?: string;
  model?: string[];
  db: string;
  seed?: string;
  resume?: string;
  replay?: string;
  medium?: string;
  full?: string;
  taskTimeout?: string;
  unsafe?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `ouro agents run | show`: agents that rewrite their own code (the Darwin Goedel Machine). */
export function registerAgents(program: Command): Command {
  const agents = program
    .command('agents')
    .description('agents that rewrite their own code: the Darwin Goedel Machine on a coding benchmark');

  agents
    .command('run')
    .description('evolve a coding agent: each child is its parent editing its own code to fix a diagnosed failure')
    .argument('[agent-dir]', "the initial agent's folder, holding agent.mjs (not needed with --resume or --replay)")
    .option(
      '--bench <dir>',
      'coding benchmark folder: ours (task.json per task, with small, medium and full sets) or exercises in the common ' +
        'layout (.docs/, .meta/)',
      'benchmarks/coding',
    )
    .option('--children <n>', 'children to make (kept or discarded)')
    .option('--budget <limits>', 'children (a bare number), wall time (90s, 2m, 1h), tokens=<n>, $<dollars>; comma-separated')
    .option(
      '--model <id>',
      'the model the agents and the diagnosis call, repeatable (the first diagnoses): openai:gpt-4.1-mini, ' +
        'compat:http://127.0.0.1:11434/v1#qwen2.5-coder',
      collect,
    )
    .option('--medium <rate>', 'small-set resolved rate a child needs to go on to the medium set (default 0.4)')
    .option('--full <rate|beats-runner-up>', 'what a child needs on the medium set to go on to the full set (default beats-runner-up)')
    .option('--task-timeout <ms>', 'wall-clock limit of the agent on one task, in milliseconds (default 120000)')
    .option('--seed <n>', 'RNG seed of parent selection and diagnosis')
    .option('--resume <run>', 'continue a DGM run from the database')
    .option(
      '--replay <run>',
      "a new run with a recorded run's settings, seed and initial agent, every model reply served from its recorded exchanges (no network)",
    )
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--unsafe', 'run agents without bubblewrap where it is missing (prints a warning)')
    .option('--json', 'print one JSON object at the end')
    .action(async (agentDir: string | undefined, flags: RunFlags) => {
      const stop = new AbortController();
      const onSignal = () => {
        if (stop.signal.aborted) return;
        process.stderr.write('\nstopping: the child in progress is abandoned; the run stays resumable (ouro agents run --resume)\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const { startDgm } = await dgm();
        const result = await startDgm({
          ...(agentDir === undefined ? {} : { agentDir }),
          ...((flags.resume || flags.replay) && flags.bench === 'benchmarks/coding' ? {} : { bench: flags.bench }),
          models: flags.model ?? [],
          db: flags.db,
          budget: budgetOf(flags),
          ...(flags.resume ? { resume: flags.resume } : {}),
          ...(flags.replay ? { replay: flags.replay } : {}),
          ...(flags.seed === undefined ? {} : { seed: parseInteger('seed', flags.seed, 0) }),
          ...(flags.medium === undefined && flags.full === undefined ? {} : { thresholds: thresholdsOf(flags) }),
          ...(flags.taskTimeout === undefined ? {} : { taskTimeoutMs: parseInteger('task-timeout', flags.taskTimeout, 100) }),
          ...(flags.unsafe ? { unsafe: true } : {}),
          onEvent: flags.json ? undefined : progress,
          signal: stop.signal,
        });
        emit(Boolean(flags.json), summary(result), () => describe(result, flags.db));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  agents
    .command('show')
    .description("a DGM run's archive: every agent with its parent, scores per set and flags; without a run, the list of runs")
    .argument('[run]', 'DGM run id, such as d1a2b3c4')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string | undefined, flags: { db: string; json?: boolean }) => {
      const { listDgmRuns: listRuns, readDgmRun: readRun } = await dgm();
      if (runId === undefined) {
        const runs = listRuns(flags.db);
        emit(Boolean(flags.json), runs, () =>
          runs.length === 0
            ? 'no DGM runs in this database'
            : table([
                ['run', 'status', 'agents', 'kept', 'best', 'bench'],
                ...runs.map((run) => [run.id, run.status, String(run.agents), String(run.kept), formatScore(run.bestScore), run.bench]),
              ]),
        );
        return;
      }
      const { run, agents: records } = readRun(flags.db, runId);
      emit(
        Boolean(flags.json),
        {
          run: { id: run.id, status: run.status, settings: run.settings },
          agents: records.map(({ results: _results, ...agent }) => agent),
        },
        () =>
          [
            `DGM run ${run.id} (${run.status}) on ${run.settings.bench}, ` +
              `model ${run.settings.model}${run.settings.replayOf ? `, replaying ${run.settings.replayOf}` : ''}`,
            archiveTable(records),
          ].join('\n'),
      );
    });
  registerAgentsStop(agents);
  return agents;
}

function budgetOf(flags: RunFlags): DgmBudget {
  const parsed = flags.budget ? parseBudget(flags.budget) : {};
  if (parsed.targetScore !== undefined)
    throw new OuroError('option-invalid', 'option --budget: a DGM run has no target score', { field: 'budget' });
  const children = flags.children === undefined ? parsed.evaluations : parseInteger('children', flags.children, 1);
  return {
    ...(children === undefined ? {} : { children }),
    ...(parsed.tokens === undefined ? {} : { tokens: parsed.tokens }),
    ...(parsed.costUsd === undefined ? {} : { costUsd: parsed.costUsd }),
    ...(parsed.wallTimeMs === undefined ? {} : { wallTimeMs: parsed.wallTimeMs }),
  };
}

function thresholdsOf(flags: RunFlags): { medium?: number; full?: 'beats-runner-up' | number } {
  const rate = (name: string, text: string): number => {
    const value = Number(text);
    if (!(value >= 0 && value <= 1))
      throw new OuroError('option-invalid', `option --${name}: "${text}" is not a rate from 0 to 1`, { field: name });
    return value;
  };
  return {
    ...(flags.medium === undefined ? {} : { medium: rate('medium', flags.medium) }),
    ...(flags.full === undefined ? {} : { full: flags.full === 'beats-runner-up' ? 'beats-runner-up' : rate('full', flags.full) }),
  };
}

function progress(event: DgmEvent): void {
  if (event.type === 'run-started')
    process.stderr.write(`DGM run ${event.runId}${event.resumed ? ` resumed with ${event.agents} agents` : ' started'}\n`);
  if (event.type === 'agent-recorded') {
    const agent = event.agent;
    const outcome = agent.kept ? `score ${formatScore(agent.score)} (${scoresOf(agent)})` : `discarded: ${agent.discardReason}`;
    process.stderr.write(
      `  ${agent.id} from ${agent.parentId ?? '-'}: ${outcome}; ${agent.metrics.tokens.toLocaleString('en-US')} tokens, ` +
        `${formatUsd(agent.metrics.costUsd)}, ${formatDuration(agent.metrics.wallMs)}` +
        `${agent.flags.length > 0 ? ` [${agent.flags.join(', ')}]` : ''}\n`,
    );
  }
}

function scoresOf(agent: AgentRecord): string {
  return Object.entries(agent.scores)
    .map(([set, score]) => `${set} ${formatScore(Math.round(score * 1000) / 1000)}`)
    .join(', ');
}

function archiveTable(records: readonly AgentRecord[]): string {
  const cell = (agent: AgentRecord, set: string) =>
    agent.scores[set] === undefined ? '-' : formatScore(Math.round((agent.scores[set] as number) * 1000) / 1000);
  return table([
    ['id', 'parent', 'small', 'medium', 'full', 'score', 'tokens', 'cost', 'flags'],
    ...records.map((agent) => [
      agent.id,
      agent.parentId ?? '-',
      cell(agent, 'small'),
      cell(agent, 'medium'),
      cell(agent, 'full'),
      agent.kept ? formatScore(agent.score === null ? null : Math.round(agent.score * 1000) / 1000) : 'discarded',
      agent.metrics.tokens.toLocaleString('en-US'),
      formatUsd(agent.metrics.costUsd),
      [...agent.flags, ...(agent.kept ? [] : [agent.discardReason ?? ''])].join(', ') || '-',
    ]),
  ]);
}

function summary(result: DgmResult) {
  return {
    runId: result.runId,
    stopReason: result.stopReason,
    agents: result.agents.length,
    kept: result.agents.filter((agent) => agent.kept).length,
    best: result.best ?? null,
    spend: result.spend,
  };
}

function describe(result: DgmResult, db: string): string {
  const flag = db === DEFAULT_DB ? '' : ` --db ${db}`;
  return [
    `DGM run ${result.runId} ` +
      `${result.stopReason === 'interrupted' ? 'stopped; resumable' : `finished (${result.stopReason} budget reached)`}: ` +
      `${result.agents.length} agents, ${result.agents.filter((agent) => agent.kept).length} kept`,
    `best: ${result.best ? `${result.best.id} with ${formatScore(result.best.score)}` : '-'}; ` +
      `spent ${result.spend.tokens.toLocaleString('en-US')} tokens, ${formatUsd(result.spend.costUsd)}, ` +
      `${formatDuration(result.spend.wallMs)}`,
    `  npx ouro agents show ${result.runId}${flag}                 the archive`,
    `  npx ouro agents run --resume ${result.runId} --children <more>${flag}   to continue it`,
  ].join('\n');
}

/** The DGM and what it brings (the model layer, the sandbox runtime), loaded by the commands that use it. */
function dgm(): Promise<typeof import('../../agents/index.ts')> {
  return import('../../agents/index.ts');
}
