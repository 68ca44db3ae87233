import type { RunOverview } from '../api-types.ts';
import type { CallSummary, DashboardQueries, EvaluationColumns } from '../../store/queries.ts';
import { archiveAxes } from './archive-axes.ts';
import type { RunDataCache } from './run-data-cache.ts';
import { spendSeries } from './spend.ts';

/** GET /api/runs/:run: everything the overview draws, read on one snapshot of the store. */
export function runOverview(queries: DashboardQueries, cache: RunDataCache, runId: string): RunOverview | undefined {
  return queries.snapshot(() => {
    const run = queries.run(runId);
    const stored = queries.runConfig(runId);
    if (!run || !stored) return undefined;
    const { columns, failures, calls } = cache.read(runId);
    const { config, settings } = stored;
    const bestKnown = config.bestKnown as { score: number; source: string } | undefined;
    const targetScore = (settings.budget as { targetScore?: number } | undefined)?.targetScore;
    const { seq, score, status, island, operator, elapsedMs } = columns;
    return {
      run,
      bestCandidate: queries.top(runId, 1)[0] ?? null,
      bestKnown: bestKnown ? { score: bestKnown.score, source: bestKnown.source } : null,
      targetScore: targetScore ?? null,
      evaluations: { seq, score, status, island, operator, elapsedMs },
      bestSoFar: bestSoFar(score),
      spend: spendSeries(calls, queries.sessionStarts(runId), columns),
      operators: operatorStatistics(columns, failures, calls),
      models: modelStatistics(calls),
      lessons: queries.lessons(runId),
      archive: archiveAxes(queries, runId, config),
    };
  });
}

export function bestSoFar(scores: ReadonlyArray<number | null>): Array<number | null> {
  let best: number | null = null;
  return scores.map((score) => {
    if (score !== null && (best === null || score > best)) best = score;
    return best;
  });
}

/**
 * Per operator: proposals (committed children plus proposals that failed or repeated a genome),
 * how many failed (those, plus children that were not scored ok), how many improved on their
 * parent (reward above 0), the mean bandit reward per proposal and what its model calls cost.
 */
export function operatorStatistics(
  columns: EvaluationColumns,
  failures: ReadonlyMap<string, number>,
  calls: readonly CallSummary[],
): RunOverview['operators'] {
  const rows = new Map<string, { children: number; failed: number; improved: number; reward: number; costUsd: number }>();
  const row = (name: string) => {
    let found = rows.get(name);
    if (!found) rows.set(name, (found = { children: 0, failed: 0, improved: 0, reward: 0, costUsd: 0 }));
    return found;
  };
  columns.operator.forEach((name, index) => {
    // The initial genome was not proposed by anything.
    if (name === 'initial') return;
    const entry = row(name);
    const reward = columns.reward[index] ?? 0;
    entry.children++;
    if (columns.status[index] !== 'ok') entry.failed++;
    if (reward > 0) entry.improved++;
    entry.reward += reward;
  });
  for (const [name, count] of failures) {
    const entry = row(name);
    entry.children += count;
    entry.failed += count;
  }
  // Calls made outside proposals (lessons, novelty embeddings) are counted under models only.
  for (const call of calls) {
    const entry = rows.get(call.operator);
    if (entry) entry.costUsd += call.costUsd;
  }
  return [...rows]
    .map(([name, entry]) => ({
      name,
      children: entry.children,
      failed: entry.failed,
      improved: entry.improved,
      meanReward: entry.children === 0 ? 0 : entry.reward / entry.children,
      costUsd: entry.costUsd,
    }))
    .sort((a, b) => b.children - a.children || a.name.localeCompare(b.name));
}

export function modelStatistics(calls: readonly CallSummary[]): RunOverview['models'] {
  const rows = new Map<string, { calls: number; failedCalls: number; tokens: number; costUsd: number; latencyMs: number }>();
  for (const call of calls) {
    let entry = rows.get(call.model);
    if (!entry) rows.set(call.model, (entry = { calls: 0, failedCalls: 0, tokens: 0, costUsd: 0, latencyMs: 0 }));
    entry.calls++;
    if (call.failed) entry.failedCalls++;
    entry.tokens += call.tokens;
    entry.costUsd += call.costUsd;
    entry.latencyMs += call.latencyMs;
  }
  return [...rows]
    .map(([name, entry]) => ({
      name,
      calls: entry.calls,
      failedCalls: entry.failedCalls,
      tokens: entry.tokens,
      costUsd: entry.costUsd,
      meanLatencyMs: entry.latencyMs / entry.calls,
    }))
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
}
