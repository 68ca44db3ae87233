function makeSets(count) {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (x) => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
  const union = (a, b) => { const ra = find(a); const rb = find(b); if (ra === rb) return false; parent[Math.max(ra, rb)] = Math.min(ra, rb); return true; };
  return { find, union };
}

function normalise(nodeCount, edges) {
  return edges.map(([a, b, weight]) => {
    for (const node of [a, b]) if (!Number.isInteger(node) || node < 0 || node >= nodeCount) throw new RangeError(`node ${node} is outside 0..${nodeCount - 1}`);
    return a < b ? [a, b, weight] : [b, a, weight];
  });
}

export function spanningForest(nodeCount, edges) {
  const sorted = normalise(nodeCount, edges).filter(([a, b]) => a !== b).sort((x, y) => x[2] - y[2] || x[0] - y[0] || x[1] - y[1]);
  const sets = makeSets(nodeCount);
  const chosen = sorted.filter(([a, b]) => sets.union(a, b));
  return { weight: chosen.reduce((sum, edge) => sum + edge[2], 0), edges: chosen };
}

export function components(nodeCount, edges) {
  const sets = makeSets(nodeCount);
  for (const [a, b] of normalise(nodeCount, edges)) sets.union(a, b);
  const groups = new Map();
  for (let node = 0; node < nodeCount; node++) {
    const root = sets.find(node);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root).push(node);
  }
  return [...groups.values()].sort((x, y) => x[0] - y[0]);
}
