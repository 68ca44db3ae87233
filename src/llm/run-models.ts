/**
 * The models of one run, opened the same way by every loop (evolution, DGM, STOP): resolved from
 * their config, checked to answer before anything is spent, admitted against the run's token and
 * money budget, and booked in one ledger and in the loop's own store as each exchange ends. A
 * replay serves recorded exchanges instead, with no network. What the store is stays with the
 * caller: it hands in the exchanges already spent (`prior`) and a `record` callback.
 */
import { spendReached, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig, ModelConfig } from '../core/experiment.ts';
import { ModelCallError, type CompletionRequest, type LlmExchange, type ModelHandle } from '../core/model.ts';
import { createModel } from './client.ts';
import { Ledger } from './ledger.ts';
import { probeModel } from './probe.ts';
import { createReplayModels, unserved } from './replay.ts';
import { resolveModel, type ResolvedModel } from './spec.ts';

export interface RunModelsOptions {
  /** The models, in order; loops that need one default model take the first. */
  configs: readonly ModelConfig[];
  llm: LlmConfig;
  /** Token and money limits: once one is reached, no further call starts. */
  budget: Pick<Budget, 'tokens' | 'costUsd'>;
  /** Exchanges the run made in earlier sessions: booked first, so that the budget counts them. */
  prior?: readonly LlmExchange[];
  /** Stores an exchange the moment it ends (the loop's own table); the ledger books it next. */
  record?: (exchange: LlmExchange) => void;
  /**
   * Recorded exchanges to serve instead of calling the network, matched by prompt
   * (`createReplayModels`). A resumed replay passes only those it was not served yet (`unserved`).
   */
  replay?: readonly LlmExchange[];
  /** Check at start that every model answers HTTP (default true); a replay never probes. */
  probe?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The HTTP client the providers use; a benchmark wraps it to time the network apart. */
  fetch?: typeof fetch;
}

/** The models a run may call, with the ledger every call is booked in. */
export interface RunModels {
  /** Model ids in the order they were configured. */
  readonly ids: readonly string[];
  /** The handle of each model; its calls carry whatever proposal the caller sets. */
  readonly handles: ReadonlyMap<string, ModelHandle>;
  /** Every exchange of the run: the prior ones, then each as it ends. */
  readonly ledger: Ledger;
  /** Things the user should know before the run, such as a money cap that cannot see a model. */
  readonly notices: readonly string[];
  /** Books an exchange made outside a model handle (embeddings): recorded, then in the ledger. */
  readonly book: (exchange: LlmExchange) => void;
  /** Why no call may start now, or null. */
  readonly admit: () => string | null;
  /** What the token and money budgets still allow (a limit the budget does not set is left out). */
  readonly remaining: () => { tokens?: number; costUsd?: number };
  /**
   * The model `id` for one proposal (or any other tag): its calls carry `proposal`, and
   * `spentUsd()` says what they cost, for the bandits' cost-aware reward.
   */
  bind(id: string, proposal: string): { handle: ModelHandle; spentUsd: () => number };
  /** In a replay, the recorded exchanges nobody asked for yet; always empty on a live run. */
  unserved(): LlmExchange[];
  /** In a replay, how many calls asked for a prompt the record does not hold; 0 on a live run. */
  unrecorded(): number;
}

/**
 * `--model` values, or the config's models, as config entries.
 *
 * @example
 * modelConfigs([{ id: 'openai:gpt-4.1-mini', temperature: 0.2 }], ['openai:gpt-4.1-mini']); // keeps the temperature
 */
export function modelConfigs(fromConfig: readonly ModelConfig[] | undefined, fromFlags: readonly string[] | undefined): ModelConfig[] {
  // `--model none`: the embedded operators only, whatever models the config (an OpenEvolve config, say) names.
  if (fromFlags?.includes('none')) {
    if (fromFlags.length > 1)
      throw new OuroError('option-invalid', '--model none cannot be combined with other models', { field: 'model' });
    return [];
  }
  if (fromFlags && fromFlags.length > 0) {
    // A flag naming a model that the config also lists keeps the config's settings for it.
    return fromFlags.map((id) => fromConfig?.find((config) => config.id === id) ?? { id });
  }
  return [...(fromConfig ?? [])];
}

