export { createModel, type ModelOptions } from './client.ts';
export { checkModel, CHECK_PROMPT, type CheckOptions, type ModelCheck } from './check.ts';
export { cosine, createEmbedder, type Embedder } from './embed.ts';
export { Ledger, type LedgerLimits, type LedgerTotals } from './ledger.ts';
export { costOf, FREE, LIST_PRICES, priceFor } from './prices.ts';
export { probeModel, type ProbeOptions, type ProbeResult } from './probe.ts';
export { requireKey, type FetchFunction } from './providers.ts';
export { createReplayModels, replayKey, unserved, type ReplayOptions } from './replay.ts';
export { DEFAULT_RETRY, type RetryOptions } from './retry.ts';
export { modelConfigs, openRunModels, type RunModels, type RunModelsOptions } from './run-models.ts';
export {
  baseUrlOf,
  DEFAULT_BASE_URLS,
  knownContextWindow,
  missingKey,
  parseModelSpec,
  resolveModel,
  type ModelSpec,
  type Provider,
  type ResolvedModel,
} from './spec.ts';
