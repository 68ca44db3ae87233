/** A node of a directed acyclic graph to lay out: its parents are other nodes' ids. */
export interface LayoutNode {
  id: string;
  parentIds: readonly string[];
  /** Initial order within a layer (commit order). Parents rank before their children. */
  rank: number;
}

/** A position: `layer` counts down from the roots, `x` is in units of one node spacing. */
export interface Placement {
  layer: number;
  x: number;
}

export interface Layout {
  nodes: Map<string, Placement>;
  /** For each edge (keyed `parent>child`), the bends it passes through between the two nodes. */
  bends: Map<string, Placement[]>;
  layers: number;
  /** Horizontal extent, in node spacings (from 0 to `width - 1`). */
  width: number;
}

const SWEEPS = 8;
/** An edge's bend takes half a node's width. */
const BEND_WIDTH = 0.5;

export function edgeKey(parent: string, child: string): string {
  return `${parent}>${child}`;
}

/**
 * A layered top-down layout (after Sugiyama): each node one layer below its deepest parent; an
 * edge that spans several layers gets a bend in each, so that it is routed around the nodes in
 * between instead of through them; nodes and bends are ordered within layers by the barycentre
 * of their neighbours (which removes most crossings in trees), then pulled towards their
 * parents' mean position without overlapping. Parents missing from `nodes`, or ranked after their
 * child, are ignored.
 */
export function layoutLayers(nodes: readonly LayoutNode[]): Layout {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  // A parent ranked after its child would be a cycle; lineage never has one, but a bad row must not hang the layout.
  const realParents = new Map(nodes.map((node) => [node.id, node.parentIds.filter((id) => (byId.get(id)?.rank ?? Infinity) < node.rank)]));
  const layerOf = new Map<string, number>();
  const sorted = [...nodes].sort((a, b) => a.rank - b.rank);
  for (const node of sorted)
    layerOf.set(node.id, Math.max(0, ...(realParents.get(node.id) ?? []).map((parent) => (layerOf.get(parent) ?? -1) + 1)));

  // The graph that is ordered and placed: real nodes plus one bend per layer an edge crosses.
  const parents = new Map<string, string[]>();
  const width = new Map<string, number>();
  const rank = new Map<string, number>();
  const bendIds = new Map<string, string[]>();
  for (const node of sorted) {
    width.set(node.id, 1);
    rank.set(node.id, node.rank);
    parents.set(
      node.id,
      (realParents.get(node.id) ?? []).map((parent) => {
        let above = parent;
        const ids: string[] = [];
        for (let layer = (layerOf.get(parent) ?? 0) + 1; layer < (layerOf.get(node.id) ?? 0); layer++) {
          const id = `\u0000${edgeKey(parent, node.id)}#${layer}`;
          layerOf.set(id, layer);
          parents.set(id, [above]);
          width.set(id, BEND_WIDTH);
          rank.set(id, node.rank);
          ids.push(id);
          above = id;
        }
        bendIds.set(edgeKey(parent, node.id), ids);
        return above;
      }),
    );
  }
  const children = new Map<string, string[]>([...parents.keys()].map((id) => [id, []]));
  for (const [id, ids] of parents) for (const parent of ids) children.get(parent)?.push(id);

  const layers: string[][] = [];
  for (const id of [...parents.keys()].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)))
    (layers[layerOf.get(id) ?? 0] ??= []).push(id);
  for (let index = 0; index < layers.length; index++) layers[index] ??= [];

  const position = new Map<string, number>();
  const renumber = (layer: string[]) => layer.forEach((id, index) => position.set(id, index));
  layers.forEach(renumber);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    const neighbours = downward ? parents : children;
    for (const layer of downward ? layers.slice(1) : layers.slice(0, -1).reverse()) {
      const centre = new Map(layer.map((id) => [id, barycentre(neighbours.get(id) ?? [], position) ?? position.get(id) ?? 0]));
      layer.sort((a, b) => (centre.get(a) ?? 0) - (centre.get(b) ?? 0) || (position.get(a) ?? 0) - (position.get(b) ?? 0));
      renumber(layer);
    }
  }

  const x = new Map<string, number>();
  for (const layer of layers)
    spread(
      layer.map((_, index) => index),
      layer.map((id) => width.get(id) ?? 1),
    ).forEach((value, index) => x.set(layer[index] as string, value));
  for (let pass = 0; pass < 4; pass++) {
    const downward = pass % 2 === 0;
    const neighbours = downward ? parents : children;
    for (const layer of downward ? layers.slice(1) : layers.slice(0, -1).reverse()) {
      const wanted = layer.map((id) => barycentre(neighbours.get(id) ?? [], x) ?? x.get(id) ?? 0);
      spread(
        wanted,
        layer.map((id) => width.get(id) ?? 1),
      ).forEach((value, index) => x.set(layer[index] as string, value));
    }
  }

  let left = Infinity;
  for (const value of x.values()) left = Math.min(left, value);
  const place = (id: string): Placement => ({ layer: layerOf.get(id) ?? 0, x: (x.get(id) ?? 0) - left });
  const placed = new Map(nodes.map((node) => [node.id, place(node.id)]));
  const bends = new Map([...bendIds].map(([key, ids]) => [key, ids.map(place)]));
  let right = 0;
  for (const value of x.values()) right = Math.max(right, value - left);
  return { nodes: placed, bends, layers: layers.length, width: right + 1 };
}

function barycentre(ids: readonly string[], position: Map<string, number>): number | undefined {
  const values = ids.map((id) => position.get(id)).filter((value) => value !== undefined);
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Positions as close to `wanted` as possible, in the same order, neighbours at least the mean of
 * their widths apart: place left to right, then shift the whole row so that it is centred on
 * what was wanted.
 */
export function spread(wanted: readonly number[], widths: readonly number[] = []): number[] {
  const placed: number[] = [];
  wanted.forEach((value, index) => {
    const previous = placed.at(-1);
    const gap = ((widths[index - 1] ?? 1) + (widths[index] ?? 1)) / 2;
    placed.push(previous === undefined ? value : Math.max(value, previous + gap));
  });
  const shift = wanted.reduce((sum, value, index) => sum + value - (placed[index] as number), 0) / Math.max(1, wanted.length);
  return placed.map((value) => value + shift);
}
