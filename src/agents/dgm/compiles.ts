import { parse } from '@babel/parser';
import { AGENT_ENTRY, type AgentGenome } from '../agent.ts';

/**
 * Why an agent does not "compile", or undefined when it does: it must have `agent.mjs`, and every
 * JavaScript file of it (.mjs, .js, .cjs) must parse. Parsing happens on the host with
 * @babel/parser and runs none of the agent's code, so it needs no sandbox.
 */
export function compileError(agent: AgentGenome): string | undefined {
  if (agent[AGENT_ENTRY] === undefined) return `the agent has no ${AGENT_ENTRY}`;
  for (const [file, text] of Object.entries(agent).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/\.(mjs|cjs|js)$/.test(file)) continue;
    try {
      parse(text, {
        sourceType: file.endsWith('.cjs') ? 'script' : 'module',
        allowReturnOutsideFunction: file.endsWith('.cjs'),
        errorRecovery: false,
      });
    } catch (error) {
      return `${file} does not parse: ${(error as Error).message}`;
    }
  }
  return undefined;
}
