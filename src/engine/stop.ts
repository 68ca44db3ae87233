// STOP, the self-taught optimizer: an improver, improve(program, utility, llm), is applied to its
// own source for K rounds, with the meta-utility (its mean normalised downstream utility) as the
// utility. Every round is recorded in memory and, when asked, in a JSON report after each round.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spendReached, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig } from '../core/experiment.ts';
import { ModelCallError, type ModelHandle } from '../core/model.ts';
import { createModel, missingKey, resolveModel } from '../llm/index.ts';
import {
  DEFAULT_IMPROVER_LIMITS, DEFAULT_TASK_BUDGET, defaultTasks, metaUtility, runImprover,
  type ImproverLimits, type ImproverStatus, type MetaUtility, type StopTask, type TaskBudget, type TaskResult,
} from '../evaluate/stop/index.ts';

export interface StopOptions {
  model: ModelHandle;
  /** Source of the improver of round 0 (see agents/stop-seed/improve.mjs). */
  seedImprover: string;
  /** Rounds of self-application after the seed's own evaluation. */
  rounds: number;
  /** Tokens, money and wall time; the loop stops cleanly at the first limit reached. */
  budget?: Pick<Budget, 'tokens' | 'costUsd' | 'wallTimeMs'>;
  tasks?: readonly StopTask[];
  /** Calls an improver may make per downstream task. */
  taskBudget?: TaskBudget;
  /** Calls the improver may make on itself per round: `utilityCalls` are meta-utility evaluations. */
  roundBudget?: TaskBudget;
  /** Limits of an improver on a downstream task. */
  improverLimits?: ImproverLimits;
  /** Limits of the improver improving itself (its utility calls run whole meta-utilities). */
  selfLimits?: ImproverLimits;
  /** Written after every round. */
  reportFile?: string;
  onRound?: (round: StopRound) => void;
}

export interface StopSpend {
  llmCalls: number;
  failedLlmCalls: number;
  tokens: number;
  costUsd: number;
}

export interface StopRound {
  round: number;
  /** How the self-application ended (`ok` for round 0, the seed's evaluation). */
  status: ImproverStatus;
  message?: string;
  /** The improver this round produced (the seed in round 0), or null when it produced none. */
  source: string | null;
  metaUtility: number | null;
  tasks: TaskResult[];
  /** Whether it became the best improver. */
  accepted: boolean;
  /** Every improver first evaluated this round (cached sources are not run again), the produced one included. */
  evaluations: EvaluatedImprover[];
  spend: StopSpend;
  wallMs: number;
  /** Set when a budget ran out during the round: its results are incomplete and it is not accepted. */
  interrupted?: string;
}

export interface EvaluatedImprover {
  source: string;
  metaUtility: number;
  tasks: TaskResult[];
}

export type StopReason = 'rounds' | 'tokens' | 'cost' | 'wall-time';

export interface StopReport {
  model: string;
  startedAt: string;
  rounds: StopRound[];
  best: { round: number; source: string; metaUtility: number };
  stopReason: StopReason;
  stopMessage: string;
  spend: StopSpend;
  wallMs: number;
}

export const DEFAULT_ROUND_BUDGET: TaskBudget = { utilityCalls: 3, llmCalls: 2 };
export const DEFAULT_SELF_LIMITS: ImproverLimits = { memoryMb: 64, cpuMs: 5_000, wallMs: 30 * 60_000 };

/** The seed improver shipped with Ouroboros. */
export const SEED_IMPROVER_FILE = fileURLToPath(new URL('../../agents/stop-seed/improve.mjs', import.meta.url));

const DEFAULT_LLM: LlmConfig = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 4096, prices: {} };

/**
 * The model handle STOP calls, from an id such as `openai:gpt-4.1-mini` or
 * `compat:http://localhost:11434/v1#llama3`. Throws `config-missing` when it needs a key it lacks.
 */
export function stopModel(id: string, llm: Partial<LlmConfig> = {}, env: NodeJS.ProcessEnv = process.env): ModelHandle {
  const resolved = resolveModel({ id }, { ...DEFAULT_LLM, ...llm }, env);
  const key = missingKey(resolved);
  if (key !== null) throw new OuroError('config-missing', `model ${id} needs an API key: set ${key}`, { field: 'model' });
  return createModel(resolved);
}

const SELF_DESCRIPTION = (tasks: readonly StopTask[], budget: TaskBudget) =>
  'the program is an improver: an ES module exporting async function improve(program, utility, llm) that returns an improved program string. ' +
  `utility(improverSource) runs that improver on ${tasks.length} downstream tasks (${tasks.map((task) => task.name).join(', ')}), ` +
  `each with at most ${budget.utilityCalls} utility calls and ${budget.llmCalls} llm calls (utility.budget, llm.budget), ` +
  'and returns the mean improvement over the tasks, normalised to [-1, 1] (0: no better than the start, 1: as good as a reference solution).';

/**
 * Runs STOP: evaluates the seed improver, then for `rounds` rounds lets the best improver so far
 * improve its own source and keeps the result when its meta-utility is higher.
 *
 * @example
 * const report = await runStop({ model, seedImprover: readFileSync('agents/stop-seed/improve.mjs', 'utf8'), rounds: 3 });
 * console.log(report.best.metaUtility, report.stopReason);
 */
