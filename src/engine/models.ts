/**
 * The evolution loop's models: `openRunModels` (llm/run-models.ts) over the run's own tables.
 * Exchanges go to `llm_calls` as they end, a resumed run books its earlier ones first, and a
 * replay is served the recorded run's replies that this run has not been served yet.
 */
import type { Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig, ModelConfig } from '../core/experiment.ts';
import type { LlmExchange } from '../core/model.ts';
import { openRunModels, unserved, type RunModels } from '../llm/index.ts';
import type { Store } from '../store/store.ts';

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

/**
 * Opens the run's models with every exchange recorded in the store, or undefined when the run
 * has none (no model configured, or a replayed run that called none).
 *
 * @example
 * const models = await setupModels({ runId, store, configs: [{ id: 'openai:gpt-4.1-mini' }], llm: config.llm, budget: {} });
 * const { handle } = models!.bind('openai:gpt-4.1-mini', 'p1');
 */
export async function setupModels(setup: ModelSetup): Promise<RunModels | undefined> {
  const { runId, store } = setup;
  const prior = store.llmCalls(runId);
  const replay = setup.replayOf === undefined ? undefined : unserved(store.llmCalls(setup.replayOf), prior);
  // A replay without --model takes the recorded run's models, in its order, so that the model
  // bandit has the same arms (embedding calls are not a proposal model).
  const configs =
    replay && setup.configs.length === 0
      ? [...new Set(replay.filter((exchange) => exchange.operator !== 'novelty').map((exchange) => exchange.model))].map((id) => ({ id }))
      : setup.configs;
  if (configs.length === 0) return undefined;
  try {
    return await openRunModels({
      configs,
      llm: setup.llm,
      budget: setup.budget,
      prior,
      record: (exchange) => {
        store.recordLlmCall(runId, exchange);
        setup.onExchange?.(exchange);
      },
      ...(replay ? { replay } : {}),
      ...(setup.probe === undefined ? {} : { probe: setup.probe }),
      ...(setup.env ? { env: setup.env } : {}),
      ...(setup.fetch ? { fetch: setup.fetch } : {}),
    });
  } catch (error) {
    if (error instanceof OuroError && error.code === 'model-unreachable') {
      throw new OuroError(error.code, `${error.message}\nOr pass --model none to run with the embedded operators only.`, {
        field: 'models',
      });
    }
    throw error;
  }
}
