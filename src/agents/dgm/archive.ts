import { DgmArchive } from '../../archive/dgm.ts';
import type { AgentRecord } from './store.ts';

/**
 * Adds a recorded agent to the archive the way the loop did when it made it: a kept agent enters
 * with its score, and counts as one more child of its parent. Discarded children do not count,
 * as in the DGM, where the child factor counts the children that entered the archive.
 */
export function admitAgent(archive: DgmArchive, agent: AgentRecord): void {
  if (!agent.kept || agent.score === null) return;
  archive.add({
    id: agent.id,
    seq: agent.seq,
    score: agent.score,
    island: 0,
    generation: 0,
    parentIds: agent.parentId ? [agent.parentId] : [],
    features: {},
  });
  if (agent.parentId) archive.recordChild([agent.parentId]);
}

/** The archive of a run rebuilt from its agents in seq order: the same weights the run had. */
export function archiveOf(agents: readonly AgentRecord[], lambda: number): DgmArchive {
  const archive = new DgmArchive({ lambda });
  for (const agent of agents) admitAgent(archive, agent);
  return archive;
}

/** The second-best archive score, or undefined when fewer than two agents are archived. */
export function runnerUpScore(agents: readonly AgentRecord[]): number | undefined {
  const scores = agents
    .filter((agent) => agent.kept && agent.score !== null)
    .map((agent) => agent.score as number)
    .sort((a, b) => b - a);
  return scores[1];
}
