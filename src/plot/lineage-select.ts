import type { PlotCandidate } from './plot.ts';

export interface LineageEdge {
  from: string;
  to: string;
  /** Ancestors with one parent and one child folded into this edge. */
  hidden: number;
  /** Part of the path from the root to the best candidate. */
  onPath: boolean;
}

export interface Lineage {
  /** The candidates drawn, in commit order. */
  nodes: PlotCandidate[];
  edges: LineageEdge[];
  /** The top candidates by score, best first. */
  top: PlotCandidate[];
  best: PlotCandidate;
  /** Ids on the first-parent path from the root to the best candidate. */
  path: Set<string>;
  /** Every ancestor of the top candidates (and they themselves), before folding. */
  total: number;
}

/** Best first; ties as `ouro best` breaks them, by candidate id. */
function byScore(a: PlotCandidate, b: PlotCandidate): number {
  return (b.score ?? -Infinity) - (a.score ?? -Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The `topK` ok candidates and all their ancestors. Above `foldAbove` nodes, chains of ancestors
 * that have one parent and one child among them become single edges that count what they hide,
 * so a 100,000-candidate run with deep lineages still draws as a readable tree of branch points.
 */
export function selectLineage(candidates: readonly PlotCandidate[], topK: number, foldAbove: number): Lineage | undefined {
  const top = candidates
    .filter((candidate) => candidate.score !== undefined)
    .sort(byScore)
    .slice(0, topK);
  const best = top[0];
  if (!best) return undefined;
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));

  const chosen = new Map<string, PlotCandidate>();
  const queue = [...top];
  while (queue.length > 0) {
    const candidate = queue.pop() as PlotCandidate;
    if (chosen.has(candidate.id)) continue;
    chosen.set(candidate.id, candidate);
    for (const parentId of candidate.parentIds) {
      const parent = byId.get(parentId);
      if (parent && !chosen.has(parentId)) queue.push(parent);
    }
  }

  const path = new Set<string>();
  for (let step: PlotCandidate | undefined = best; step && !path.has(step.id); step = byId.get(step.parentIds[0] ?? '')) path.add(step.id);

  const parentsOf = (candidate: PlotCandidate) => candidate.parentIds.filter((id) => chosen.has(id));
  const childCount = new Map<string, number>();
  for (const candidate of chosen.values())
    for (const parentId of parentsOf(candidate)) childCount.set(parentId, (childCount.get(parentId) ?? 0) + 1);
  const topIds = new Set(top.map((candidate) => candidate.id));
  const fold = chosen.size > foldAbove;
  const kept = (candidate: PlotCandidate) =>
    !fold || topIds.has(candidate.id) || parentsOf(candidate).length !== 1 || childCount.get(candidate.id) !== 1;

  const nodes = [...chosen.values()].filter(kept).sort((a, b) => a.seq - b.seq);
  const edges: LineageEdge[] = [];
  for (const node of nodes) {
    for (const parentId of parentsOf(node)) {
      let from = chosen.get(parentId) as PlotCandidate;
      let hidden = 0;
      while (!kept(from)) {
        hidden++;
        from = chosen.get(parentsOf(from)[0] as string) as PlotCandidate;
      }
      edges.push({ from: from.id, to: node.id, hidden, onPath: path.has(node.id) && path.has(parentId) && node.parentIds[0] === parentId });
    }
  }
  return { nodes, edges, top, best, path, total: chosen.size };
}
