import type { ArchiveEntry, Genome } from './types.ts';
import type { Rng } from './rng.ts';

/**
 * Keeps scored candidates and chooses parents. Implementations are deterministic given the
 * sequence of calls and the Rng they are handed, so a run rebuilt from the store by replaying
 * `recordChild`/`add` in commit order selects exactly as the original run did.
 */
export interface Archive {
  readonly kind: string;
  /** Offers a candidate whose evaluation is `ok`. Returns whether the archive kept it. */
  add(entry: ArchiveEntry): boolean;
  /** Notes that a child of these parents was recorded, whatever its status. */
  recordChild(parentIds: readonly string[]): void;
  /** Picks `count` parents with distinct ids (fewer only when the archive keeps fewer distinct entries). */
  selectParents(rng: Rng, count: number): ArchiveEntry[];
  /** Top and diverse entries to show an operator, never those in `exclude`. */
  inspirations(rng: Rng, count: number, exclude: ReadonlySet<string>): ArchiveEntry[];
  best(): ArchiveEntry | undefined;
  /** Number of entries the archive currently keeps. */
  size(): number;
}

/** What an archive factory is handed. */
export interface ArchiveContext {
  /** The run's initial genome, for an archive that derives settings (feature ranges) from it. */
  genome: Genome;
}

/**
 * Builds a new, empty archive, for an experiment's `archive` written in code. It is called once
 * per session of a run; a resumed session then replays the run's history into what it returns.
 *
 * @example
 * const archive: ArchiveFactory = () => new GreedyArchive({ k: 5 });
 */
export type ArchiveFactory = (context: ArchiveContext) => Archive;

export interface FeatureAxis {
  /** Feature name, as returned in `Evaluation.features` (built in: `length`, `lines`). */
  name: string;
  min: number;
  max: number;
  bins: number;
}
