import type { Archive, ArchiveFactory, FeatureAxis } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { ArchiveConfig } from '../core/experiment.ts';
import type { Genome } from '../core/types.ts';
import { DgmArchive } from './dgm.ts';
import { GreedyArchive } from './greedy.ts';
import { MapElitesArchive } from './map-elites.ts';
import { ParetoArchive } from './pareto.ts';

export { DgmArchive, type DgmOptions, type DgmStatistics } from './dgm.ts';
export { GreedyArchive, type GreedyOptions } from './greedy.ts';
export { MapElitesArchive, type MapElitesOptions } from './map-elites.ts';
export { ParetoArchive, type ParetoOptions } from './pareto.ts';
export { compareEntries } from './ranking.ts';

const ARCHIVE_METHODS = ['add', 'recordChild', 'selectParents', 'inspirations', 'best', 'size'] as const;

/**
 * Builds the archive a validated config names, or calls the experiment's own archive factory
 * with the initial genome (`defaults.genome`). Defaults come from the config schema; a
 * MAP-Elites config without axes uses `defaults.features`, which the engine derives from the
 * initial genome. Throws `config-invalid` on field `archive` when a factory returns something
 * that is not an archive.
 *
 * @example
 * const archive = createArchive({ kind: 'dgm', lambda: 10 }, { features: [] });
 * const own = createArchive(() => new GreedyArchive({ k: 3 }), { features: [], genome });
 */
export function createArchive(config: ArchiveConfig | ArchiveFactory, defaults: { features: FeatureAxis[]; genome?: Genome }): Archive {
  if (typeof config === 'function') return checkArchive(config({ genome: defaults.genome ?? {} }));
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
    case 'pareto':
      return new ParetoArchive({ scoreAsInstance: config.scoreAsInstance });
  }
}

/** What a factory returned, once it is known to have every method the engine calls. */
function checkArchive(value: unknown): Archive {
  const archive = (value ?? {}) as Partial<Record<string, unknown>>;
  const missing = ARCHIVE_METHODS.filter((method) => typeof archive[method] !== 'function');
  if (typeof archive.kind !== 'string' || archive.kind === '') missing.unshift('kind' as never);
  if (typeof value !== 'object' || value === null || missing.length > 0) {
    const got = value === null || typeof value !== 'object' ? String(value) : 'an object';
    throw new OuroError('config-invalid', `archive: the archive function returned ${got}, not an Archive: it lacks ${missing.join(', ')}`, {
      field: 'archive',
    });
  }
  return value as Archive;
}
