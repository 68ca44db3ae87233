import type { Archive, FeatureAxis } from '../core/archive.ts';
import type { ArchiveConfig } from '../core/experiment.ts';
import { DgmArchive } from './dgm.ts';
import { GreedyArchive } from './greedy.ts';
import { MapElitesArchive } from './map-elites.ts';

export { DgmArchive, type DgmOptions, type DgmStatistics } from './dgm.ts';
export { GreedyArchive, type GreedyOptions } from './greedy.ts';
export { MapElitesArchive, type MapElitesOptions } from './map-elites.ts';
export { compareEntries } from './ranking.ts';

/**
 * Builds the archive a validated config names. Defaults come from the config schema; a
 * MAP-Elites config without axes uses `defaults.features`, which the engine derives from the
 * initial genome.
 *
 * @example
 * const archive = createArchive({ kind: 'dgm', lambda: 10 }, { features: [] });
 */
export function createArchive(config: ArchiveConfig, defaults: { features: FeatureAxis[] }): Archive {
  switch (config.kind) {
    case 'dgm':
      return new DgmArchive({ lambda: config.lambda });
    case 'greedy':
      return new GreedyArchive({ k: config.k });
    case 'map-elites':
      return new MapElitesArchive({
        islands: config.islands,
        features: config.features ?? defaults.features,
        migrationInterval: config.migrationInterval,
        migrationRate: config.migrationRate,
        exploitation: config.exploitation,
      });
  }
}
