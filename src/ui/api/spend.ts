import type { RunOverview } from '../api-types.ts';
import { TASK_OPERATOR } from '../../llm/ledger.ts';
import type { CallSummary, EvaluationColumns } from '../../store/queries.ts';

/**
 * Cumulative spend, one point per model call, against the run's elapsed time, in total and the
 * part evaluators spent on task calls. Calls carry wall
 * clock times and a run's clock stops between sessions, so each call is placed in the session it
 * fell in: the elapsed time that session started from, plus the time since it started.
 */
export function spendSeries(
  calls: readonly CallSummary[],
  sessionStarts: readonly number[],
  columns: EvaluationColumns,
): RunOverview['spend'] {
  const starts = sessionStarts.length > 0 ? sessionStarts : [calls[0]?.startedAt ?? 0];
  const startedFrom = elapsedAtSessionStarts(starts, columns);
  const spend: RunOverview['spend'] = { elapsedMs: [], costUsd: [], tokens: [], taskCostUsd: [], taskTokens: [] };
  let costUsd = 0;
  let tokens = 0;
  let taskCostUsd = 0;
  let taskTokens = 0;
  let last = 0;
  for (const call of calls) {
    const end = call.startedAt + call.latencyMs;
    const session = Math.max(0, sessionAt(starts, end));
    const elapsed = (startedFrom[session] ?? 0) + Math.max(0, end - (starts[session] ?? end));
    last = Math.max(last, Math.round(elapsed));
    costUsd += call.costUsd;
    tokens += call.tokens;
    if (call.operator === TASK_OPERATOR) {
      taskCostUsd += call.costUsd;
      taskTokens += call.tokens;
    }
    spend.elapsedMs.push(last);
    spend.costUsd.push(costUsd);
    spend.tokens.push(tokens);
    spend.taskCostUsd.push(taskCostUsd);
    spend.taskTokens.push(taskTokens);
  }
  return spend;
}

/** The elapsed time each session started from: the most any candidate proposed before it had reached. */
function elapsedAtSessionStarts(starts: readonly number[], columns: EvaluationColumns): number[] {
  const reachedIn = starts.map(() => 0);
  columns.createdAt.forEach((createdAt, index) => {
    const session = Math.max(0, sessionAt(starts, createdAt));
    reachedIn[session] = Math.max(reachedIn[session] ?? 0, columns.elapsedMs[index] ?? 0);
  });
  let reached = 0;
  return starts.map((_, session) => {
    const from = session === 0 ? 0 : reached;
    reached = Math.max(reached, reachedIn[session] ?? 0);
    return from;
  });
}

/** Index of the last session that started at or before `time`, or -1. */
function sessionAt(starts: readonly number[], time: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((starts[middle] as number) <= time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
