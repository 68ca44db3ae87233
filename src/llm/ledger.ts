import type { LlmExchange } from '../core/model.ts';

/** The operator evaluators' model calls are booked under (`context.models`). */
export const TASK_OPERATOR = 'task';

/** What a set of model calls cost. `tokens` is input plus output. */
export interface LedgerTotals {
  calls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  costUsd: number;
  latencyMs: number;
}

export interface LedgerLimits {
  tokens?: number;
  costUsd?: number;
}

function emptyTotals(): LedgerTotals {
  return { calls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0, tokens: 0, costUsd: 0, latencyMs: 0 };
}

function add(totals: LedgerTotals, exchange: LlmExchange): void {
  totals.calls += 1;
  if (exchange.error !== undefined) totals.failedCalls += 1;
  totals.inputTokens += exchange.usage.inputTokens;
  totals.outputTokens += exchange.usage.outputTokens;
  totals.tokens += exchange.usage.inputTokens + exchange.usage.outputTokens;
  totals.costUsd += exchange.costUsd;
  totals.latencyMs += exchange.latencyMs;
}

function addTo(groups: Map<string, LedgerTotals>, key: string, exchange: LlmExchange): void {
  let totals = groups.get(key);
  if (!totals) {
    totals = emptyTotals();
    groups.set(key, totals);
  }
  add(totals, exchange);
}

function copyGroups(groups: Map<string, LedgerTotals>): Map<string, LedgerTotals> {
  return new Map([...groups].map(([key, totals]) => [key, { ...totals }]));
}

/**
 * Tokens, money and time spent on model calls, overall, per model and per operator. Token and
 * money budgets are checked against it before each call.
 *
 * @example
 * const ledger = new Ledger();
 * const model = createModel(resolved, {
 *   onExchange: (exchange) => ledger.record(exchange),
 *   admit: () => ledger.exceeded({ costUsd: 5 }) && 'the $5 budget is spent',
 * });
 */
export class Ledger {
  readonly #total = emptyTotals();
  readonly #models = new Map<string, LedgerTotals>();
  readonly #operators = new Map<string, LedgerTotals>();

  /** A ledger holding earlier exchanges, such as those of a resumed run. */
  static from(exchanges: Iterable<LlmExchange>): Ledger {
    const ledger = new Ledger();
    for (const exchange of exchanges) ledger.record(exchange);
    return ledger;
  }

  record(exchange: LlmExchange): void {
    add(this.#total, exchange);
    addTo(this.#models, exchange.model, exchange);
    addTo(this.#operators, exchange.operator, exchange);
  }

  totals(): LedgerTotals {
    return { ...this.#total };
  }

  byModel(): Map<string, LedgerTotals> {
    return copyGroups(this.#models);
  }

  byOperator(): Map<string, LedgerTotals> {
    return copyGroups(this.#operators);
  }

  /**
   * What evaluators spent (`task`, the calls they make through `context.models`) apart from what
   * everything else spent (`proposal`: operators, lessons, embeddings, agents).
   */
  byPurpose(): { proposal: LedgerTotals; task: LedgerTotals } {
    const task = { ...(this.#operators.get(TASK_OPERATOR) ?? emptyTotals()) };
    const proposal = emptyTotals();
    for (const key of Object.keys(proposal) as (keyof LedgerTotals)[]) proposal[key] = this.#total[key] - task[key];
    return { proposal, task };
  }

  /** Which limit the spending has reached, if any; a limit counts as reached when met. */
  exceeded(limits: LedgerLimits): 'tokens' | 'cost' | null {
    if (limits.tokens !== undefined && this.#total.tokens >= limits.tokens) return 'tokens';
    if (limits.costUsd !== undefined && this.#total.costUsd >= limits.costUsd) return 'cost';
    return null;
  }
}
