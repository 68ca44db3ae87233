import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { CandidateEvent, Lineage } from '../../../api-types.ts';
import { BEST_COLOR, gradientColor, statusColor } from '../colors.ts';

cytoscape.use(dagre);

type Node = Pick<Lineage['nodes'][number], 'id' | 'seq' | 'score' | 'status'>;

/**
 * Colours ok nodes by their score's rank among the shown ones, so a few outliers do not wash the
 * rest into one colour; failed nodes take their status colour.
 */
export class ScoreColors {
  private readonly sorted: number[];

  constructor(scores: number[]) {
    this.sorted = scores.filter(Number.isFinite).sort((a, b) => a - b);
  }

  color(node: Pick<Node, 'score' | 'status'>): string {
    if (node.status !== 'ok' || node.score === null) return statusColor(node.status);
    if (this.sorted.length < 2) return gradientColor(1);
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.sorted[middle] as number) < node.score) low = middle + 1;
      else high = middle;
    }
    return gradientColor(low / (this.sorted.length - 1));
  }
}

export function nodeElement(node: Node, colors: ScoreColors, classes: string[]): ElementDefinition {
  return {
    group: 'nodes',
    data: { id: node.id, label: `#${node.seq}`, color: colors.color(node) },
    classes: [node.status === 'ok' ? 'ok' : 'failed', ...classes],
  };
}

export function edgeElement(source: string, target: string, best: boolean): ElementDefinition {
  return { group: 'edges', data: { id: `${source}->${target}`, source, target }, classes: best ? ['best'] : [] };
}

export function createGraph(container: HTMLElement, lineage: Lineage, colors: ScoreColors): Core {
  const onPath = new Set(lineage.bestPath);
  const bestId = lineage.bestPath[lineage.bestPath.length - 1];
  const elements: ElementDefinition[] = [
    ...lineage.nodes.map((node) =>
      nodeElement(node, colors, [...(onPath.has(node.id) || node.onBestPath ? ['best'] : []), ...(node.id === bestId ? ['top'] : [])]),
    ),
    ...lineage.edges.map((edge) => edgeElement(edge.source, edge.target, onPath.has(edge.source) && onPath.has(edge.target))),
  ];
  const large = lineage.nodes.length > 1500;
  return cytoscape({
    container,
    elements,
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    style: [
      {
        selector: 'node',
        style: {
          width: 16,
          height: 16,
          'background-color': 'data(color)',
          'border-width': 1.5,
          'border-color': '#ffffff',
          label: 'data(label)',
          'font-size': 8,
          color: '#495057',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'min-zoomed-font-size': 7,
        },
      },
      { selector: 'node.failed', style: { shape: 'round-triangle' } },
      { selector: 'node.best', style: { 'border-color': BEST_COLOR, 'border-width': 2.5 } },
      { selector: 'node.top', style: { width: 26, height: 26, 'border-width': 3.5, 'font-weight': 'bold', color: BEST_COLOR } },
      { selector: 'node.new', style: { 'border-color': '#e8590c', 'border-width': 3 } },
      { selector: 'node:selected', style: { 'overlay-color': '#e8590c', 'overlay-opacity': 0.25, 'overlay-padding': 5 } },
      {
        selector: 'edge',
        style: {
          width: 1.2,
          'line-color': '#ced4da',
          'curve-style': 'bezier',
          'target-arrow-shape': 'triangle',
          'target-arrow-color': '#ced4da',
          'arrow-scale': 0.7,
        },
      },
      { selector: 'edge.best', style: { width: 3, 'line-color': BEST_COLOR, 'target-arrow-color': BEST_COLOR, 'z-index': 10 } },
    ],
  });
}

export function runLayout(cy: Core, fit: boolean): Promise<void> {
  return new Promise((resolve) => {
    const layout = cy.layout({
      name: 'dagre',
      rankDir: 'TB',
      nodeSep: 14,
      rankSep: 44,
      edgeSep: 6,
      animate: false,
      fit,
      padding: 24,
    } as cytoscape.LayoutOptions);
    layout.one('layoutstop', () => resolve());
    layout.run();
  });
}

/** Adds a live candidate under whichever of its parents are shown; false when none is. */
export function addLiveCandidate(cy: Core, event: CandidateEvent, colors: ScoreColors): boolean {
  if (cy.getElementById(event.id).nonempty()) return true;
  const parents = event.parents.filter((parent) => cy.getElementById(parent).nonempty());
  if (!parents.length) return false;
  cy.add([nodeElement(event, colors, ['new']), ...parents.map((parent) => edgeElement(parent, event.id, false))]);
  return true;
}
