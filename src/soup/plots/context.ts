import type { SoupMetrics, SoupRunRecord, SoupStore } from "../store.ts";

/** What a soup plot reads: the soup run, its store, and its metrics rows read once and shared. */
export interface SoupPlotContext {
  readonly soups: SoupStore;
  readonly run: SoupRunRecord;
  /** The run's metrics rows, oldest first; read from the store on first use. */
  metrics(): readonly SoupMetrics[];
}
