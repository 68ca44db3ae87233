export function topoSort(graph) {
  const dependencies = new Map();
  for (const [node, needs] of Object.entries(graph)) {
    dependencies.set(node, new Set(needs));
    for (const need of needs) if (!dependencies.has(need) && !Object.hasOwn(graph, need)) dependencies.set(need, new Set());
  }
  const order = [];
  const done = new Set();
  while (order.length < dependencies.size) {
    const ready = [...dependencies].filter(([node, needs]) => !done.has(node) && [...needs].every((need) => done.has(need))).map(([node]) => node).sort();
    if (ready.length === 0) throw new Error(`cycle: ${findCycle(dependencies, done).join(' -> ')}`);
    done.add(ready[0]);
    order.push(ready[0]);
  }
  return order;
}

function findCycle(dependencies, done) {
  const start = [...dependencies.keys()].find((node) => !done.has(node));
  const path = [];
  const position = new Map();
  let node = start;
  while (!position.has(node)) {
    position.set(node, path.length);
    path.push(node);
    node = [...dependencies.get(node)].find((need) => !done.has(need));
  }
  return [...path.slice(position.get(node)), node];
}
