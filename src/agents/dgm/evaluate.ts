/**
 * Staged evaluation of one agent: the small set first, the medium set only at or above the
 * threshold, the full set only for an agent that beats the archive's runner-up (or a fixed rate).
 */
import type { AgentGenome, AgentRunner, AgentRunStatus } from '../agent.ts';
import { tasksOf, workspaceOf, type Benchmark, type CodingTask } from '../coding-bench/tasks.ts';
import type { AgentTaskResult, PhaseSpend, TaskStatus } from './store.ts';
import { STAGES, type DgmThresholds, type GradeFunction } from './options.ts';

const LOG_LIMIT = 6_000;

export interface StagedEvaluationContext {
  benchmark: Benchmark;
  runner: AgentRunner;
  grade: GradeFunction;
  thresholds: DgmThresholds;
  taskTimeoutMs: number;
  repeats: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Why no further stage may start (a budget is spent), or null. */
  stopBefore: () => string | null;
  /** Told about each run's spend as it ends, so budgets see it at once. */
  onSpend: (tokens: number, costUsd: number) => void;
  onStage?: (set: string, score: number) => void;
}

export interface StagedEvaluation {
  /** Resolved rate per set reached. */
  scores: Record<string, number>;
  /** The resolved rate on the largest set reached: the agent's archive score. */
  score: number;
  results: AgentTaskResult[];
  spend: PhaseSpend;
  violations: string[];
}

/**
 * Runs the stages in order. `runnerUp` is the archive's second-best score (or undefined when the
 * archive holds fewer than two agents, which any agent beats).
 */
export async function evaluateStaged(
  context: StagedEvaluationContext,
  agent: AgentGenome,
  runnerUp: number | undefined,
): Promise<StagedEvaluation> {
  const started = performance.now();
  const byTask = new Map<string, AgentTaskResult>();
  const scores: Record<string, number> = {};
  const violations: string[] = [];
  const spend = { tokens: 0, costUsd: 0 };
  let score = 0;
  for (const set of STAGES) {
    if (set !== 'small' && (!passes(context.thresholds, set, score, runnerUp) || context.stopBefore() !== null)) break;
    const tasks = tasksOf(context.benchmark, set);
    const pending = tasks.filter((task) => !byTask.has(task.id));
    const done = await mapLimited(pending, context.concurrency, (task) => runTask(context, agent, task, set, spend, violations));
    for (const result of done) byTask.set(result.taskId, result);
    score = tasks.length === 0 ? 0 : tasks.filter((task) => byTask.get(task.id)?.status === 'resolved').length / tasks.length;
    scores[set] = score;
    context.onStage?.(set, score);
  }
  return { scores, score, results: [...byTask.values()], spend: { ...spend, wallMs: Math.round(performance.now() - started) }, violations };
}

function passes(thresholds: DgmThresholds, set: string, score: number, runnerUp: number | undefined): boolean {
  if (set === 'medium') return score >= thresholds.medium;
  if (thresholds.full === 'beats-runner-up') return runnerUp === undefined || score > runnerUp;
  return score >= thresholds.full;
}

async function runTask(
  context: StagedEvaluationContext,
  agent: AgentGenome,
  task: CodingTask,
  set: string,
  spend: { tokens: number; costUsd: number },
  violations: string[],
): Promise<AgentTaskResult> {
  const attempts: TaskStatus[] = [];
  const runStatus: AgentRunStatus[] = [];
  const changed: boolean[] = [];
  let shown: { output: string; log: string; reason?: string } | undefined;
  for (let repeat = 0; repeat < context.repeats; repeat++) {
    context.signal?.throwIfAborted();
    const workspace = workspaceOf(task);
    const run = await context.runner.run({
      agent,
      workspace,
      timeoutMs: context.taskTimeoutMs,
      problem: `${task.statement}\n\nWrite your solution in ${task.entry}; hidden tests import it from there.`,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.signal?.throwIfAborted();
    spend.tokens += run.tokens;
    spend.costUsd += run.costUsd;
    context.onSpend(run.tokens, run.costUsd);
    violations.push(...run.violations);
    const grade =
      run.status === 'timeout'
        ? {
            status: 'timeout' as const,
            output: `timeout: the agent ran past its limit of ${context.taskTimeoutMs} ms${run.reason ? ` (${run.reason})` : ''}`,
          }
        : await context.grade(task, run.workspace);
    attempts.push(grade.status);
    runStatus.push(run.status);
    changed.push(!sameFiles(workspace, run.workspace));
    if (shown === undefined || (grade.status !== 'resolved' && attempts.slice(0, -1).every((status) => status === 'resolved'))) {
      shown = { output: grade.output, log: clip(run.log), ...(run.reason ? { reason: run.reason } : {}) };
    }
  }
  return { taskId: task.id, set, status: majority(attempts), attempts, runStatus, changed, ...(shown as { output: string; log: string }) };
}

/** Resolved when more than half the repeats resolved; else the most common other status. */
function majority(attempts: readonly TaskStatus[]): TaskStatus {
  const resolved = attempts.filter((status) => status === 'resolved').length;
  if (resolved * 2 > attempts.length) return 'resolved';
  const counts = new Map<TaskStatus, number>();
  for (const status of attempts) if (status !== 'resolved') counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unresolved';
}

export function sameFiles(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

function clip(text: string): string {
  return text.length <= LOG_LIMIT
    ? text
    : `${text.slice(0, LOG_LIMIT / 2)}\n... (${text.length - LOG_LIMIT} characters cut) ...\n${text.slice(-LOG_LIMIT / 2)}`;
}

/** Maps with at most `limit` calls in flight; results follow `items`. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
