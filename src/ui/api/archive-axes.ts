import type { RunOverview } from '../api-types.ts';
import { gridAxes, storedMapElites } from '../../core/feature-grid.ts';
import type { DashboardQueries } from '../../store/queries.ts';

export type ArchiveAxes = NonNullable<RunOverview['archive']>;

/**
 * The MAP-Elites axes a run was evolved with, from its stored config, or null for another archive.
 * A config without axes got the engine's default over the initial genome's length, read from the
 * stored initial candidate; a config with `features: []` got none (one cell per island).
 *
 * @example
 * archiveAxes(queries, 'r1', { archive: { kind: 'map-elites', islands: 2 } });
 * // { kind: 'map-elites', islands: 2, features: [{ name: 'length', ... }] }
 */
export function archiveAxes(queries: DashboardQueries, runId: string, config: Record<string, unknown>): ArchiveAxes | null {
  const stored = storedMapElites(config);
  if (!stored) return null;
  const initial = stored.features ? undefined : queries.genome(`${runId}-0`);
  return { kind: 'map-elites', islands: stored.islands, features: gridAxes(stored.features, initial) };
}