export async function runStop(options: StopOptions): Promise<StopReport> {
  const started = performance.now();
  const tasks = options.tasks ?? defaultTasks();
  const taskBudget = options.taskBudget ?? DEFAULT_TASK_BUDGET;
  const roundBudget = options.roundBudget ?? DEFAULT_ROUND_BUDGET;
  const budget = options.budget ?? {};
  const spend: StopSpend = { llmCalls: 0, failedLlmCalls: 0, tokens: 0, costUsd: 0 };
  let spent: { reason: StopReason; message: string } | undefined;

  const limitReached = (): { reason: StopReason; message: string } | undefined => {
    const reached = spendReached(budget, spend);
    if (reached === 'tokens') return { reason: 'tokens', message: `the token budget (${budget.tokens}) is spent` };
    if (reached === 'cost') return { reason: 'cost', message: `the money budget ($${budget.costUsd}) is spent` };
    if (budget.wallTimeMs !== undefined && performance.now() - started >= budget.wallTimeMs) {
      return { reason: 'wall-time', message: `the wall-time budget (${budget.wallTimeMs} ms) is spent` };
    }
    return undefined;
  };
  const llm = (operator: string) => async (prompt: string, signal: AbortSignal): Promise<string> => {
    spent ??= limitReached();
    if (spent !== undefined) throw new Error(spent.message);
    try {
      const reply = await options.model.complete({ operator, messages: [{ role: 'user', content: prompt }], signal });
      spend.tokens += reply.usage.inputTokens + reply.usage.outputTokens;
      spend.costUsd += reply.costUsd;
      return reply.text;
    } catch (error) {
      spend.failedLlmCalls += 1;
      if (error instanceof ModelCallError && error.kind === 'budget') spent ??= { reason: 'tokens', message: error.message };
      throw error;
    } finally {
      spend.llmCalls += 1;
    }
  };

  const cache = new Map<string, Promise<MetaUtility>>();
  let evaluated: EvaluatedImprover[] = [];
  const evaluate = (source: string): Promise<MetaUtility> => {
    let known = cache.get(source);
    if (known === undefined) {
      known = metaUtility(source, { tasks, llm: llm('stop-task'), budget: taskBudget, limits: options.improverLimits ?? DEFAULT_IMPROVER_LIMITS });
      cache.set(source, known);
      known.then((meta) => evaluated.push({ source, metaUtility: meta.value, tasks: meta.tasks }), () => undefined);
    }
    return known;
  };

  const rounds: StopRound[] = [];
  const report = (): StopReport => ({
    model: options.model.id, startedAt, rounds, best: { ...best }, stopReason: 'rounds', stopMessage: '', spend: { ...spend },
    wallMs: Math.round(performance.now() - started),
  });
  const startedAt = new Date().toISOString();
  const record = async (round: StopRound): Promise<void> => {
    rounds.push(round);
    options.onRound?.(round);
    if (options.reportFile !== undefined) await save(options.reportFile, report());
  };

  // Round 0: the seed's own meta-utility.
  const roundStart = () => {
    evaluated = [];
    return { at: performance.now(), spend: { ...spend } };
  };
  let start = roundStart();
  const seed = await evaluate(options.seedImprover);
  let best = { round: 0, source: options.seedImprover, metaUtility: seed.value };
  await record({
    round: 0, status: 'ok', source: options.seedImprover, metaUtility: seed.value, tasks: seed.tasks, accepted: true,
    evaluations: evaluated, ...closeRound(start, spend), ...(spent === undefined ? {} : { interrupted: spent.message }),
  });

  for (let round = 1; round <= options.rounds && spent === undefined; round++) {
    spent = limitReached();
    if (spent !== undefined) break;
    start = roundStart();
    let metaCalls = 0;
    let selfLlmCalls = 0;
    const outcome = await runImprover(best.source, best.source, {
      utilityDescription: SELF_DESCRIPTION(tasks, taskBudget),
      utilityBudget: roundBudget.utilityCalls,
      llmBudget: roundBudget.llmCalls,
      utility: async (source) => {
        if (metaCalls >= roundBudget.utilityCalls) throw new Error(`the budget of ${roundBudget.utilityCalls} meta-utility calls this round is spent`);
        metaCalls += 1;
        return (await evaluate(source)).value;
      },
      llm: async (prompt, signal) => {
        if (selfLlmCalls >= roundBudget.llmCalls) throw new Error(`the budget of ${roundBudget.llmCalls} model calls this round is spent`);
        selfLlmCalls += 1;
        return llm('stop-self')(prompt, signal);
      },
    }, options.selfLimits ?? DEFAULT_SELF_LIMITS);
    const candidate = outcome.status === 'ok' ? outcome.program! : null;
    const meta = candidate === null ? undefined : await evaluate(candidate);
    const interrupted = spent as { message: string } | undefined;
    const accepted = meta !== undefined && interrupted === undefined && meta.value > best.metaUtility;
    if (accepted) best = { round, source: candidate!, metaUtility: meta.value };
    await record({
      round, status: outcome.status, ...(outcome.message === undefined ? {} : { message: outcome.message }),
      source: candidate, metaUtility: meta?.value ?? null, tasks: meta?.tasks ?? [], accepted,
      evaluations: evaluated, ...closeRound(start, spend), ...(interrupted === undefined ? {} : { interrupted: interrupted.message }),
    });
  }

  const final = report();
  const ended = spent as { reason: StopReason; message: string } | undefined;
  final.stopReason = ended?.reason ?? 'rounds';
  final.stopMessage = ended?.message ?? `${options.rounds} rounds done`;
  if (options.reportFile !== undefined) await save(options.reportFile, final);
  return final;
}

function closeRound(start: { at: number; spend: StopSpend }, spend: StopSpend) {
  return {
    spend: {
      llmCalls: spend.llmCalls - start.spend.llmCalls,
      failedLlmCalls: spend.failedLlmCalls - start.spend.failedLlmCalls,
      tokens: spend.tokens - start.spend.tokens,
      costUsd: spend.costUsd - start.spend.costUsd,
    },
    wallMs: Math.round(performance.now() - start.at),
  };
}

async function save(file: string, report: StopReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
