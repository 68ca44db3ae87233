/** Limits a run stops at. Any unset limit is unbounded. */
export interface Budget {
  /** Candidates evaluated, the initial one included. */
  evaluations?: number;
  /** Wall-clock time in milliseconds, summed over every session of the run. */
  wallTimeMs?: number;
  /** Stop as soon as a candidate scores at least this much. */
  targetScore?: number;
  /** Input plus output tokens over every model call. */
  tokens?: number;
  /** US dollars over every model call. */
  costUsd?: number;
}

export interface BudgetUsage {
  evaluations: number;
  wallTimeMs: number;
  bestScore: number | undefined;
  /** Model spend so far; absent counts as nothing spent. */
  tokens?: number;
  costUsd?: number;
}

export type StopReason = 'evaluations' | 'wall-time' | 'target-score' | 'tokens' | 'cost';

/** Which limit, if any, the usage has reached. */
export function budgetReached(budget: Budget, usage: BudgetUsage): StopReason | null {
  if (budget.targetScore !== undefined && usage.bestScore !== undefined && usage.bestScore >= budget.targetScore) {
    return 'target-score';
  }
  if (budget.evaluations !== undefined && usage.evaluations >= budget.evaluations) return 'evaluations';
  if (budget.wallTimeMs !== undefined && usage.wallTimeMs >= budget.wallTimeMs) return 'wall-time';
  return spendReached(budget, usage);
}

/** Which model-spend limit, if any, is used up; model calls are refused from then on. */
export function spendReached(budget: Budget, usage: { tokens?: number; costUsd?: number }): 'tokens' | 'cost' | null {
  if (budget.tokens !== undefined && (usage.tokens ?? 0) >= budget.tokens) return 'tokens';
  if (budget.costUsd !== undefined && (usage.costUsd ?? 0) >= budget.costUsd) return 'cost';
  return null;
}

/** A short human description of what is left, such as `1,200 evals, 1m 30s`. */
export function describeBudgetLeft(budget: Budget, usage: BudgetUsage): string {
  const parts: string[] = [];
  if (budget.evaluations !== undefined) {
    parts.push(`${Math.max(0, budget.evaluations - usage.evaluations).toLocaleString('en-US')} evals`);
  }
  if (budget.wallTimeMs !== undefined) {
    parts.push(formatDuration(Math.max(0, budget.wallTimeMs - usage.wallTimeMs)));
  }
  if (budget.tokens !== undefined) {
    parts.push(`${Math.max(0, budget.tokens - (usage.tokens ?? 0)).toLocaleString('en-US')} tokens`);
  }
  if (budget.costUsd !== undefined) {
    parts.push(`$${Math.max(0, budget.costUsd - (usage.costUsd ?? 0)).toFixed(2)}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'unbounded';
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** Parses `500ms`, `90s`, `2m`, `1h` or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return value * factor;
}
