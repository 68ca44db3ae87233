/**
 * Agent lineage as patches: every child is stored as a unified diff against its parent, so any
 * agent can be rebuilt from the initial agent and the chain of patches down to it.
 */
import { createHash } from 'node:crypto';
import { applyPatch, createTwoFilesPatch, parsePatch } from 'diff';
import type { AgentGenome } from '../agent.ts';
import { OuroError } from '../../core/errors.ts';

const ABSENT = '/dev/null';

/** A stable fingerprint of an agent's code: file names in order, each with its exact text. */
export function agentHash(agent: AgentGenome): string {
  const hash = createHash('sha256');
  for (const file of Object.keys(agent).sort()) hash.update(`${file}\0${(agent[file] as string).length}\0${agent[file] as string}\0`);
  return hash.digest('hex');
}

/**
 * The unified diff that turns `parent` into `child`, one file section per changed file; an added
 * or deleted file is diffed against /dev/null. Empty when the two agents are identical.
 */
export function agentDiff(parent: AgentGenome, child: AgentGenome): string {
  const files = [...new Set([...Object.keys(parent), ...Object.keys(child)])].sort();
  let out = '';
  for (const file of files) {
    const before = parent[file];
    const after = child[file];
    if (before === after) continue;
    out += createTwoFilesPatch(
      before === undefined ? ABSENT : `a/${file}`,
      after === undefined ? ABSENT : `b/${file}`,
      before ?? '',
      after ?? '',
      undefined,
      undefined,
      { context: 3 },
    );
  }
  return out;
}

/** Applies a diff made by `agentDiff` to `parent`; throws when it does not apply. */
export function applyAgentDiff(parent: AgentGenome, diff: string): AgentGenome {
  const child: Record<string, string> = { ...parent };
  if (diff === '') return child;
  for (const patch of parsePatch(diff)) {
    const oldName = stripPrefix(patch.oldFileName, 'a/');
    const newName = stripPrefix(patch.newFileName, 'b/');
    const name = newName ?? oldName;
    if (name === undefined) throw lineageError('a patch section names no file');
    const source = oldName === undefined ? '' : child[oldName];
    if (source === undefined) throw lineageError(`the patch changes ${oldName}, which the parent does not have`);
    const result = patch.hunks.length === 0 ? source : applyPatch(source, patch);
    if (result === false) throw lineageError(`the patch for ${name} does not apply to the parent`);
    if (newName === undefined) delete child[oldName as string];
    else child[newName] = result;
  }
  return child;
}

/** One link of a lineage: the diff against the previous agent, and the hash the result must have. */
export interface LineageLink {
  diff: string;
  hash: string;
  /** The agent's full code, where its diff could not reproduce it (stored instead of trusting the patch). */
  code?: AgentGenome;
}

/**
 * Rebuilds an agent from the initial agent and the chain of links from the initial agent's first
 * child down to it, checking every step against its recorded hash, so the result is the stored
 * agent bit for bit or an error.
 *
 * @example
 * const agent = rebuildAgent(initial, [{ diff: childDiff, hash: childHash }]);
 */
export function rebuildAgent(initial: AgentGenome, chain: readonly LineageLink[]): AgentGenome {
  let agent: AgentGenome = { ...initial };
  chain.forEach((link, index) => {
    agent = link.code ? { ...link.code } : applyAgentDiff(agent, link.diff);
    if (agentHash(agent) !== link.hash)
      throw lineageError(`step ${index + 1} of the lineage does not reproduce the stored agent (hash mismatch)`);
  });
  return agent;
}

/**
 * The link that records `child` below `parent`: the diff, plus the full code when applying the
 * diff does not give the child back exactly (a case the patch format cannot express).
 */
export function linkOf(parent: AgentGenome, child: AgentGenome): LineageLink {
  const diff = agentDiff(parent, child);
  const hash = agentHash(child);
  let rebuilt: string | undefined;
  try {
    rebuilt = agentHash(applyAgentDiff(parent, diff));
  } catch {
    rebuilt = undefined;
  }
  return rebuilt === hash ? { diff, hash } : { diff, hash, code: { ...child } };
}

function stripPrefix(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === ABSENT) return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function lineageError(message: string): OuroError {
  return new OuroError('store-corrupt', `agent lineage: ${message}`);
}
