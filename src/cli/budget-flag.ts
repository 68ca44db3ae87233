import { parseDuration, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';

/**
 * Parses `--budget`: comma-separated limits. A bare integer counts evaluations, a duration
 * (`90s`, `2m`, `1h`) limits wall time, `target=2.63` stops at a score, `tokens=200000` caps model
 * tokens (in plus out) and `$5` or `cost=5` caps model spend in US dollars.
 *
 * @example parseBudget('5000,10m,$2') // { evaluations: 5000, wallTimeMs: 600000, costUsd: 2 }
 */
export function parseBudget(text: string): Budget {
  const budget: Budget = {};
  for (const part of text
    .split(',')
    .map((piece) => piece.trim())
    .filter(Boolean)) {
    if (part.startsWith('target=')) {
      const target = Number(part.slice('target='.length));
      if (!Number.isFinite(target)) throw invalid(part, 'target needs a number, as in target=2.63');
      budget.targetScore = target;
    } else if (part.startsWith('tokens=')) {
      const tokens = Number(part.slice('tokens='.length).replaceAll('_', ''));
      if (!Number.isInteger(tokens) || tokens < 1) throw invalid(part, 'tokens needs a whole number of tokens, as in tokens=200000');
      budget.tokens = tokens;
    } else if (part.startsWith('$') || part.startsWith('cost=')) {
      const cost = Number(part.slice(part.startsWith('$') ? 1 : 'cost='.length));
      if (!Number.isFinite(cost) || cost <= 0) throw invalid(part, 'a money cap needs a positive number of US dollars, as in $5 or cost=5');
      budget.costUsd = cost;
    } else if (/^\d+$/.test(part)) {
      const evaluations = Number(part);
      if (evaluations < 1) throw invalid(part, 'the evaluation count must be at least 1');
      budget.evaluations = evaluations;
    } else {
      const ms = parseDuration(part);
      if (ms === undefined || ms <= 0)
        throw invalid(part, 'expected an evaluation count (2000), a duration (90s, 2m, 1h), target=<score>, tokens=<n> or $<dollars>');
      budget.wallTimeMs = ms;
    }
  }
  return budget;
}

function invalid(part: string, why: string): OuroError {
  return new OuroError('option-invalid', `option --budget: "${part}": ${why}`, { field: 'budget' });
}

export function parseInteger(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new OuroError('option-invalid', `option --${name}: "${text}" is not an integer >= ${min}`, { field: name });
  }
  return value;
}

/**
 * `--budget` for a loop that spends only on model calls (the flywheel, task generation): tokens and
 * money; an evaluation count, a duration or a target is refused, with `hint` on what to use instead.
 *
 * @example
 * spendBudget('tokens=200000,$2', 'the flywheel', 'set rounds with --rounds'); // { tokens: 200000, costUsd: 2 }
 */
export function spendBudget(text: string | undefined, loop: string, hint: string): { tokens?: number; costUsd?: number } {
  if (text === undefined) return {};
  const budget = parseBudget(text);
  if (budget.evaluations !== undefined || budget.targetScore !== undefined || budget.wallTimeMs !== undefined) {
    throw new OuroError('option-invalid', `option --budget: ${loop} takes tokens=<n> and $<dollars>; ${hint}`, { field: 'budget' });
  }
  return {
    ...(budget.tokens === undefined ? {} : { tokens: budget.tokens }),
    ...(budget.costUsd === undefined ? {} : { costUsd: budget.costUsd }),
  };
}
