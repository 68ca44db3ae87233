// STOP, the self-taught optimizer: an improver, improve(program, utility, llm), is applied to its
// own source for K rounds, with the meta-utility (its mean normalised downstream utility) as the
// utility. Each round is reported as it ends (the store keeps the complete ones, so that a run
// resumes after its last stored round) and, when asked, written to a JSON report. The loop has no
// randomness of its own: the tasks' inputs are fixed, so the same replies give the same rounds.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Budget } from '../../core/budget.ts';
import { OuroError } from '../../core/errors.ts';
import { ModelCallError } from '../../core/model.ts';
import type { RunModels } from '../../llm/index.ts';
import {
  DEFAULT_IMPROVER_LIMITS,
  DEFAULT_TASK_BUDGET,
  defaultTasks,
  metaUtility,
  runImprover,
  type ImproverLimits,
  type MetaUtility,
  type StopTask,
  type TaskBudget,
} from './index.ts';
import type { EvaluatedImprover, StopReason, StopReport, StopRound, StopSpend } from './report.ts';

export interface StopOptions {
  /** The run's models (`openRunModels`): STOP calls the first; its ledger and budget count every call. */
  models: RunModels;
  /** Source of the improver of round 0 (see agents/stop-seed/improve.mjs). */
  seedImprover: string;
  /** Rounds of self-application after the seed's own evaluation. */
  rounds: number;
  /** Wall time over every session of the run; the token and money budgets are the models'. */
  budget?: Pick<Budget, 'wallTimeMs'>;
  tasks?: readonly StopTask[];
  /** Calls an improver may make per downstream task. */
  taskBudget?: TaskBudget;
  /** Calls the improver may make on itself per round: `utilityCalls` are meta-utility evaluations. */
  roundBudget?: TaskBudget;
  /** Limits of an improver on a downstream task. */
  improverLimits?: ImproverLimits;
  /** Limits of the improver improving itself (its utility calls run whole meta-utilities). */
  selfLimits?: ImproverLimits;
  /** Complete rounds of earlier sessions of this run, from round 0 on: the loop goes on after the last. */
  done?: readonly StopRound[];
  /** When the run began; an earlier session's start on resume. */
  startedAt?: string;
  /** Written after every round. */
  reportFile?: string;
  onRound?: (round: StopRound) => void;
  /** Stops the run: no further call starts, and the round in progress is reported interrupted. */
  signal?: AbortSignal;
}

export const DEFAULT_ROUND_BUDGET: TaskBudget = { utilityCalls: 3, llmCalls: 2 };
export const DEFAULT_SELF_LIMITS: ImproverLimits = { memoryMb: 64, cpuMs: 5_000, wallMs: 30 * 60_000 };

/** The seed improver shipped with Ouroboros. */
export const SEED_IMPROVER_FILE = fileURLToPath(new URL('../../../agents/stop-seed/improve.mjs', import.meta.url));

/** The proposal every model call of round `round` carries, so that the store knows which round made it. */
export function roundTag(round: number): string {
  return `round-${round}`;
}

const SELF_DESCRIPTION = (tasks: readonly StopTask[], budget: TaskBudget) =>
  'the program is an improver: an ES module exporting async function improve(program, utility, llm) ' +
  'that returns an improved program string. ' +
  `utility(improverSource) runs that improver on ${tasks.length} downstream tasks (${tasks.map((task) => task.name).join(', ')}), ` +
  `each with at most ${budget.utilityCalls} utility calls and ${budget.llmCalls} llm calls (utility.budget, llm.budget), ` +
  'and returns the mean improvement over the tasks, normalised to [-1, 1] ' +
  '(0: no better than the start, 1: as good as a reference solution).';

interface Limit {
  reason: StopReason;
  message: string;
}

/**
 * Runs STOP: evaluates the seed improver, then for `rounds` rounds lets the best improver so far
 * improve its own source and keeps the result when its meta-utility is higher. With `done`, it
 * continues a run: the best improver and every meta-utility already measured come from those rounds.
 *
 * @example
 * const models = await openRunModels({ configs: [{ id: 'openai:gpt-4.1-mini' }], llm, budget: { tokens: 200_000 } });
 * const report = await runStop({ models, seedImprover: readFileSync(SEED_IMPROVER_FILE, 'utf8'), rounds: 3 });
 * console.log(report.best.metaUtility, report.stopReason);
 */
