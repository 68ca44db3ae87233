import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../core/errors.ts';

/** What an experiment folder is written for, and the files that make it so. */
export type FolderFormat =
  | { format: 'ouro' }
  | {
      format: 'openevolve' | 'shinka';
      /** The initial program, relative to the folder: `initial_program.py`, `initial.py`. */
      initial: string;
      /** The evaluator, relative to the folder: `evaluator.py` or `evaluate.py`. */
      evaluator: string;
      /** The YAML config the folder holds, if any. */
      config?: string;
      /** Further YAML configs that were not chosen (ShinkaEvolve folders often keep several). */
      otherConfigs: string[];
    };

const OURO_CONFIG = 'ouro.config.ts';
/** ShinkaEvolve's config names, the most specific first; after them any other `shinka*.yaml`. */
const SHINKA_CONFIGS = ['shinka.yaml', 'shinka.yml', 'config.yaml', 'config.yml'];
/** Files that share an initial program's stem without being one: bytecode, editor and merge leftovers. */
const NOT_A_PROGRAM = /(\.pyc|\.pyo|~|\.bak|\.orig|\.swp|\.rej)$/;

/**
 * Which kind of experiment folder `dir` is: Ouroboros's own (`ouro.config.ts`), OpenEvolve's
 * (`initial_program.<ext>` + `evaluator.py`, with an optional `config.yaml`) or ShinkaEvolve's
 * (`initial.<ext>` + `evaluate.py`, with an optional YAML config). An `ouro.config.ts` wins, so a
 * converted folder runs from its converted config. Anything else throws `config-missing` with one
 * message that says what was looked for and what the folder holds.
 *
 * @example
 * detectFormat('examples/circle-packing'); // { format: 'ouro' }
 * detectFormat('openevolve/examples/function_minimization'); // { format: 'openevolve', initial: 'initial_program.py', ... }
 */
export function detectFormat(dir: string, options: { foreignOnly?: boolean } = {}): FolderFormat {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OuroError('config-missing', `experiment folder ${dir} does not exist`, { file: dir });
  }
  if (!options.foreignOnly && existsSync(join(dir, OURO_CONFIG))) return { format: 'ouro' };
  const entries = readdirSync(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  const openEvolve = program(dir, files, 'initial_program');
  if (openEvolve !== undefined && files.includes('evaluator.py')) {
    const config = ['config.yaml', 'config.yml'].find((name) => files.includes(name));
    return { format: 'openevolve', initial: openEvolve, evaluator: 'evaluator.py', ...(config ? { config } : {}), otherConfigs: [] };
  }
  const shinka = program(dir, files, 'initial');
  if (shinka !== undefined && files.includes('evaluate.py')) {
    const yamls = [
      ...SHINKA_CONFIGS.filter((name) => files.includes(name)),
      ...files.filter((name) => /^shinka.*\.ya?ml$/.test(name) && !SHINKA_CONFIGS.includes(name)),
    ];
    const [config, ...otherConfigs] = yamls;
    return { format: 'shinka', initial: shinka, evaluator: 'evaluate.py', ...(config ? { config } : {}), otherConfigs };
  }
  if (options.foreignOnly) {
    throw new OuroError('config-missing', `${dir} is not an OpenEvolve or ShinkaEvolve folder. ${lookedFor(dir, entries, false)}`, {
      file: dir,
    });
  }
  throw new OuroError(
    'config-missing',
    `${join(dir, OURO_CONFIG)} does not exist, and ${dir} is not an OpenEvolve or ShinkaEvolve folder either. ` +
      lookedFor(dir, entries, true),
    { file: join(dir, OURO_CONFIG) },
  );
}

/** The one `<stem>.<ext>` program in the folder; two candidates are an error that names both. */
function program(dir: string, files: readonly string[], stem: string): string | undefined {
  const found = files.filter((name) => name.startsWith(`${stem}.`) && name.length > stem.length + 1 && !NOT_A_PROGRAM.test(name));
  if (found.length > 1) {
    throw new OuroError(
      'config-invalid',
      `${dir} holds ${found.join(' and ')}: which one is the initial program? Keep one ${stem}.<ext>, or write an ${OURO_CONFIG}`,
      { file: join(dir, found[0] as string) },
    );
  }
  return found[0];
}

/** What detection looked for, and what the folder holds instead. */
function lookedFor(dir: string, entries: readonly Dirent[], withOuro: boolean): string {
  const shown = entries
    .filter((entry) => !entry.name.startsWith('.'))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
  const holds =
    shown.length === 0
      ? 'no files'
      : shown.length <= 12
        ? shown.join(', ')
        : `${shown.slice(0, 12).join(', ')} and ${shown.length - 12} more`;
  return (
    `Looked for: ${withOuro ? `${OURO_CONFIG} (an Ouroboros experiment; \`ouro init\` writes one); ` : ''}` +
    'initial_program.<ext> + evaluator.py, with an optional config.yaml (OpenEvolve); initial.<ext> + evaluate.py, with an ' +
    `optional shinka.yaml or config.yaml (ShinkaEvolve). ${dir} holds: ${holds}.`
  );
}
