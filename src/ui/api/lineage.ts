import type { Lineage } from '../api-types.ts';
import type { DashboardQueries, LineageRow } from '../../store/queries.ts';

/**
 * GET /api/runs/:run/lineage: the ancestors of the top `top` ok candidates, plus the root, and the
 * path from the root to the best along first parents (the parent each diff is taken against).
 * Filtering to the top's ancestry keeps a run of 100,000 candidates to a tree a browser can lay out.
 */
export function runLineage(queries: DashboardQueries, runId: string, top: number): Lineage {
  return queries.snapshot(() => {
    const total = queries.candidateCount(runId);
    const leaders = queries.top(runId, top);
    const nodes = new Map<string, LineageRow>();
    const pending = [...leaders, `${runId}-0`];
    while (pending.length > 0) {
      const id = pending.pop() as string;
      if (nodes.has(id)) continue;
      const row = queries.lineageRow(id);
      if (!row) continue;
      nodes.set(id, row);
      for (const parent of row.parentIds) if (!nodes.has(parent)) pending.push(parent);
    }
    const bestPath = pathToRoot(nodes, leaders[0]).reverse();
    const onPath = new Set(bestPath);
    const ordered = [...nodes.values()].sort((a, b) => a.seq - b.seq);
    return {
      nodes: ordered.map(({ parentIds: _parents, ...node }) => ({ ...node, onBestPath: onPath.has(node.id) })),
      edges: ordered.flatMap((node) =>
        node.parentIds.filter((parent) => nodes.has(parent)).map((parent) => ({ source: parent, target: node.id })),
      ),
      bestPath,
      selection: describeSelection(top, leaders.length, total),
      totalCandidates: total,
    };
  });
}

/** The best back to the root along first parents; empty when there is no best. */
function pathToRoot(nodes: ReadonlyMap<string, LineageRow>, best: string | undefined): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  for (let id = best; id !== undefined && !seen.has(id); id = nodes.get(id)?.parentIds[0]) {
    if (!nodes.has(id)) break;
    seen.add(id);
    path.push(id);
  }
  return path;
}

function describeSelection(top: number, found: number, total: number): string {
  const of = `${total.toLocaleString('en-US')} candidate${total === 1 ? '' : 's'}`;
  if (found < top) return `ancestors of all ${found.toLocaleString('en-US')} scored candidates of ${of}, plus the root`;
  return `ancestors of the top ${top.toLocaleString('en-US')} of ${of}, plus the root`;
}
