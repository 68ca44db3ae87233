export function spanningForest(nodeCount, edges) {
  return { weight: 0, edges: [] };
}

export function components(nodeCount, edges) {
  return Array.from({ length: nodeCount }, (_, i) => [i]);
}
