import { spendReached, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig, ModelConfig } from '../core/experiment.ts';
import type { CompletionRequest, LlmExchange, ModelHandle } from '../core/model.ts';
import { createModel, createReplayModels, Ledger, probeModel, resolveModel, unserved, type ResolvedModel } from '../llm/index.ts';
import type { Store } from '../store/store.ts';

/** The models a run may call, with the ledger every call is booked in. */
export interface RunModels {
  /** Model ids in the order they were configured. */
  readonly ids: readonly string[];
  readonly ledger: Ledger;
  /** Things the user should know before the run, such as a money cap that cannot see a model. */
  readonly notices: readonly string[];
  /** Books an exchange made outside a model handle (embeddings), in the store and the ledger. */
  readonly book: (exchange: LlmExchange) => void;
  /** Why no call may start now, or null. */
  readonly admit: () => string | null;
  /** What the token and money budgets still allow (a limit the budget does not set is left out). */
  readonly remaining: () => { tokens?: number; costUsd?: number };
  /**
   * The model for one proposal: its calls are tagged with the proposal id, and `spentUsd()` says
   * what they cost, for the bandits' cost-aware reward.
   */
  bind(id: string, proposal: string): { handle: ModelHandle; spentUsd: () => number };
}

export interface ModelSetup {
  runId: string;
  store: Store;
  configs: readonly ModelConfig[];
  llm: LlmConfig;
  budget: Budget;
  /** Serve this run's recorded replies instead of calling the models. */
  replayOf?: string;
  /** Check at start that every model answers HTTP; off in tests of the offline paths. */
  probe?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The HTTP client the providers use; a benchmark wraps it to time the network apart. */
  fetch?: typeof fetch;
  /** Told about every exchange once it is recorded (the progress line shows spend). */
  onExchange?: (exchange: LlmExchange) => void;
}

/** `--model` values, or the config's models, as config entries. */
export function modelConfigs(fromConfig: readonly ModelConfig[] | undefined, fromFlags: readonly string[] | undefined): ModelConfig[] {
  if (fromFlags && fromFlags.length > 0) {
    // A flag naming a model that the config also lists keeps the config's settings for it.
    return fromFlags.map((id) => fromConfig?.find((config) => config.id === id) ?? { id });
  }
  return [...(fromConfig ?? [])];
}

/**
 * Resolves the configured models, checks that they can be reached (fail fast, before any
 * evaluation), and wires every exchange into the store and the ledger. In replay mode nothing
 * touches the network: replies come from the recorded run, in order.
 */
export async function setupModels(setup: ModelSetup): Promise<RunModels | undefined> {
  const { runId, store, budget } = setup;
  const ledger = Ledger.from(store.llmCalls(runId));
  const admit = (): string | null => {
    const totals = ledger.totals();
    const reached = spendReached(budget, { tokens: totals.tokens, costUsd: totals.costUsd });
    if (reached === 'tokens') return `the token budget (${budget.tokens?.toLocaleString('en-US')}) is spent`;
    if (reached === 'cost') return `the money budget ($${budget.costUsd}) is spent`;
    return null;
  };
  const remaining = (): { tokens?: number; costUsd?: number } => {
    const totals = ledger.totals();
    return {
      ...(budget.tokens === undefined ? {} : { tokens: Math.max(0, budget.tokens - totals.tokens) }),
      ...(budget.costUsd === undefined ? {} : { costUsd: Math.max(0, budget.costUsd - totals.costUsd) }),
    };
  };
  const onExchange = (exchange: LlmExchange): void => {
    store.recordLlmCall(runId, exchange);
    ledger.record(exchange);
    setup.onExchange?.(exchange);
  };

  if (setup.replayOf) {
    const recorded = unserved(store.llmCalls(setup.replayOf), store.llmCalls(runId));
    // The recorded run's models, in its order, so that the model bandit has the same arms.
    const ids = setup.configs.length > 0
      ? setup.configs.map((config) => config.id)
      : [...new Set(recorded.filter((exchange) => exchange.operator !== 'novelty').map((exchange) => exchange.model))];
    if (ids.length === 0) return undefined;
    const replay = createReplayModels(recorded, { onExchange, admit });
    // The same window and reply cap as when the run was recorded, so the same prompts are built.
    const handles = new Map(ids.map((id) => {
      const resolved = resolveModel(setup.configs.find((config) => config.id === id) ?? { id }, setup.llm, setup.env ?? process.env);
      const handle: ModelHandle = { ...replay(id, resolved.contextWindow), maxOutputTokens: resolved.maxOutputTokens };
      return [id, handle];
    }));
    return wrap(ids, handles, ledger, [], onExchange, admit, remaining);
  }

  if (setup.configs.length === 0) return undefined;
  const resolved: ResolvedModel[] = setup.configs.map((config) => resolveModel(config, setup.llm, setup.env ?? process.env));
  if (setup.probe !== false) await ensureReachable(resolved);
  const handles = new Map(resolved.map((model) => [model.spec.id, createModel(model, { admit, onExchange, ...(setup.fetch ? { fetch: setup.fetch } : {}) })]));
  const unpriced = resolved.filter((model) => !model.priceKnown && !model.id.startsWith('compat:')).map((model) => model.id);
  const notices = budget.costUsd !== undefined && unpriced.length > 0
    ? [`no price known for ${unpriced.join(', ')}: the money budget counts its calls as free; give a price in llm.prices`]
    : [];
  return wrap(resolved.map((model) => model.spec.id), handles, ledger, notices, onExchange, admit, remaining);
}

async function ensureReachable(models: readonly ResolvedModel[]): Promise<void> {
  const results = await Promise.all(models.map(async (model) => ({ model, probe: await probeModel(model) })));
  const down = results.filter((result) => !result.probe.reachable);
  if (down.length === 0) return;
  const lines = down.map((result) => `  ${result.model.spec.id}: ${result.probe.detail}`).join('\n');
  throw new OuroError(
    'model-unreachable',
    `no answer from ${down.length === 1 ? 'this model' : 'these models'}:\n${lines}\nStart the server, set the key, or run without --model to use the embedded operators (\`ouro models check\` tests a model).`,
    { field: 'models' },
  );
}

function wrap(
  ids: readonly string[], handles: ReadonlyMap<string, ModelHandle>, ledger: Ledger, notices: readonly string[],
  book: (exchange: LlmExchange) => void, admit: () => string | null, remaining: RunModels['remaining'],
): RunModels {
  return {
    ids,
    ledger,
    notices,
    book,
    admit,
    remaining,
    bind(id, proposal) {
      const model = handles.get(id);
      if (!model) throw new Error(`model ${id} is not set up for this run`);
      let spent = 0;
      const handle: ModelHandle = {
        id: model.id,
        contextWindow: model.contextWindow,
        ...(model.maxOutputTokens === undefined ? {} : { maxOutputTokens: model.maxOutputTokens }),
        async complete(request: CompletionRequest) {
          // A call that fails reports no usage, so only completed calls add to the proposal's cost.
          const completion = await model.complete({ ...request, proposal });
          spent += completion.costUsd;
          return completion;
        },
      };
      return { handle, spentUsd: () => spent };
    },
  };
}
