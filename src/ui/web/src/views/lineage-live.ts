import type { Core } from 'cytoscape';
import type { CandidateEvent, Lineage } from '../../../api-types.ts';
import { formatCount } from '../format.ts';
import type { ViewContext } from '../view.ts';
import { addLiveCandidate, runLayout, type ScoreColors } from './lineage-graph.ts';

const RELAYOUT_MS = 800;
/** How long a live candidate keeps its ring. */
const NEW_FOR_MS = 15_000;

/**
 * Grows the shown lineage as candidates are committed: each joins under its shown parents, a new
 * best takes over the highlighted path, and the layout reruns at most every RELAYOUT_MS. The view
 * keeps fitting the graph until the user pans or zooms it.
 */
export function followLive(
  cy: Core,
  lineage: Lineage,
  context: ViewContext,
  colors: ScoreColors,
  note: HTMLElement,
): (event: CandidateEvent) => void {
  const firstParent = new Map<string, string>();
  for (const edge of lineage.edges) if (!firstParent.has(edge.target)) firstParent.set(edge.target, edge.source);
  lineage.bestPath.forEach((id, index) => {
    if (index > 0) firstParent.set(id, lineage.bestPath[index - 1] as string);
  });
  let best = lineage.nodes.reduce(
    (most, node) => (node.status === 'ok' && node.score !== null ? Math.max(most, node.score) : most),
    -Infinity,
  );
  let moved = false;
  cy.on('dragpan scrollzoom pinchzoom focused', () => {
    moved = true;
  });
  cy.on('fit-requested', () => {
    moved = false;
  });
  let outside = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  context.onLeave(() => clearTimeout(timer));
  return (event) => {
    if (!context.current()) return;
    window.ouro.liveEvents++;
    if (!addLiveCandidate(cy, event, colors)) {
      outside++;
      note.textContent =
        `${formatCount(outside)} ` +
        `new candidate${outside === 1 ? '' : 's'} ` +
        'outside this view: ' +
        'raise the top K to include them.';
      return;
    }
    setTimeout(() => cy.getElementById(event.id).removeClass('new'), NEW_FOR_MS);
    const parent = event.parents.find((id) => cy.getElementById(id).nonempty());
    if (parent) firstParent.set(event.id, parent);
    if (event.status === 'ok' && event.score !== null && event.score > best) {
      best = event.score;
      highlightBestPath(cy, event.id, firstParent);
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      if (context.current()) void runLayout(cy, !moved);
    }, RELAYOUT_MS);
  };
}

/** Marks the chain from the root to `bestId`, through each node's first shown parent. */
function highlightBestPath(cy: Core, bestId: string, firstParent: Map<string, string>): void {
  cy.elements('.best').removeClass('best');
  cy.nodes('.top').removeClass('top');
  cy.getElementById(bestId).addClass('best top');
  const visited = new Set([bestId]);
  for (
    let current = bestId, parent = firstParent.get(current);
    parent && !visited.has(parent);
    current = parent, parent = firstParent.get(current)
  ) {
    visited.add(parent);
    cy.getElementById(parent).addClass('best');
    cy.getElementById(`${parent}->${current}`).addClass('best');
  }
}
