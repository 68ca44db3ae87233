// The soup: Computational Life's self-replicators from random interacting programs. Its loop
// (run.ts), its substrates (BFF, SUBLEQ), its tables (store-sqlite.ts); the figures load apart,
// from plots/index.ts, since they pull in the chart renderer.
export { MAX_EPOCHS, requireSqlite, runSoup, type SoupRunOptions, type SoupRunResult } from "./run.ts";
export { fromHex, toHex } from "./hex.ts";
export { SUBSTRATES, substrateByName } from "./substrates.ts";
export type { Substrate } from "./substrate.ts";
export { fromBffText, padProgram, toBffText } from "./bff.ts";
export { REPLICATOR_THRESHOLD, replicatorScore } from "./replicator.ts";
export {
  TRANSITION_ENTROPY,
  type SoupMetrics,
  type SoupRunRecord,
  type SoupRunSettings,
  type SoupRunSummary,
  type SoupSnapshot,
  type SoupStore,
} from "./store.ts";
export { SOUP_TABLES } from "./store-sqlite.ts";
