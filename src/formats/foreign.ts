import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../core/errors.ts';
import { experimentSchema, fieldName } from '../core/experiment.ts';
import type { FolderFormat } from './detect.ts';
import type { MappedConfig } from './mapped.ts';
import { mapOpenEvolve } from './openevolve.ts';
import { ConfigReader, dotted, type KeyPath } from './reader.ts';
import { mapShinka } from './shinka.ts';
import { readYaml, type YamlSource } from './yaml-source.ts';

export type ForeignFolder = Extract<FolderFormat, { format: 'openevolve' | 'shinka' }>;

const LABELS = { openevolve: 'an OpenEvolve', shinka: 'a ShinkaEvolve' } as const;

/**
 * Reads an OpenEvolve or ShinkaEvolve folder's YAML config (if it has one) and maps it to an
 * Ouroboros config, validated: a value the schema refuses throws `config-invalid` naming the
 * foreign key and its line, not only the Ouroboros field it became.
 *
 * @example
 * const mapped = mapFolder(dir, detectFormat(dir) as ForeignFolder, EMBEDDED_OPERATORS);
 * mapped.input; // { name, genome: ['initial_program.py'], evaluator: 'evaluator.py', evaluation: { protocol: 'openevolve', ... } }
 */
export function mapFolder(dir: string, folder: ForeignFolder, embeddedOperators: readonly string[]): MappedConfig {
  const source = folder.config === undefined ? undefined : readYaml(join(dir, folder.config));
  const reader = new ConfigReader(source);
  const context = { dir, initial: folder.initial, evaluator: folder.evaluator, embeddedOperators };
  const mapped = folder.format === 'openevolve' ? mapOpenEvolve(reader, context) : mapShinka(reader, context);
  if (folder.otherConfigs.length > 0) {
    mapped.notes.push(
      `read ${folder.config} only; ${folder.otherConfigs.join(', ')} ${folder.otherConfigs.length > 1 ? 'are' : 'is'} not read`,
    );
  }
  if (folder.format === 'shinka' && folder.config === undefined && existsSync(join(dir, 'run_evo.py'))) {
    mapped.notes.push(
      'run_evo.py is a Python script and its settings are not read: ShinkaEvolve defaults apply; ' +
        '`ouro convert` writes an ouro.config.ts to edit instead',
    );
  }
  validate(mapped, source);
  return mapped;
}

/** The one warning for a mapped folder: every unmapped key, then what was guessed. Undefined when nothing was lost. */
export function mappingWarning(mapped: MappedConfig): string | undefined {
  const lines: string[] = [];
  if (mapped.unmapped.length > 0) {
    lines.push(
      `ouro: ${mapped.configFile} is ${LABELS[mapped.format]} config; ${mapped.unmapped.length} of its settings have no ` +
        `equivalent here and are ignored: ${mapped.unmapped.join(', ')}`,
    );
  }
  for (const note of mapped.notes) lines.push(`${lines.length === 0 ? `ouro: ${mapped.configFile}: ` : '  also: '}${note}`);
  return lines.length === 0 ? undefined : lines.join('\n');
}

/** Checks the mapped config against the schema; a refusal names the foreign key it came from. */
function validate(mapped: MappedConfig, source: YamlSource | undefined): void {
  const parsed = experimentSchema.safeParse(mapped.input);
  if (parsed.success) return;
  const lines = parsed.error.issues.map((issue) => {
    const field = fieldName(issue.path);
    const origin = originOf(mapped.origins, field);
    if (origin === undefined) return `${field || '(root)'}: ${issue.message}`;
    const line = source?.lineOf(origin);
    return `${line === undefined ? '' : `line ${line}: `}${dotted(origin)}: ${issue.message} (as Ouroboros's ${field})`;
  });
  const first = parsed.error.issues[0];
  throw new OuroError('config-invalid', `${mapped.configFile} is invalid:\n${lines.join('\n')}`, {
    file: mapped.configFile,
    ...(first ? { field: fieldName(first.path) } : {}),
  });
}

/** The origin recorded for the field, or for the closest field above it. */
function originOf(origins: ReadonlyMap<string, KeyPath>, field: string): KeyPath | undefined {
  for (let name = field; name !== ''; ) {
    const origin = origins.get(name);
    if (origin !== undefined) return origin;
    const shorter = name.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (shorter === name) return undefined;
    name = shorter;
  }
  return undefined;
}
