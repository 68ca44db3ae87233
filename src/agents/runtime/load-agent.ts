import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AGENT_ENTRY, type AgentGenome } from '../agent.ts';
import { OuroError } from '../../core/errors.ts';

const MAX_AGENT_BYTES = 2 * 1024 * 1024;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Throws a clear error when `agent` has no entry point; `where` names the folder or candidate it came from. */
export function checkAgentGenome(agent: AgentGenome, where: string): void {
  if (!Object.hasOwn(agent, AGENT_ENTRY)) {
    const files = Object.keys(agent);
    const has = files.length === 0 ? 'it has no files' : `it has ${files.slice(0, 10).join(', ')}${files.length > 10 ? ', ...' : ''}`;
    throw new OuroError(
      'genome-missing',
      `${where}: the agent has no entry point ${AGENT_ENTRY} (${has}); an agent runs as \`node ${AGENT_ENTRY}\``,
      {
        file: where,
      },
    );
  }
}

/**
 * Reads every text file of an agent folder (skipping node_modules, .git, symbolic links and
 * binary files) as an agent genome. Throws `OuroError` naming the folder when it is missing or
 * has no `agent.mjs`.
 *
 * @example
 * const agent = loadAgentDir('agents/initial');
 * Object.keys(agent); // ['agent.mjs', 'README.md']
 */
export function loadAgentDir(dir: string): AgentGenome {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new OuroError('config-missing', `agent folder ${dir} does not exist`, { file: dir });
  const files: AgentGenome = {};
  let bytes = 0;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) walk(path);
        continue;
      }
      if (!stat.isFile()) continue;
      bytes += stat.size;
      if (bytes > MAX_AGENT_BYTES)
        throw new OuroError('config-invalid', `agent folder ${dir} holds more than ${MAX_AGENT_BYTES} bytes of files`, { file: dir });
      const content = readFileSync(path);
      if (content.includes(0)) continue;
      try {
        files[relative(dir, path).split('\\').join('/')] = decoder.decode(content);
      } catch {
        // not UTF-8 text: an agent is source code
      }
    }
  };
  walk(dir);
  checkAgentGenome(files, `agent folder ${dir}`);
  return files;
}
