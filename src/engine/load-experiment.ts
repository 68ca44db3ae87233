import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { z } from 'zod';
import { OuroError } from '../core/errors.ts';
import { describeIssues, experimentSchema, fieldName, type ExperimentConfig } from '../core/experiment.ts';
import { findRegions } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';
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
}

/** Loads `<dir>/ouro.config.ts` through tsx, with `ouroboros` resolved to this engine. */
export async function loadExperiment(directory: string): Promise<LoadedExperiment> {
  const dir = resolve(directory);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OuroError('config-missing', `experiment folder ${dir} does not exist`, { file: dir });
  }
  const configFile = join(dir, CONFIG_FILE);
  if (!existsSync(configFile)) {
    throw new OuroError(
      'config-missing',
      `${configFile} does not exist: an experiment folder needs an ${CONFIG_FILE} (try \`ouro init\`)`,
      { file: configFile },
    );
  }
  let exported: unknown;
  try {
    registerAlias();
    // tsImport loads through Node's own loader even under a test runner that rewrites import().
    exported = ((await tsImport(pathToFileURL(configFile).href, import.meta.url)) as { default?: unknown }).default;
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
  return { dir, configFile, config, evaluatorFile, genome, optionsSchema: config.options };
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
