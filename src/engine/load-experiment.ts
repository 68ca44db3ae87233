import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { z } from 'zod';
import { OuroError } from '../core/errors.ts';
import { describeIssues, experimentSchema, fieldName, type ExperimentConfig } from '../core/experiment.ts';
import { findRegions } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';
import { detectFormat, type ForeignFolder, mapFolder, mappingWarning } from '../formats/index.ts';
import { EMBEDDED_OPERATORS } from '../propose/index.ts';
import { registerAlias } from '../runtime/register.js';

export const CONFIG_FILE = 'ouro.config.ts';

/** An experiment read from disk and checked: config valid, genome files marked, evaluator present. */
export interface LoadedExperiment {
  dir: string;
  configFile: string;
  config: ExperimentConfig;
  evaluatorFile: string;
  genome: Genome;
  optionsSchema?: z.ZodObject;
  /**
   * To say once when a run starts or resumes: for an OpenEvolve or ShinkaEvolve folder, one warning
   * that lists the settings of its config with no equivalent here.
   */
  warnings: string[];
  /** The seed an OpenEvolve config names (`random_seed`): the run's seed when the command line gives none. */
  seed?: number;
}

/**
 * Loads `<dir>/ouro.config.ts` through tsx, with `ouroboros` resolved to this engine. A folder
 * without one may be an OpenEvolve or ShinkaEvolve experiment: its YAML config (if any) is mapped
 * to an Ouroboros config and checked the same way, and `warnings` lists what did not map.
 */
export async function loadExperiment(directory: string): Promise<LoadedExperiment> {
  const dir = resolve(directory);
  const folder = detectFormat(dir);
  if (folder.format !== 'ouro') return loadForeign(dir, folder);
  const configFile = join(dir, CONFIG_FILE);
  let exported: unknown;
  try {
    registerAlias();
    // tsImport loads through Node's own loader even under a test runner that rewrites import().
    exported = commonJsDefault(((await tsImport(pathToFileURL(configFile).href, import.meta.url)) as { default?: unknown }).default);
  } catch (error) {
    throw new OuroError('config-invalid', `${configFile} failed to load: ${(error as Error).message}`, { file: configFile, cause: error });
  }
  if (exported === undefined) {
    throw new OuroError('config-invalid', `${configFile} has no default export: write \`export default defineExperiment({ ... })\``, {
      file: configFile,
    });
  }
  return checkExperiment(dir, configFile, exported);
}

/**
 * Outside a package that says `"type": "module"` (an OpenEvolve folder converted in place, say),
 * tsx compiles the config as CommonJS, and its default export arrives as the `default` of the
 * module object, marked `__esModule`.
 */
function commonJsDefault(exported: unknown): unknown {
  const compiled = exported as { __esModule?: unknown; default?: unknown } | null | undefined;
  return compiled !== null && typeof compiled === 'object' && compiled.__esModule === true && 'default' in compiled
    ? compiled.default
    : exported;
}

/** An OpenEvolve or ShinkaEvolve folder, run as it is; messages name its YAML, or its evaluator when it has none. */
function loadForeign(dir: string, folder: ForeignFolder): LoadedExperiment {
  const mapped = mapFolder(dir, folder, EMBEDDED_OPERATORS);
  const warning = mappingWarning(mapped);
  return {
    ...checkExperiment(dir, mapped.configFile, mapped.input),
    warnings: warning === undefined ? [] : [warning],
    ...(mapped.seed === undefined ? {} : { seed: mapped.seed }),
  };
}

/** Validates a config object against the schema and the files it names. */
export function checkExperiment(dir: string, configFile: string, raw: unknown): LoadedExperiment {
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new OuroError('config-invalid', `${configFile} is invalid:\n${describeIssues(parsed.error)}`, {
      file: configFile,
      field: first ? fieldName(first.path) : undefined,
    });
  }
  const config = parsed.data;
  const genome: Genome = {};
  for (const file of config.genome) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      throw new OuroError('genome-missing', `genome file ${path} (listed in ${configFile} under genome) does not exist`, {
        file: path,
        field: 'genome',
      });
    }
    const text = readFileSync(path, 'utf8');
    findRegions(text, path);
    genome[file] = text;
  }
  const evaluatorFile = join(dir, config.evaluator);
  if (!existsSync(evaluatorFile)) {
    throw new OuroError('evaluator-missing', `evaluator ${evaluatorFile} does not exist (set \`evaluator\` in ${configFile})`, {
      file: evaluatorFile,
      field: 'evaluator',
    });
  }
  return { dir, configFile, config, evaluatorFile, genome, optionsSchema: config.options, warnings: [] };
}

/** Validates the experiment's own option values; errors name the flag. */
export function parseExperimentOptions(experiment: LoadedExperiment, values: Record<string, unknown>): Record<string, unknown> {
  if (!experiment.optionsSchema) return {};
  const parsed = experiment.optionsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? '');
    throw new OuroError('option-invalid', `option --${kebab(name)}: ${issue?.message ?? 'invalid'}`, { field: name });
  }
  return parsed.data as Record<string, unknown>;
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
