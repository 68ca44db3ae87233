function buildGraph(edges) {
  const graph = new Map();
  for (const [a, b, weight] of edges) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`bad weight ${weight} on ${a} -> ${b}`);
    if (!graph.has(a)) graph.set(a, []);
    graph.get(a).push([b, weight]);
  }
  return graph;
}

function compareKeys(x, y) {
  if (x.distance !== y.distance) return x.distance - y.distance;
  const length = Math.min(x.path.length, y.path.length);
  for (let i = 0; i < length; i++) if (x.path[i] !== y.path[i]) return x.path[i] < y.path[i] ? -1 : 1;
  return x.path.length - y.path.length;
}

class Queue {
  items = [];
  push(item) {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (compareKeys(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        let best = i;
        for (const c of [2 * i + 1, 2 * i + 2]) if (c < items.length && compareKeys(items[c], items[best]) < 0) best = c;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

function search(edges, from) {
  const graph = buildGraph(edges);
  const best = new Map();
  const queue = new Queue();
  queue.push({ distance: 0, path: [from], node: from });
  while (queue.items.length > 0) {
    const entry = queue.pop();
    if (best.has(entry.node)) continue;
    best.set(entry.node, entry);
    for (const [next, weight] of graph.get(entry.node) ?? []) {
      if (!best.has(next)) queue.push({ distance: entry.distance + weight, path: [...entry.path, next], node: next });
    }
  }
  return best;
}

export function shortestPath(edges, from, to) {
  const entry = search(edges, from).get(to);
  return entry === undefined ? null : { distance: entry.distance, path: entry.path };
}

export function distancesFrom(edges, from) {
  return new Map([...search(edges, from)].map(([node, entry]) => [node, entry.distance]));
}
