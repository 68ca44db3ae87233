import { edgeKey, layoutLayers, type Layout } from './lineage-layout.ts';
import { selectLineage, type Lineage } from './lineage-select.ts';
import type { Plot, PlotContext, PlotOutput } from './plot.ts';
import { colorBar, element, svgDocument, text, textColorOn, titleBlock } from './svg.ts';
import { HIGHLIGHT, MUTED, TEXT, formatNumber, scoreColor } from './theme.ts';

/** How many of the best candidates the tree is grown from. */
export const TOP_K = 20;
/** Above this many candidates, single-child chains of ancestors fold into edges. */
export const FOLD_ABOVE = 60;

const MARGIN = { left: 48, right: 270, top: 100, bottom: 104 };
const MAX_WIDTH = 1800;
const MAX_TREE_HEIGHT = 1900;
const FAILED_NODE = '#bdbdbd';
const EDGE = '#a8a8a8';

/** The ancestry of the top candidates, top-down, coloured by score, root-to-best path highlighted. */
export const lineagePlot: Plot = {
  name: 'lineage',
  description: `ancestry tree of the top ${TOP_K} candidates`,
  render: renderLineage,
};

function renderLineage(context: PlotContext): PlotOutput {
  const lineage = selectLineage(context.candidates(), TOP_K, FOLD_ABOVE);
  if (!lineage) return { skipped: 'the run has no ok evaluation yet' };
  const drawnParents = new Map<string, string[]>();
  for (const edge of lineage.edges) drawnParents.set(edge.to, [...(drawnParents.get(edge.to) ?? []), edge.from]);
  const layout = layoutLayers(lineage.nodes.map((node) => ({ id: node.id, parentIds: drawnParents.get(node.id) ?? [], rank: node.seq })));
  const xStep = Math.max(28, Math.min(48, (MAX_WIDTH - MARGIN.left - MARGIN.right) / Math.max(1, layout.width)));
  const yStep = Math.max(36, Math.min(60, MAX_TREE_HEIGHT / Math.max(1, layout.layers - 1)));
  const longestLabel = Math.max(...lineage.nodes.map((node) => String(node.seq).length));
  const radius = Math.min(longestLabel >= 5 ? 15 : 13, xStep / 2 - 3, yStep / 2 - 5);
  const treeWidth = (layout.width - 1) * xStep;
  const width = Math.max(760, MARGIN.left + treeWidth + MARGIN.right);
  const height = MARGIN.top + (layout.layers - 1) * yStep + MARGIN.bottom;
  // A narrow tree sits in the middle of the figure, not against its left edge.
  const offset = MARGIN.left + Math.max(0, (width - MARGIN.left - MARGIN.right - treeWidth) / 2);
  const position = (id: string) => {
    const placed = layout.nodes.get(id);
    return { x: offset + (placed?.x ?? 0) * xStep, y: MARGIN.top + (placed?.layer ?? 0) * yStep };
  };

  const scores = lineage.nodes.flatMap((node) => (node.score === undefined ? [] : [node.score]));
  const low = Math.min(...scores);
  const high = Math.max(...scores);
  const topIds = new Set(lineage.top.map((node) => node.id));

  const edges = [...lineage.edges]
    .sort((a, b) => Number(a.onPath) - Number(b.onPath))
    .flatMap((edge) => {
      const from = position(edge.from);
      const to = position(edge.to);
      const bends = (layout.bends.get(edgeKey(edge.from, edge.to)) ?? []).map((bend) => ({
        x: offset + bend.x * xStep,
        y: MARGIN.top + bend.layer * yStep,
      }));
      const points = [{ x: from.x, y: from.y + radius }, ...bends, { x: to.x, y: to.y - radius }];
      const curve = element('path', {
        d: smoothPath(points),
        fill: 'none',
        stroke: edge.onPath ? HIGHLIGHT : EDGE,
        'stroke-width': edge.onPath ? 3 : 1.3,
      });
      if (edge.hidden === 0) return [curve];
      // Beside the edge's last stretch, just above the child, where no other node sits; on the
      // outer side of an edge that arrives from the left, so two edges into one child keep apart.
      const last = bends.at(-1) ?? from;
      const fromLeft = last.x < to.x - 1;
      const label = text((last.x + to.x) / 2 + (fromLeft ? -5 : 5), to.y - yStep / 2 + 4, `+${edge.hidden}`, {
        'font-size': 10,
        fill: edge.onPath ? HIGHLIGHT : MUTED,
        stroke: '#ffffff',
        'stroke-width': 3,
        'paint-order': 'stroke',
        'text-anchor': fromLeft ? 'end' : 'start',
      });
      return [curve, label];
    });

  const nodes = lineage.nodes.flatMap((node) => {
    const { x, y } = position(node.id);
    const fill = node.score === undefined ? FAILED_NODE : scoreColor(node.score, low, high);
    const onPath = lineage.path.has(node.id);
    const label = String(node.seq);
    const fontSize = Math.min(10, (2 * radius - 4) / (label.length * 0.62));
    return [
      element(
        'circle',
        {
          cx: x,
          cy: y,
          r: radius,
          fill,
          stroke: onPath ? HIGHLIGHT : topIds.has(node.id) ? TEXT : '#ffffff',
          'stroke-width': onPath ? 2.5 : topIds.has(node.id) ? 1.5 : 1,
          'data-id': node.id,
        },
        element('title', {}, `${node.id}: ${node.score === undefined ? node.status : formatNumber(node.score)}`),
      ),
      ...(radius >= 9
        ? [text(x, y + fontSize * 0.36, label, { 'font-size': fontSize, fill: textColorOn(fill), 'text-anchor': 'middle' })]
        : []),
    ];
  });

  const bestLabel = labelBest(lineage, position, radius, layout.nodes, width);

  const folded = lineage.edges.reduce((sum, edge) => sum + edge.hidden, 0);
  const subtitle = [
    `${context.run.experiment} · run ${context.run.id}`,
    `top ${lineage.top.length} by score and their ${lineage.total - lineage.top.length} ancestors`,
    ...(folded > 0 ? [`${folded} single-child ancestors folded into edges (+n)`] : []),
  ].join(' · ');
  return {
    svg: svgDocument(width, height, [
      ...titleBlock('Lineage of the best candidates', subtitle),
      ...edges,
      ...nodes,
      bestLabel,
      ...legend(height - 56, lineage),
      ...colorBar(width - 236, height - 56, 200, low, high, 'score'),
    ]),
  };
}

