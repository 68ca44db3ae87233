import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { emit } from '../output.ts';
import { INIT_LANGUAGES, type InitLanguage, initFiles } from './init-templates.ts';

/** Registers `ouro init <dir> [--lang js|ts|python]`: a new experiment folder that runs as generated. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a new experiment that runs as generated')
    .argument('<dir>', 'folder to create')
    .option('--lang <language>', `language of the genome: ${INIT_LANGUAGES.join(', ')}`, INIT_LANGUAGES[0])
    .option('--json', 'print JSON')
    .action((dir: string, flags: { lang: string; json?: boolean }) => {
      const language = parseLanguage(flags.lang);
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new OuroError('config-invalid', `${target} already exists and is not empty; choose a new folder`, { file: target });
      }
      mkdirSync(target, { recursive: true });
      const name = target.split(/[\\/]/).pop() || 'experiment';
      const files = initFiles(name, language);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(target, file), text);
      emit(
        Boolean(flags.json),
        { dir: target, language, files: Object.keys(files) },
        () => `created ${target}: ${Object.keys(files).join(', ')}\nrun it with: npx ouro run ${dir}`,
      );
    });
}

function parseLanguage(text: string): InitLanguage {
  const language = INIT_LANGUAGES.find((known) => known === text);
  if (language === undefined) {
    throw new OuroError('option-invalid', `option --lang: "${text}" is not supported; use one of ${INIT_LANGUAGES.join(', ')}`, {
      field: 'lang',
    });
  }
  return language;
}
