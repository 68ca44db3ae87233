import type { ExperimentInput } from '../core/experiment.ts';
import type { KeyPath } from './reader.ts';

/** A foreign experiment folder's config, turned into an Ouroboros config. */
export interface MappedConfig {
  format: 'openevolve' | 'shinka';
  /** The YAML config it was read from, or the evaluator when the folder has no YAML: what messages name. */
  configFile: string;
  input: ExperimentInput;
  /** Foreign settings with no Ouroboros equivalent, as dotted keys (`database.elite_selection_ratio`). */
  unmapped: string[];
  /** What the mapping had to guess, such as a feature range the foreign tool learns while it runs. */
  notes: string[];
  /** The foreign config's random seed: the run's seed when the command line gives none. */
  seed?: number;
  /** Which foreign key each Ouroboros field came from (`evaluation.timeoutMs` from `evaluator.timeout`). */
  origins: ReadonlyMap<string, KeyPath>;
}

/** The model entry of a mapped config: the id alone, or the id with settings. */
export type ModelInput = NonNullable<ExperimentInput['models']>[number];

/** What a mapping needs beyond the YAML: the folder and its files, and the engine's operator names. */
export interface MapContext {
  dir: string;
  initial: string;
  evaluator: string;
  /** The operators that need no model, kept whenever a mapping names the LLM operators to use. */
  embeddedOperators: readonly string[];
}

/** `{ id }` alone reads best as the id string, as configs written by hand say it. */
export function modelEntry(model: { id: string; apiKeyEnv?: string; temperature?: number; maxOutputTokens?: number }): ModelInput {
  const settings = compact(model);
  return Object.keys(settings).length === 1 ? settings.id : settings;
}

/**
 * The value with every undefined property removed, at any depth: a mapped config holds only what
 * the foreign config said, so that it prints, compares and validates as if written by hand.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => compact(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = compact(field);
  return out as T;
}