/**
 * The best candidate's id and score beside it: to the right, or to the left when a sibling sits
 * there, or below it when both sides are taken.
 */
function labelBest(
  lineage: Lineage,
  position: (id: string) => { x: number; y: number },
  radius: number,
  placed: Layout['nodes'],
  width: number,
): string {
  const best = position(lineage.best.id);
  const label = `best: ${lineage.best.id} (${formatNumber(lineage.best.score ?? Number.NaN)})`;
  const reach = radius + 8 + label.length * 7.5;
  const layer = placed.get(lineage.best.id)?.layer;
  const neighbours = lineage.nodes
    .filter((node) => node.id !== lineage.best.id && placed.get(node.id)?.layer === layer)
    .map((node) => position(node.id).x - best.x);
  const rightFree = best.x + reach < width - 4 && neighbours.every((offset) => offset <= 0 || offset - radius > reach);
  const leftFree = best.x - reach > 4 && neighbours.every((offset) => offset >= 0 || -offset - radius > reach);
  const half = reach / 2;
  const [x, y, anchor] = rightFree
    ? [best.x + radius + 8, best.y + 4, 'start']
    : leftFree
      ? [best.x - radius - 8, best.y + 4, 'end']
      : [Math.min(width - half, Math.max(half, best.x)), best.y + radius + 16, 'middle'];
  return text(x, y, label, {
    'font-size': 12,
    'font-weight': 'bold',
    fill: HIGHLIGHT,
    stroke: '#ffffff',
    'stroke-width': 3,
    'paint-order': 'stroke',
    'text-anchor': anchor,
  });
}

function legend(y: number, lineage: Lineage): string[] {
  const items = [
    {
      mark: element('line', { x1: 0, y1: 0, x2: 22, y2: 0, stroke: HIGHLIGHT, 'stroke-width': 3 }),
      label: 'path from the root to the best (first parents)',
    },
    {
      mark: element('circle', { cx: 11, cy: 0, r: 6, fill: '#ffffff', stroke: TEXT, 'stroke-width': 1.5 }),
      label: `top ${lineage.top.length} by score; numbers are commit order`,
    },
  ];
  return items.map((item, index) =>
    element('g', { transform: `translate(16 ${y + index * 20})` }, item.mark + text(30, 4, item.label, { 'font-size': 11, fill: MUTED })),
  );
}

/** Through each point, leaving and entering vertically, as top-down trees are drawn. */
function smoothPath(points: ReadonlyArray<{ x: number; y: number }>): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${r(first.x)} ${r(first.y)}`;
  let previous = first;
  for (const point of rest) {
    const middle = (previous.y + point.y) / 2;
    d += `C${r(previous.x)} ${r(middle)} ${r(point.x)} ${r(middle)} ${r(point.x)} ${r(point.y)}`;
    previous = point;
  }
  return d;
}

function r(value: number): number {
  return Math.round(value * 100) / 100;
}