/**
 * Opens a run's models. Live, it resolves each config, probes them (fail fast, before any
 * evaluation) and returns handles that refuse a call once the budget is spent; in a replay, the
 * handles answer from `replay` with the recorded usage and cost, so the ledger reads as the
 * original's. Throws `model-unreachable` naming every model that did not answer, and
 * `config-missing` for a model that needs a key it lacks.
 *
 * @example
 * const models = await openRunModels({
 *   configs: [{ id: 'openai:gpt-4.1-mini' }], llm, budget: { tokens: 200_000 },
 *   prior: store.llmCalls(runId), record: (exchange) => store.recordLlmCall(runId, exchange),
 * });
 * const { handle } = models.bind('openai:gpt-4.1-mini', 'p1');
 */
export async function openRunModels(options: RunModelsOptions): Promise<RunModels> {
  const { budget } = options;
  const ledger = Ledger.from(options.prior ?? []);
  const admit = (): string | null => {
    const totals = ledger.totals();
    const reached = spendReached(budget, { tokens: totals.tokens, costUsd: totals.costUsd });
    if (reached === 'tokens') return `the token budget (${budget.tokens}) is spent`;
    if (reached === 'cost') return `the money budget ($${budget.costUsd}) is spent`;
    return null;
  };
  const remaining = (): { tokens?: number; costUsd?: number } => {
    const totals = ledger.totals();
    const left: { tokens?: number; costUsd?: number } = {};
    if (budget.tokens !== undefined) left.tokens = Math.max(0, budget.tokens - totals.tokens);
    if (budget.costUsd !== undefined) left.costUsd = Math.max(0, budget.costUsd - totals.costUsd);
    return left;
  };
  const served: LlmExchange[] = [];
  const book = (exchange: LlmExchange): void => {
    options.record?.(exchange);
    ledger.record(exchange);
    if (options.replay) served.push(exchange);
  };
  const resolved: ResolvedModel[] = options.configs.map((config) => resolveModel(config, options.llm, options.env ?? process.env));

  let handles: Map<string, ModelHandle>;
  let misses = 0;
  let notices: string[] = [];
  if (options.replay) {
    const replay = createReplayModels(options.replay, { onExchange: book, admit });
    handles = new Map(
      resolved.map((model) => {
        // The window and reply cap the recorded run had, so that the same prompts are built.
        const recorded = replay(model.id, model.contextWindow);
        const handle: ModelHandle = {
          ...recorded,
          maxOutputTokens: model.maxOutputTokens,
          async complete(request) {
            try {
              return await recorded.complete(request);
            } catch (error) {
              if (error instanceof ModelCallError && error.kind === 'replay-missing') misses += 1;
              throw error;
            }
          },
        };
        return [model.id, handle];
      }),
    );
  } else {
    if (options.probe !== false) await ensureReachable(resolved);
    handles = new Map(
      resolved.map((model) => [
        model.id,
        createModel(model, { admit, onExchange: book, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      ]),
    );
    const unpriced = resolved.filter((model) => !model.priceKnown && !model.id.startsWith('compat:')).map((model) => model.id);
    if (budget.costUsd !== undefined && unpriced.length > 0) {
      notices = [`no price known for ${unpriced.join(', ')}: the money budget counts its calls as free; give a price in llm.prices`];
    }
  }

  return {
    ids: resolved.map((model) => model.id),
    handles,
    ledger,
    notices,
    book,
    admit,
    remaining,
    bind: (id, proposal) => bindModel(handles, id, proposal),
    unserved: () => (options.replay ? unserved(options.replay, served) : []),
    unrecorded: () => misses,
  };
}

async function ensureReachable(models: readonly ResolvedModel[]): Promise<void> {
  const results = await Promise.all(models.map(async (model) => ({ model, probe: await probeModel(model) })));
  const down = results.filter((result) => !result.probe.reachable);
  if (down.length === 0) return;
  const lines = down.map((result) => `  ${result.model.id}: ${result.probe.detail}`).join('\n');
  throw new OuroError(
    'model-unreachable',
    `no answer from ${down.length === 1 ? 'this model' : 'these models'}:\n${lines}\n` +
      `Start the server or set the key (\`ouro models check\` tests a model).`,
    { field: 'models' },
  );
}

function bindModel(
  handles: ReadonlyMap<string, ModelHandle>,
  id: string,
  proposal: string,
): { handle: ModelHandle; spentUsd: () => number } {
  const model = handles.get(id);
  if (!model)
    throw new OuroError('option-invalid', `model ${id} is not set up for this run (it has ${[...handles.keys()].join(', ') || 'none'})`, {
      field: 'models',
    });
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
}
