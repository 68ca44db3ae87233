import type { ParetoFront } from '../../../api-types.ts';
import { api, subscribe } from '../api.ts';
import { createChart, whenRendered } from '../charts.ts';
import { clear, empty, h, section, table } from '../dom.ts';
import { formatCount, formatScore } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { type FrontColouring, frontHeight, frontOption, rowLabel } from './front-chart.ts';
import { findRun, headerRefresher, runHeader } from './run-header.ts';

/** The shortest time between two refetches of a live run's front. */
const REFRESH_MS = 1500;

/**
 * `#/run/<id>/front`: the Pareto front over instances as a heat map (front members by instances,
 * colour by score, leaders dotted) and a table of its members; a row opens its candidate. While
 * the run goes, new commits refetch the front, at most every REFRESH_MS.
 */
export async function showFront(context: ViewContext, runId: string): Promise<void> {
  // Subscribed first, so a commit between the fetch and the first draw still triggers a refresh.
  let onCommit = () => {};
  const live = subscribe(runId, () => onCommit());
  context.onLeave(() => live.close());
  const [runs, first] = await Promise.all([api.runs(), api.front(runId)]);
  if (!context.current()) return;
  clear(context.root);
  document.title = `Pareto front · ${runId} · Ouroboros`;
  const run = findRun(runs, runId);
  const header = run ? runHeader(run, 'front') : undefined;
  const hint = h('div', { class: 'hint', id: 'front-hint' });
  const chartElement = h('div', { class: 'chart', id: 'front-chart', style: `height:${frontHeight(first)}px` });
  const members = h('div', { id: 'front-members' });
  const liveNote = h('span', { class: 'live-note muted' });
  const colouringInput = h(
    'select',
    { id: 'front-colouring', 'aria-label': 'colour cells by' },
    h('option', { value: 'score' }, 'score, one scale'),
    h('option', { value: 'instance' }, 'score within each instance'),
  );
  const colouringLabel = h('label', { class: 'muted' }, 'Colour by ', colouringInput);
  context.root.append(
    header?.element ?? h('header', { class: 'page-header' }, h('h1', {}, `Pareto front of ${runId}`)),
    section('Pareto front', hint, colouringLabel, chartElement, liveNote),
    section('Front members', members),
  );

  const { chart, dispose } = createChart(chartElement);
  context.onLeave(dispose);
  let front = first;
  const open = (row: number) => {
    const candidate = front.candidates[row];
    if (candidate) location.hash = `#/candidate/${encodeURIComponent(candidate.id)}`;
  };
  chart.on('click', (params) => {
    if (params.componentType === 'series') open((params.value as number[])[1] as number);
    else if (params.componentType === 'yAxis') open(front.candidates.findIndex((candidate) => rowLabel(candidate) === params.value));
  });

  const draw = (next: ParetoFront, firstDraw: boolean) => {
    front = next;
    hint.replaceChildren(...hintOf(next));
    members.replaceChildren(membersTable(next));
    chartElement.hidden = colouringLabel.hidden = next.candidates.length === 0;
    chartElement.dataset.rows = String(next.candidates.length);
    chartElement.dataset.columns = String(next.instances.length);
    if (next.candidates.length === 0) return;
    chartElement.style.height = `${frontHeight(next)}px`;
    chart.resize();
    chart.setOption(frontOption(next, colouringInput.value as FrontColouring), firstDraw ? {} : { replaceMerge: ['series'] });
  };
  colouringInput.addEventListener('change', () => {
    if (front.candidates.length > 0) draw(front, false);
  });
  if (first.candidates.length === 0) {
    draw(first, true);
    markReady('front');
  } else {
    whenRendered(chart, () => markReady('front'));
    draw(first, true);
  }

  const refreshHeader = header ? headerRefresher(runId, header.update, context.current) : () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Set by a commit the fetch in flight may not include: another fetch follows it.
  let stale = false;
  let drawnOnce = first.candidates.length > 0;
  const refresh = () => {
    timer = setTimeout(async () => {
      stale = false;
      const next = await api.front(runId).catch(() => undefined);
      timer = undefined;
      if (!context.current()) return;
      if (next) {
        draw(next, !drawnOnce);
        drawnOnce ||= next.candidates.length > 0;
        liveNote.textContent = `Live: ${formatCount(window.ouro.liveEvents)} new candidates since this page opened.`;
      }
      if (stale) refresh();
    }, REFRESH_MS);
  };
  onCommit = () => {
    if (!context.current()) return;
    window.ouro.liveEvents++;
    refreshHeader();
    stale = true;
    if (timer === undefined) refresh();
  };
  context.onLeave(() => clearTimeout(timer));
  live.ready();
}

function hintOf(front: ParetoFront): Array<Node | string> {
  if (front.reason) return [empty(`No front to show: ${front.reason}.`)];
  const { totals } = front;
  const parts: Array<Node | string> = [
    `${formatCount(totals.front)} front members over ${formatCount(totals.instances)} instances, ` +
      `from ${formatCount(totals.evaluations)} ok evaluations: candidates that lead at least one instance and that no other dominates. ` +
      'Rows lead the most instances first; a dot marks the best score on its instance. Click a row to open its candidate.',
  ];
  if (front.archive !== 'pareto') parts.push(` This run's archive is ${front.archive}: this is the front a pareto archive would keep.`);
  if (front.overallColumn !== null) parts.push(' The overall score counts as one more instance, as the archive counts it.');
  if (front.cut) parts.push(h('strong', {}, ` ${front.cut[0]?.toUpperCase()}${front.cut.slice(1)}.`));
  return parts;
}

function membersTable(front: ParetoFront): HTMLElement {
  if (front.candidates.length === 0) return empty('No front members.');
  const rows = front.candidates.map((candidate) => [
    h('a', { href: `#/candidate/${encodeURIComponent(candidate.id)}`, class: 'mono' }, candidate.id),
    candidate.seq,
    h('span', { class: 'mono' }, candidate.operator),
    h('span', { class: 'number' }, formatScore(candidate.score)),
    candidate.led,
  ]);
  return table(['Candidate', 'Seq', 'Operator', 'Score', 'Instances led'], rows, 'stats front-members');
}
