import type { ExperimentInput } from '../core/experiment.ts';
import { compact, type ModelInput, modelEntry } from './mapped.ts';
import { keyVariable, openEvolveModelId } from './models.ts';
import type { ConfigReader, KeyPath } from './reader.ts';

/** OpenEvolve's weight for a `secondary_model` given without `secondary_model_weight`. */
const SECONDARY_WEIGHT = 0.2;
/** The schema's ceiling on attempts per call. */
const MAX_ATTEMPTS = 10;

interface Entry {
  name: string;
  /** Where a `models` list entry sits; the older primary/secondary keys have no settings of their own. */
  path?: KeyPath;
  weight: number;
  /** The keys that said the weight, if any: left unmapped when the weights differ. */
  weightPath?: KeyPath;
}

/**
 * OpenEvolve's `llm` section: the model ensemble (`models`, or the older `primary_model` and
 * `secondary_model`), with the shared settings each model inherits unless it sets its own.
 * Ouroboros picks among models with a bandit, not by fixed weights: equal weights lose nothing,
 * unequal ones are left unmapped (a note says so when a default weight made them unequal).
 */
export function mapOpenEvolveLlm(reader: ConfigReader, notes: string[]): Pick<ExperimentInput, 'models' | 'llm'> {
  const llm = compact({
    timeoutMs: seconds(reader, ['llm', 'timeout'], 'llm.timeoutMs'),
    attempts: attempts(reader, notes),
    maxOutputTokens: reader.number(['llm', 'max_tokens'], { integer: true, min: 1 }),
  });
  if (llm.maxOutputTokens !== undefined) reader.origin('llm.maxOutputTokens', ['llm', 'max_tokens']);
  const entries = ensemble(reader);
  const result: Pick<ExperimentInput, 'models' | 'llm'> = Object.keys(llm).length > 0 ? { llm } : {};
  if (entries.length === 0) return result;
  const apiBase = reader.string(['llm', 'api_base']);
  const apiKeyEnv = apiKey(reader, ['llm', 'api_key']);
  const temperature = reader.number(['llm', 'temperature'], { min: 0 });
  const models: ModelInput[] = entries.map((entry, index) => {
    const field = `models[${index}]`;
    // Only the entries of the `models` list have settings of their own.
    const own = (key: string): KeyPath | undefined => (entry.path ? [...entry.path, key] : undefined);
    const read = <T>(key: string, get: (path: KeyPath) => T | undefined): T | undefined => {
      const path = own(key);
      return path === undefined ? undefined : get(path);
    };
    const ownTemperature = read('temperature', (path) => reader.number(path, { min: 0 }));
    const maxOutputTokens = read('max_tokens', (path) => reader.number(path, { integer: true, min: 1 }));
    if (ownTemperature !== undefined) reader.origin(`${field}.temperature`, own('temperature') as KeyPath);
    else if (temperature !== undefined) reader.origin(`${field}.temperature`, ['llm', 'temperature']);
    if (maxOutputTokens !== undefined) reader.origin(`${field}.maxOutputTokens`, own('max_tokens') as KeyPath);
    return modelEntry({
      id: openEvolveModelId(read('api_base', (path) => reader.string(path)) ?? apiBase, entry.name),
      apiKeyEnv: read('api_key', (path) => apiKey(reader, path)) ?? apiKeyEnv,
      temperature: ownTemperature ?? temperature,
      maxOutputTokens,
    });
  });
  const weights = new Set(entries.map((entry) => entry.weight));
  if (weights.size === 1) {
    for (const entry of entries) if (entry.weightPath) reader.use(entry.weightPath);
  } else if (entries.some((entry) => !entry.weightPath)) {
    notes.push(
      `the models' weights differ (${entries.map((entry) => `${entry.name} ${entry.weight}`).join(', ')}); ` +
        'Ouroboros shares calls among models by a bandit instead',
    );
  }
  return { ...result, models };
}

/** The models in OpenEvolve's order: the `models` list, else `primary_model` then `secondary_model`. */
function ensemble(reader: ConfigReader): Entry[] {
  const list = reader.list(['llm', 'models']);
  if (list !== undefined) {
    return list.map((_, index): Entry => {
      const path: KeyPath = ['llm', 'models', index];
      const name = reader.string([...path, 'name']);
      if (name === undefined) reader.fail(path, 'a model needs a name');
      const weight = reader.number([...path, 'weight'], { min: 0, mark: false });
      return { name, path, weight: weight ?? 1, ...optionalPath(weight, [...path, 'weight']) };
    });
  }
  const entries: Entry[] = [];
  const primary = reader.string(['llm', 'primary_model']);
  if (primary !== undefined) {
    const weight = reader.number(['llm', 'primary_model_weight'], { min: 0, mark: false });
    entries.push({ name: primary, weight: weight ?? 1, ...optionalPath(weight, ['llm', 'primary_model_weight']) });
  }
  const secondary = reader.string(['llm', 'secondary_model']);
  if (secondary !== undefined) {
    const weight = reader.number(['llm', 'secondary_model_weight'], { min: 0, mark: false });
    // OpenEvolve drops a secondary model weighed 0: so does the mapping, and nothing is lost.
    if (weight === 0) reader.use(['llm', 'secondary_model_weight']);
    else entries.push({ name: secondary, weight: weight ?? SECONDARY_WEIGHT, ...optionalPath(weight, ['llm', 'secondary_model_weight']) });
  }
  return entries;
}

function optionalPath(value: number | undefined, path: KeyPath): { weightPath?: KeyPath } {
  return value === undefined ? {} : { weightPath: path };
}

/** `api_key: ${VAR}` becomes `apiKeyEnv: 'VAR'`; a key written out stays unmapped, never copied. */
function apiKey(reader: ConfigReader, path: KeyPath): string | undefined {
  const value = reader.peek(path);
  if (typeof value !== 'string') return undefined;
  const variable = keyVariable(value);
  if (variable !== undefined) reader.use(path);
  return variable;
}

/** OpenEvolve's `retries` counts the calls after the first; Ouroboros's `attempts` counts the first too. */
function attempts(reader: ConfigReader, notes: string[]): number | undefined {
  const retries = reader.number(['llm', 'retries'], { integer: true, min: 0 });
  if (retries === undefined) return undefined;
  reader.origin('llm.attempts', ['llm', 'retries']);
  if (retries + 1 > MAX_ATTEMPTS) notes.push(`llm.retries ${retries} is more than Ouroboros allows: ${MAX_ATTEMPTS} attempts per call`);
  return Math.min(retries + 1, MAX_ATTEMPTS);
}

/** A duration in seconds as milliseconds, its origin recorded. */
export function seconds(reader: ConfigReader, path: KeyPath, field: string): number | undefined {
  const value = reader.number(path);
  if (value === undefined) return undefined;
  if (!(value > 0)) reader.fail(path, `expected a number of seconds above 0, got ${value}`);
  reader.origin(field, path);
  return Math.round(value * 1000);
}
