import { Option, type Command } from 'commander';
import type { z } from 'zod';
import { kebab, type LoadedExperiment } from '../engine/load-experiment.ts';

type Kind = 'string' | 'number' | 'boolean';

/** The base type of a zod field, through optional/default/nullable wrappers. */
function kindOf(field: z.ZodType): Kind {
  let def = (field as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
  while (def.innerType) def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
  return def.type === 'number' || def.type === 'int' ? 'number' : def.type === 'boolean' ? 'boolean' : 'string';
}

/** Adds one flag per field of the experiment's `options` schema, described from `.describe()`. */
export function addExperimentOptions(command: Command, experiment: LoadedExperiment): void {
  const shape = experiment.optionsSchema?.shape ?? {};
  for (const [name, field] of Object.entries(shape) as Array<[string, z.ZodType]>) {
    const kind = kindOf(field);
    const flag = kind === 'boolean' ? `--${kebab(name)}` : `--${kebab(name)} <${kind === 'number' ? 'n' : 'value'}>`;
    const option = new Option(flag, `${field.description ?? name} (experiment option)`);
    if (kind === 'number') option.argParser((text: string) => (text.trim() === '' ? NaN : Number(text)));
    command.addOption(option);
  }
}

/** Picks the experiment's option values out of the parsed flags. */
export function optionValues(experiment: LoadedExperiment, flags: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(experiment.optionsSchema?.shape ?? {})) {
    if (flags[name] !== undefined) values[name] = flags[name];
  }
  return values;
}
