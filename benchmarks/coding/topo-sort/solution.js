export function topoSort(graph) {
  return Object.keys(graph);
}
