import type { Core } from 'cytoscape';
import type { CandidateEvent } from '../../../api-types.ts';
import { api, subscribe } from '../api.ts';
import { BEST_COLOR, STATUS_COLORS, SCORE_GRADIENT } from '../colors.ts';
import { clear, h } from '../dom.ts';
import { formatCount } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { candidatePanel } from './candidate-panel.ts';
import { createGraph, runLayout, ScoreColors } from './lineage-graph.ts';
import { followLive } from './lineage-live.ts';
import { findRun, headerRefresher, runHeader } from './run-header.ts';

const DEFAULT_TOP = 20;

/** `#/run/<id>/lineage?top=K`: the ancestry of the top K candidates, laid out top-down. */
export async function showLineage(context: ViewContext, runId: string): Promise<void> {
  const top = Math.max(1, Math.min(100_000, Number(context.query.get('top')) || DEFAULT_TOP));
  // Events wait inside the subscription until the graph exists and `ready()` is called.
  let onEvent: (event: CandidateEvent) => void = () => {};
  const live = subscribe(runId, (event) => onEvent(event));
  context.onLeave(() => live.close());
  const [runs, lineage] = await Promise.all([api.runs(), api.lineage(runId, top)]);
  if (!context.current()) return;
  clear(context.root);
  const run = findRun(runs, runId);
  document.title = `Lineage · ${runId} · Ouroboros`;

  const graphElement = h('div', { class: 'graph', id: 'lineage-graph' });
  const panel = h(
    'aside',
    { class: 'side-panel card', id: 'lineage-panel' },
    h('p', { class: 'empty' }, 'Click a node to see its candidate.'),
  );
  const hidden = h('span', { class: 'muted live-note' });
  const topInput = h('input', { type: 'number', min: 1, max: 100000, value: top, id: 'lineage-top', 'aria-label': 'top K' });
  const apply = () => {
    location.hash = `#/run/${encodeURIComponent(runId)}/lineage?top=${Math.max(1, Number(topInput.value) || DEFAULT_TOP)}`;
  };
  topInput.addEventListener('change', apply);
  const fitButton = h('button', { type: 'button', class: 'button' }, 'Fit');
  const header = run ? runHeader(run, 'lineage') : undefined;
  context.root.append(
    header?.element ?? h('header', { class: 'page-header' }, h('h1', {}, `Lineage of ${runId}`)),
    h(
      'div',
      { class: 'toolbar card' },
      h('label', { class: 'control' }, 'Ancestors of the top ', topInput),
      fitButton,
      h('span', { class: 'muted' }, `${lineage.selection} · ${formatCount(lineage.nodes.length)} shown`),
      hidden,
      legend(),
    ),
    h('div', { class: 'lineage-layout' }, graphElement, panel),
  );

  const colors = new ScoreColors(lineage.nodes.flatMap((node) => (node.status === 'ok' && node.score !== null ? [node.score] : [])));
  const cy = createGraph(graphElement, lineage, colors);
  window.ouro.cy = cy;
  context.onLeave(() => cy.destroy());
  await runLayout(cy, true);
  if (!context.current()) return;
  fitButton.addEventListener('click', () => {
    cy.fit(undefined, 24);
    cy.emit('fit-requested');
  });

  const show = candidatePanel(panel, context);
  cy.on('tap', 'node', (event) => {
    cy.elements().unselect();
    event.target.select();
    void show(event.target.id());
  });
  const best = lineage.bestPath[lineage.bestPath.length - 1];
  if (best) {
    cy.getElementById(best).select();
    void show(best);
  }
  const refreshHeader = header ? headerRefresher(runId, header.update, context.current) : () => {};
  const grow = followLive(cy, lineage, context, colors, hidden);
  if (best) focusWhenTiny(cy, best);
  onEvent = (event) => {
    refreshHeader();
    grow(event);
  };
  live.ready();
  markReady('lineage');
}

/** Zoom at which node labels stay readable. */
const READABLE_ZOOM = 0.6;

/**
 * A deep lineage (hundreds of generations) fitted whole is a hairline. Then the view opens on the
 * best candidate at a readable zoom instead; the Fit button still shows the whole tree.
 */
function focusWhenTiny(cy: Core, best: string): void {
  if (cy.zoom() >= READABLE_ZOOM) return;
  const node = cy.getElementById(best);
  cy.zoom({ level: READABLE_ZOOM, position: node.position() });
  cy.center(node);
  // Counts as the user's own framing: live updates stop re-fitting the whole tree.
  cy.emit('focused');
}

function legend(): HTMLElement {
  const swatch = (color: string, label: string, shape = 'dot') =>
    h('span', { class: 'legend-item' }, h('span', { class: `swatch ${shape}`, style: `background:${color}` }), label);
  return h(
    'span',
    { class: 'legend' },
    h(
      'span',
      { class: 'legend-item' },
      'score ',
      h('span', { class: 'gradient', style: `background:linear-gradient(90deg,${SCORE_GRADIENT.join(',')})` }),
      ' best',
    ),
    swatch(STATUS_COLORS.invalid as string, 'invalid', 'triangle'),
    swatch(STATUS_COLORS.error as string, 'error', 'triangle'),
    swatch(STATUS_COLORS.timeout as string, 'timeout', 'triangle'),
    h('span', { class: 'legend-item' }, h('span', { class: 'path-swatch', style: `background:${BEST_COLOR}` }), 'path to the best'),
  );
}