export async function runStop(options: StopOptions): Promise<StopReport> {
  const started = performance.now();
  const { models } = options;
  const modelId = models.ids[0];
  if (modelId === undefined)
    throw new OuroError('model-missing', 'STOP needs a model: its improvers ask a model for better programs', { field: 'model' });
  const tasks = options.tasks ?? defaultTasks();
  const taskBudget = options.taskBudget ?? DEFAULT_TASK_BUDGET;
  const roundBudget = options.roundBudget ?? DEFAULT_ROUND_BUDGET;
  const wallTimeMs = options.budget?.wallTimeMs;
  const done = options.done ?? [];
  const elapsedBefore = done.reduce((sum, round) => sum + round.wallMs, 0);
  const elapsed = (): number => elapsedBefore + performance.now() - started;
  let spent: Limit | undefined;

  const limitReached = (): Limit | undefined => {
    if (options.signal?.aborted) return { reason: 'interrupted', message: 'the run was stopped' };
    const refusal = models.admit();
    if (refusal !== null) return { reason: models.remaining().tokens === 0 ? 'tokens' : 'cost', message: refusal };
    if (wallTimeMs !== undefined && elapsed() >= wallTimeMs)
      return { reason: 'wall-time', message: `the wall-time budget (${wallTimeMs} ms) is spent` };
    return undefined;
  };
  const llm = (round: number, operator: string) => {
    const { handle } = models.bind(modelId, roundTag(round));
    return async (prompt: string, signal: AbortSignal): Promise<string> => {
      spent ??= limitReached();
      if (spent !== undefined) throw new Error(spent.message);
      try {
        const both = options.signal ? AbortSignal.any([signal, options.signal]) : signal;
        return (await handle.complete({ operator, messages: [{ role: 'user', content: prompt }], signal: both })).text;
      } catch (error) {
        if ((error instanceof ModelCallError && error.kind === 'budget') || options.signal?.aborted) {
          spent ??= limitReached() ?? { reason: 'tokens', message: (error as Error).message };
        }
        throw error;
      }
    };
  };
  const spendNow = (): StopSpend => {
    const totals = models.ledger.totals();
    return { llmCalls: totals.calls, failedLlmCalls: totals.failedCalls, tokens: totals.tokens, costUsd: totals.costUsd };
  };

  // Sources measured in earlier rounds are not run again, as in a run that never stopped.
  const cache = new Map<string, Promise<MetaUtility>>();
  for (const evaluation of done.flatMap((round) => round.evaluations)) cache.set(evaluation.source, Promise.resolve(restored(evaluation)));
  let evaluated: EvaluatedImprover[] = [];
  const evaluate = (source: string, round: number): Promise<MetaUtility> => {
    let known = cache.get(source);
    if (known === undefined) {
      known = metaUtility(source, {
        tasks,
        llm: llm(round, 'stop-task'),
        budget: taskBudget,
        limits: options.improverLimits ?? DEFAULT_IMPROVER_LIMITS,
      });
      cache.set(source, known);
      known.then(
        (meta) => evaluated.push({ source, metaUtility: meta.value, tasks: meta.tasks }),
        () => undefined,
      );
    }
    return known;
  };

  const rounds: StopRound[] = [...done];
  let best = lastAccepted(done);
  const startedAt = options.startedAt ?? new Date().toISOString();
  const report = (): StopReport => ({
    model: modelId,
    startedAt,
    rounds: [...rounds],
    best: { ...best! },
    stopReason: 'rounds',
    stopMessage: '',
    spend: spendNow(),
    wallMs: Math.round(elapsed()),
  });
  const record = async (round: StopRound): Promise<void> => {
    rounds.push(round);
    options.onRound?.(round);
    if (options.reportFile !== undefined) await save(options.reportFile, report());
  };
  const roundStart = () => {
    evaluated = [];
    return { at: performance.now(), spend: spendNow() };
  };
  const closeRound = (start: { at: number; spend: StopSpend }) => {
    const now = spendNow();
    return {
      spend: {
        llmCalls: now.llmCalls - start.spend.llmCalls,
        failedLlmCalls: now.failedLlmCalls - start.spend.failedLlmCalls,
        tokens: now.tokens - start.spend.tokens,
        costUsd: now.costUsd - start.spend.costUsd,
      },
      wallMs: Math.round(performance.now() - start.at),
    };
  };

  if (best === undefined) {
    // Round 0: the seed's own meta-utility.
    const start = roundStart();
    const seed = await evaluate(options.seedImprover, 0);
    best = { round: 0, source: options.seedImprover, metaUtility: seed.value };
    await record({
      round: 0,
      status: 'ok',
      source: options.seedImprover,
      metaUtility: seed.value,
      tasks: seed.tasks,
      accepted: true,
      evaluations: evaluated,
      ...closeRound(start),
      ...(spent === undefined ? {} : { interrupted: spent.message }),
    });
  }

  for (let round = rounds.at(-1)!.round + 1; round <= options.rounds && spent === undefined; round++) {
    spent = limitReached();
    if (spent !== undefined) break;
    const start = roundStart();
    const parent: { source: string } = best;
    let metaCalls = 0;
    let selfLlmCalls = 0;
    const self = llm(round, 'stop-self');
    const outcome = await runImprover(
      parent.source,
      parent.source,
      {
        utilityDescription: SELF_DESCRIPTION(tasks, taskBudget),
        utilityBudget: roundBudget.utilityCalls,
        llmBudget: roundBudget.llmCalls,
        utility: async (source) => {
          if (metaCalls >= roundBudget.utilityCalls)
            throw new Error(`the budget of ${roundBudget.utilityCalls} meta-utility calls this round is spent`);
          metaCalls += 1;
          return (await evaluate(source, round)).value;
        },
        llm: async (prompt, signal) => {
          if (selfLlmCalls >= roundBudget.llmCalls)
            throw new Error(`the budget of ${roundBudget.llmCalls} model calls this round is spent`);
          selfLlmCalls += 1;
          return self(prompt, signal);
        },
      },
      options.selfLimits ?? DEFAULT_SELF_LIMITS,
    );
    const candidate = outcome.status === 'ok' ? outcome.program! : null;
    const meta = candidate === null ? undefined : await evaluate(candidate, round);
    const interrupted = spent as Limit | undefined;
    const accepted = meta !== undefined && interrupted === undefined && meta.value > best.metaUtility;
    if (accepted) best = { round, source: candidate!, metaUtility: meta.value };
    await record({
      round,
      status: outcome.status,
      ...(outcome.message === undefined ? {} : { message: outcome.message }),
      source: candidate,
      metaUtility: meta?.value ?? null,
      tasks: meta?.tasks ?? [],
      accepted,
      evaluations: evaluated,
      ...closeRound(start),
      ...(interrupted === undefined ? {} : { interrupted: interrupted.message }),
    });
  }

  const final = report();
  const ended = spent as Limit | undefined;
  final.stopReason = ended?.reason ?? 'rounds';
  final.stopMessage = ended?.message ?? `${options.rounds} rounds done`;
  if (options.reportFile !== undefined) await save(options.reportFile, final);
  return final;
}

/** The best improver of stored rounds: the last one accepted, since a round is accepted only when it beats the best. */
function lastAccepted(rounds: readonly StopRound[]): StopReport['best'] | undefined {
  const round = [...rounds].reverse().find((entry) => entry.accepted && entry.source !== null && entry.metaUtility !== null);
  return round ? { round: round.round, source: round.source!, metaUtility: round.metaUtility! } : undefined;
}

/** A stored evaluation as the cache holds it; only the value and the tasks are read back. */
function restored(evaluation: EvaluatedImprover): MetaUtility {
  const sum = (pick: (task: EvaluatedImprover['tasks'][number]) => number) =>
    evaluation.tasks.reduce((total, task) => total + pick(task), 0);
  return {
    value: evaluation.metaUtility,
    tasks: evaluation.tasks,
    utilityCalls: sum((task) => task.utilityCalls),
    llmCalls: sum((task) => task.llmCalls),
    wallMs: sum((task) => task.wallMs),
  };
}

async function save(file: string, report: StopReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
