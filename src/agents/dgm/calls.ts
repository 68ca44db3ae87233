/**
 * The model exchanges of a DGM run, as stored in `dgm_llm_calls`: how each is tagged with the
 * agent it was made for, which of them a replay may serve, and which a resumed replay has served.
 *
 * Every exchange carries, in its `proposal` field, `<agent id>/<session>`: the agent in progress
 * (`d1a2b3c4-3`) and the session of the run that made it (0 for the first, one more for each
 * resume). A child abandoned by a kill or Ctrl-C is made again, with the same id, by the next
 * session, and that session's exchanges are the ones that produced the stored child; the
 * abandoned session's exchanges still count as spent, but a replay does not serve them.
 */
import type { LlmExchange } from '../../core/model.ts';

const TAG = /^(.*)\/(\d+)$/;

/** The tag of an exchange made for agent `agentId` in session `session`. */
export function callTag(agentId: string, session: number): string {
  return `${agentId}/${session}`;
}

function parseTag(proposal: string | undefined): { agentId: string; session: number } | undefined {
  const match = proposal === undefined ? null : TAG.exec(proposal);
  return match ? { agentId: match[1] as string, session: Number(match[2]) } : undefined;
}

/** The session number a new session of a run gets: one more than any its exchanges carry. */
export function nextSession(calls: readonly LlmExchange[]): number {
  return calls.reduce((next, call) => Math.max(next, (parseTag(call.proposal)?.session ?? -1) + 1), 0);
}

/**
 * The exchanges that made the stored agents, in recorded order: for each stored agent, those of
 * the last session that worked on it. Exchanges of abandoned attempts are left out.
 */
export function committedCalls(calls: readonly LlmExchange[], agentIds: readonly string[]): LlmExchange[] {
  const stored = new Set(agentIds);
  const lastSession = new Map<string, number>();
  for (const call of calls) {
    const tag = parseTag(call.proposal);
    if (tag && stored.has(tag.agentId)) lastSession.set(tag.agentId, Math.max(lastSession.get(tag.agentId) ?? 0, tag.session));
  }
  return calls.filter((call) => {
    const tag = parseTag(call.proposal);
    return tag !== undefined && lastSession.get(tag.agentId) === tag.session;
  });
}

/** Model ids in order: `first`, then every other model the exchanges name, in order of first use. */
export function modelIdsOf(first: string, calls: readonly LlmExchange[]): string[] {
  return [...new Set([first, ...calls.map((call) => call.model)])];
}
