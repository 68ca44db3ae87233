import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { CONFIG_FILE } from '../../engine/load-experiment.ts';
import { configSource, detectFormat, type ForeignFolder, mapFolder } from '../../formats/index.ts';
import { EMBEDDED_OPERATORS } from '../../propose/index.ts';
import { emit } from '../output.ts';

const LABELS = { openevolve: 'OpenEvolve', shinka: 'ShinkaEvolve' } as const;

/**
 * Registers `ouro convert <dir> [--force]`: writes an `ouro.config.ts` beside an OpenEvolve or
 * ShinkaEvolve folder's files, equivalent to what `ouro run <dir>` reads from its YAML, with the
 * settings that have no equivalent listed in a comment at its top.
 */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description("write an ouro.config.ts equivalent to an OpenEvolve or ShinkaEvolve folder's config, beside its files")
    .argument('<dir>', 'an OpenEvolve (config.yaml, initial_program.*, evaluator.py) or ShinkaEvolve (initial.*, evaluate.py) folder')
    .option('--force', `replace an ${CONFIG_FILE} the folder already holds`)
    .option('--json', 'print JSON')
    .action((dir: string, flags: { force?: boolean; json?: boolean }) => {
      const target = resolve(dir);
      const file = join(target, CONFIG_FILE);
      if (existsSync(file) && !flags.force) {
        throw new OuroError('config-invalid', `${file} already exists: pass --force to replace it with a new conversion`, { file });
      }
      const folder = detectFormat(target, { foreignOnly: true }) as ForeignFolder;
      const mapped = mapFolder(target, folder, EMBEDDED_OPERATORS);
      writeFileSync(file, configSource(mapped));
      const shown = (path: string): string => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
      emit(
        Boolean(flags.json),
        { file, format: mapped.format, from: mapped.configFile, unmapped: mapped.unmapped, notes: mapped.notes, seed: mapped.seed ?? null },
        () =>
          [
            `wrote ${shown(file)} from ${shown(mapped.configFile)} (${LABELS[mapped.format]})`,
            mapped.unmapped.length > 0
              ? `${mapped.unmapped.length} settings have no equivalent and are left out; the comment at the top of the file lists them`
              : 'every setting has an equivalent',
            ...mapped.notes.map((note) => `check: ${note}`),
            ...(mapped.seed === undefined ? [] : [`the config's random seed is ${mapped.seed}: pass --seed ${mapped.seed} to ouro run`]),
            `run it with: npx ouro run ${dir}`,
          ].join('\n'),
      );
    });
}
