// The meta-utility of a STOP improver: run it on each downstream task, under a budget of utility
// and model calls, score what it returns on the host, normalise per task and average.
import { runImprover, type ImproverLimits, type ImproverStatus } from '../../sandbox/improver-isolate.ts';
import { DEFAULT_SCORER_LIMITS, TaskScorer, type ScorerLimits, type StopTask } from './task.ts';

/** Calls an improver may make per task. */
export interface TaskBudget {
  utilityCalls: number;
  llmCalls: number;
}

export interface MetaUtilityOptions {
  tasks: readonly StopTask[];
  /** The model, on the host: one prompt in, one reply out (booked and budgeted by the caller). */
  llm: (prompt: string, signal: AbortSignal) => Promise<string>;
  budget: TaskBudget;
  limits: ImproverLimits;
  scorerLimits?: ScorerLimits;
  /** Told about each task's result as it finishes. */
  onTask?: (result: TaskResult) => void;
}

export interface TaskResult {
  task: string;
  /** How the improver's run ended; anything but `ok` scores the task's floor. */
  status: ImproverStatus;
  message?: string;
  /** Utility of the returned program, scored on the host (the floor when the run failed). */
  utility: number;
  initialUtility: number;
  reference: number;
  /** clip((utility - initial) / (reference - initial), -1, 1); -1 when the run failed. */
  normalised: number;
  utilityCalls: number;
  llmCalls: number;
  wallMs: number;
}

export interface MetaUtility {
  /** Mean of the normalised utilities over the tasks, in [-1, 1]. */
  value: number;
  tasks: TaskResult[];
  utilityCalls: number;
  llmCalls: number;
  wallMs: number;
}

export const DEFAULT_TASK_BUDGET: TaskBudget = { utilityCalls: 6, llmCalls: 3 };
export const DEFAULT_IMPROVER_LIMITS: ImproverLimits = { memoryMb: 64, cpuMs: 2_000, wallMs: 120_000 };

// Every improver starts from the same programs; their utilities are computed once per task object.
const initialUtilities = new WeakMap<StopTask, Promise<number>>();

/**
 * Normalises a task's utility so that tasks are comparable: 0 for the initial program's utility,
 * 1 for the task's reference, linear in between and beyond, clipped to [-1, 1].
 */
export function normalise(utility: number, initial: number, reference: number): number {
  const span = reference - initial;
  if (span <= 0) return utility > initial ? 1 : utility < initial ? -1 : 0;
  return Math.min(1, Math.max(-1, (utility - initial) / span));
}

/**
 * Runs the improver `source` on every task in turn and returns its meta-utility. The improver's
 * calls to `utility` are answered here with the host's own scores; its result is scored again
 * here, so nothing it reports about itself counts.
 *
 * @example
 * const meta = await metaUtility(seedSource, { tasks: defaultTasks(), llm, budget: DEFAULT_TASK_BUDGET, limits: DEFAULT_IMPROVER_LIMITS });
 * meta.value; // in [-1, 1]
 */
export async function metaUtility(source: string, options: MetaUtilityOptions): Promise<MetaUtility> {
  const started = performance.now();
  const scorer = new TaskScorer(options.scorerLimits ?? DEFAULT_SCORER_LIMITS);
  const results: TaskResult[] = [];
  try {
    for (const task of options.tasks) {
      const result = await runTask(source, task, scorer, options);
      results.push(result);
      options.onTask?.(result);
    }
  } finally {
    scorer.dispose();
  }
  const value = results.reduce((sum, result) => sum + result.normalised, 0) / Math.max(1, results.length);
  return {
    value,
    tasks: results,
    utilityCalls: results.reduce((sum, result) => sum + result.utilityCalls, 0),
    llmCalls: results.reduce((sum, result) => sum + result.llmCalls, 0),
    wallMs: Math.round(performance.now() - started),
  };
}

async function runTask(source: string, task: StopTask, scorer: TaskScorer, options: MetaUtilityOptions): Promise<TaskResult> {
  const started = performance.now();
  const initialUtility = await initialUtilityOf(task, scorer);
  const reference = task.reference();
  const { budget } = options;
  let utilityCalls = 0;
  let llmCalls = 0;
  const outcome = await runImprover(
    source,
    task.initial,
    {
      utilityDescription: task.description,
      utilityBudget: budget.utilityCalls,
      llmBudget: budget.llmCalls,
      utility: async (program) => {
        if (utilityCalls >= budget.utilityCalls)
          throw new Error(`the budget of ${budget.utilityCalls} utility calls for ${task.name} is spent`);
        utilityCalls += 1;
        return (await scorer.score(task, program)).utility;
      },
      llm: async (prompt, signal) => {
        if (llmCalls >= budget.llmCalls) throw new Error(`the budget of ${budget.llmCalls} model calls for ${task.name} is spent`);
        llmCalls += 1;
        return options.llm(prompt, signal);
      },
    },
    options.limits,
  );
  const base = { task: task.name, initialUtility, reference, utilityCalls, llmCalls };
  if (outcome.status !== 'ok' || outcome.program === undefined) {
    return {
      ...base,
      status: outcome.status,
      ...(outcome.message === undefined ? {} : { message: outcome.message }),
      utility: task.floor,
      normalised: -1,
      wallMs: Math.round(performance.now() - started),
    };
  }
  const scored = await scorer.score(task, outcome.program);
  return {
    ...base,
    status: 'ok',
    ...(scored.message === undefined ? {} : { message: `the returned program: ${scored.message}` }),
    utility: scored.utility,
    normalised: normalise(scored.utility, initialUtility, reference),
    wallMs: Math.round(performance.now() - started),
  };
}

function initialUtilityOf(task: StopTask, scorer: TaskScorer): Promise<number> {
  let known = initialUtilities.get(task);
  if (known === undefined) {
    known = scorer.score(task, task.initial).then((scored) => {
      if (scored.status !== 'ok')
        throw new Error(`task ${task.name}: its initial program does not score: ${scored.message ?? scored.status}`);
      return scored.utility;
    });
    initialUtilities.set(task, known);
    known.catch(() => initialUtilities.delete(task));
  }
  return known;
}
