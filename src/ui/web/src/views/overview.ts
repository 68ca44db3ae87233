import type { CandidateEvent, RunOverview } from '../../../api-types.ts';
import { api, candidateIdOf, subscribe } from '../api.ts';
import { createChart, whenRendered } from '../charts.ts';
import { clear, empty, h, section, table } from '../dom.ts';
import { formatCount, formatDuration, formatScore, formatUsd } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { spendOption, throughputOption } from './activity-charts.ts';
import { headerRefresher, runHeader } from './run-header.ts';
import { appendEvent, onPointClick, scoreData, scoreOption, type PointIndex } from './score-chart.ts';

const REFRESH_MS = 500;

/** `#/run/<id>`: the score climb, activity, operator and model statistics, and lessons. */
export async function showOverview(context: ViewContext, runId: string): Promise<void> {
  const overview = await api.run(runId);
  if (!context.current()) return;
  // Carry on from the last evaluation the overview holds, so nothing committed since is missed.
  const last = overview.evaluations.seq[overview.evaluations.seq.length - 1];
  const live = subscribe(runId, (event) => onEvent(event), last);
  context.onLeave(() => live.close());
  clear(context.root);
  document.title = `${overview.run.experiment} · ${runId} · Ouroboros`;

  const header = runHeader(overview.run, 'overview');
  const scoreElement = h('div', { class: 'chart chart-score', id: 'score-chart' });
  const throughputElement = h('div', { class: 'chart chart-small', id: 'throughput-chart' });
  const spendElement = h('div', { class: 'chart chart-small', id: 'spend-chart' });
  const liveNote = h('span', { class: 'live-note muted' });
  context.root.append(
    header.element,
    section(
      'Score over evaluations',
      h(
        'p',
        { class: 'hint' },
        'Every evaluation is a point; click one to open its candidate. Failures and far outliers sit on the bottom edge.',
        liveNote,
      ),
      scoreElement,
    ),
    h(
      'div',
      { class: 'columns' },
      section('Throughput', throughputElement),
      section('Spend', overview.spend.elapsedMs.length ? spendElement : empty('No model calls: this run used embedded operators only.')),
    ),
    h('div', { class: 'columns' }, section('Operators', operatorsTable(overview)), section('Models', modelsTable(overview))),
    section('Lessons', lessonsList(overview)),
  );

  const data = scoreData(overview);
  const seen = new Set(data.seq);
  const score = createChart(scoreElement);
  const throughput = createChart(throughputElement);
  const charts = [score, throughput];
  context.onLeave(() => charts.forEach((chart) => chart.dispose()));
  let index: PointIndex = [];
  const draw = (first: boolean) => {
    const built = scoreOption(data);
    index = built.index;
    if (first) score.chart.setOption(built.option);
    else score.chart.setOption({ series: built.option.series, yAxis: built.option.yAxis }, { replaceMerge: ['series'] });
    scoreElement.dataset.points = String(data.seq.length);
    throughput.chart.setOption(throughputOption(data.elapsedMs, data.status));
  };
  whenRendered(score.chart, () => markReady('overview'));
  draw(true);
  onPointClick(
    score.chart,
    () => index,
    (seq) => {
      location.hash = `#/candidate/${encodeURIComponent(candidateIdOf(runId, seq))}`;
    },
  );
  if (overview.spend.elapsedMs.length) {
    const spend = createChart(spendElement);
    charts.push(spend);
    spend.chart.setOption(spendOption(overview.spend));
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshHeader = headerRefresher(runId, header.update, context.current);
  function onEvent(event: CandidateEvent): void {
    if (seen.has(event.seq) || !context.current()) return;
    seen.add(event.seq);
    appendEvent(data, event);
    window.ouro.liveEvents++;
    refreshHeader();
    timer ??= setTimeout(() => {
      timer = undefined;
      if (!context.current()) return;
      draw(false);
      liveNote.textContent = ` Live: ${formatCount(window.ouro.liveEvents)} new since this page opened.`;
    }, REFRESH_MS);
  }
  context.onLeave(() => clearTimeout(timer));
  live.ready();
}

function operatorsTable(overview: RunOverview): HTMLElement {
  if (!overview.operators.length) return empty('No operator has proposed a child yet.');
  const rows = [...overview.operators]
    .sort((a, b) => b.children - a.children)
    .map((operator) => [
      h('span', { class: 'mono' }, operator.name),
      operator.children,
      operator.failed,
      operator.improved,
      h('span', { class: 'number' }, formatScore(operator.meanReward)),
      h('span', { class: 'number' }, formatUsd(operator.costUsd)),
    ]);
  return table(['Operator', 'Children', 'Failed', 'Improved', 'Mean reward', 'Cost'], rows, 'stats');
}

function modelsTable(overview: RunOverview): HTMLElement {
  if (!overview.models.length) return empty('No model was called.');
  const rows = overview.models.map((model) => [
    h('span', { class: 'mono' }, model.name),
    model.calls,
    model.failedCalls,
    model.tokens,
    h('span', { class: 'number' }, formatUsd(model.costUsd)),
    h('span', { class: 'number' }, formatDuration(model.meanLatencyMs)),
  ]);
  return table(['Model', 'Calls', 'Failed', 'Tokens', 'Cost', 'Mean latency'], rows, 'stats');
}

const LESSONS_SHOWN = 5;

/** The latest lesson records; earlier ones (a long run records hundreds) behind a button. */
function lessonsList(overview: RunOverview): HTMLElement {
  if (!overview.lessons.length) return empty('No lessons recorded yet.');
  const records = [...overview.lessons].reverse();
  const render = (record: RunOverview['lessons'][number]) =>
    h(
      'div',
      { class: 'lesson' },
      h('div', { class: 'lesson-meta muted' }, `after ${formatCount(record.evaluations)} evaluations · ${record.source}`),
      h('ul', {}, ...record.lessons.map((lesson) => h('li', {}, lesson))),
    );
  const list = h('div', { class: 'lessons' }, ...records.slice(0, LESSONS_SHOWN).map(render));
  if (records.length > LESSONS_SHOWN) {
    const more = h('button', { type: 'button', class: 'button' }, `Show ${formatCount(records.length - LESSONS_SHOWN)} earlier records`);
    more.addEventListener('click', () => more.replaceWith(...records.slice(LESSONS_SHOWN).map(render)));
    list.append(more);
  }
  return list;
}
