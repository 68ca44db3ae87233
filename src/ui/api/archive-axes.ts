import type { RunOverview } from '../api-types.ts';
import type { DashboardQueries } from '../../store/queries.ts';

export type ArchiveAxes = NonNullable<RunOverview['archive']>;
type Axis = ArchiveAxes['features'][number];

/**
 * The MAP-Elites axes a run was evolved with, from its stored config, or null for another archive.
 * A config without axes got the engine's default: genome length from half to twice the initial
 * genome's, which the initial candidate's `length` feature records.
 */
export function archiveAxes(queries: DashboardQueries, runId: string, config: Record<string, unknown>): ArchiveAxes | null {
  const archive = config.archive as { kind?: string; islands?: number; features?: Axis[] } | undefined;
  if (archive?.kind !== 'map-elites') return null;
  const islands = archive.islands ?? 4;
  if (archive.features && archive.features.length > 0) {
    return { kind: 'map-elites', islands, features: archive.features.map(({ name, min, max, bins }) => ({ name, min, max, bins: bins ?? 10 })) };
  }
  const root = queries.candidate(`${runId}-0`);
  const length = root ? (JSON.parse(root.evaluation.features) as Record<string, number>).length : undefined;
  if (length === undefined) return { kind: 'map-elites', islands, features: [] };
  return { kind: 'map-elites', islands, features: [{ name: 'length', min: Math.floor(length / 2), max: length * 2, bins: 10 }] };
}

/** The bin a feature value falls in, as the archive's grid computes it: a missing value counts as the minimum. */
export function binOf(axis: Axis, value: number | undefined): number {
  if (value === undefined || Number.isNaN(value)) return 0;
  const bin = Math.floor(((value - axis.min) / (axis.max - axis.min)) * axis.bins);
  return Math.min(Math.max(bin, 0), axis.bins - 1);
}
