import { describe, expect, it } from 'vitest';
import { edgeKey, layoutLayers, spread, type LayoutNode } from './lineage-layout.ts';

const node = (id: string, rank: number, ...parentIds: string[]): LayoutNode => ({ id, rank, parentIds });

describe('layoutLayers', () => {
  it('puts each node one layer below its deepest parent', () => {
    const layout = layoutLayers([node('a', 0), node('b', 1, 'a'), node('c', 2, 'b'), node('d', 3, 'a', 'c')]);
    expect(['a', 'b', 'c', 'd'].map((id) => layout.nodes.get(id)?.layer)).toEqual([0, 1, 2, 3]);
    expect(layout.layers).toBe(4);
  });

  it('routes an edge that skips layers through one bend per layer, beside the nodes it passes', () => {
    const layout = layoutLayers([node('a', 0), node('b', 1, 'a'), node('c', 2, 'b'), node('d', 3, 'a', 'c')]);
    const bends = layout.bends.get(edgeKey('a', 'd')) ?? [];
    expect(bends.map((bend) => bend.layer)).toEqual([1, 2]);
    for (const bend of bends) {
      const beside = bend.layer === 1 ? layout.nodes.get('b') : layout.nodes.get('c');
      expect(Math.abs(bend.x - (beside?.x ?? 0))).toBeGreaterThanOrEqual(0.75);
    }
    expect(layout.bends.get(edgeKey('a', 'b'))).toEqual([]);
  });

  it('orders siblings under their parents so that a tree has no crossings', () => {
    // Two subtrees whose children were committed interleaved.
    const layout = layoutLayers([
      node('root', 0),
      node('left', 1, 'root'),
      node('right', 2, 'root'),
      node('r1', 3, 'right'),
      node('l1', 4, 'left'),
      node('r2', 5, 'right'),
      node('l2', 6, 'left'),
    ]);
    const x = (id: string) => layout.nodes.get(id)?.x ?? Number.NaN;
    const leftmostChildOfRight = Math.min(x('r1'), x('r2'));
    const rightmostChildOfLeft = Math.max(x('l1'), x('l2'));
    expect(x('left') < x('right') ? rightmostChildOfLeft < leftmostChildOfRight : leftmostChildOfRight > rightmostChildOfLeft).toBe(true);
    for (const layer of [1, 2]) {
      const xs = [...layout.nodes.values()]
        .filter((placed) => placed.layer === layer)
        .map((placed) => placed.x)
        .sort((a, b) => a - b);
      for (let index = 1; index < xs.length; index++)
        expect((xs[index] as number) - (xs[index - 1] as number)).toBeGreaterThanOrEqual(1 - 1e-9);
    }
    expect(Math.min(...[...layout.nodes.values()].map((placed) => placed.x))).toBe(0);
  });

  it('centres a parent over its children', () => {
    const layout = layoutLayers([node('p', 0), node('a', 1, 'p'), node('b', 2, 'p'), node('c', 3, 'p')]);
    expect(layout.nodes.get('p')?.x).toBeCloseTo(layout.nodes.get('b')?.x ?? Number.NaN);
    expect(layout.width).toBeCloseTo(3);
  });

  it('ignores parents that are missing or ranked after their child', () => {
    const layout = layoutLayers([node('a', 5, 'b'), node('b', 6, 'a'), node('c', 7, 'gone')]);
    expect(layout.nodes.get('a')?.layer).toBe(0);
    expect(layout.nodes.get('b')?.layer).toBe(1);
    expect(layout.nodes.get('c')?.layer).toBe(0);
  });

  it('lays out a chain of 20,000 nodes without deep recursion', () => {
    const nodes = Array.from({ length: 20_000 }, (_, index) => node(`n${index}`, index, ...(index > 0 ? [`n${index - 1}`] : [])));
    expect(layoutLayers(nodes).layers).toBe(20_000);
  });
});

describe('spread', () => {
  it('keeps wanted positions that do not overlap', () => {
    expect(spread([0, 2, 5])).toEqual([0, 2, 5]);
  });

  it('pushes overlapping positions apart by the mean of their widths and recentres them', () => {
    expect(spread([1, 1])).toEqual([0.5, 1.5]);
    expect(spread([0, 0], [1, 0.5])).toEqual([-0.375, 0.375]);
  });
});
