import type { FlywheelRunDetail } from '../../../api-types.ts';
import { api } from '../api.ts';
import { markReady } from '../hooks.ts';
import { createChart, whenRendered } from '../charts.ts';
import { clear, empty, h, section } from '../dom.ts';
import { formatCount, formatTime, formatUsd } from '../format.ts';
import type { ViewContext } from '../view.ts';
import { accuracyOption, keptOption, share } from './flywheel-charts.ts';
import { FLYWHEEL_TITLE } from './flywheel-runs.ts';
import { exportsTable, figuresTable, roundsTable, shortModel } from './flywheel-tables.ts';
import { POLL_MS, pollWhileLive } from './poll-run.ts';
import { statusBadge } from './run-header.ts';
import './flywheel.css';

const METHOD_NAMES: Record<string, string> = { star: 'STaR', rest: 'ReST-EM' };

/**
 * `#/flywheel/<run>`: a flywheel run's accuracy per round (pass@1, pass@K, held-out, flagged rounds
 * marked), what each round kept with its answer diversity, the rounds as `ouro flywheel show` lists
 * them, and the exports. While the run may be live it is polled every two seconds and redrawn when
 * anything changed; a finished or stopped run is drawn once.
 */
export async function showFlywheel(context: ViewContext, runId: string): Promise<void> {
  const first = await api.flywheelRun(runId);
  if (!context.current()) return;
  clear(context.root);
  document.title = `${runId} · flywheel · Ouroboros`;
  const page = flywheelPage(context);
  context.root.append(page.element);
  page.update(first);
  whenDrawn(page, () => {
    markReady('flywheel');
  });

  pollWhileLive(context, first, () => api.flywheelRun(runId), page);
}

interface FlywheelPage {
  element: HTMLElement;
  update(detail: FlywheelRunDetail): void;
  note(text: string): void;
  /** The accuracy chart, once there is a round to draw. */
  accuracyChart(): ReturnType<typeof createChart> | undefined;
}

/** Calls `then` once the first draw is on screen: the accuracy chart rendered, or at once with no round to chart. */
function whenDrawn(page: FlywheelPage, then: () => void): void {
  const chart = page.accuracyChart();
  if (chart) whenRendered(chart.chart, then);
  else then();
}

function flywheelPage(context: ViewContext): FlywheelPage {
  const header = h('header', { class: 'page-header' });
  const accuracyElement = h('div', { class: 'chart chart-grid', id: 'flywheel-accuracy-chart' });
  const keptElement = h('div', { class: 'chart chart-grid', id: 'flywheel-kept-chart' });
  const accuracyBody = h('div', {});
  const keptBody = h('div', {});
  const roundsBody = h('div', {});
  const figuresBody = h('div', {});
  const exportsBody = h('div', {});
  const liveNote = h('p', { class: 'hint error-text', hidden: true });
  const element = h(
    'div',
    { class: 'flywheel-page' },
    header,
    h(
      'div',
      { class: 'columns' },
      section(
        'Accuracy per round',
        h('p', { class: 'hint' }, 'pass@1 and pass@K on the round’s train tasks; held-out accuracy is greedy, on tasks never exported.'),
        accuracyBody,
      ),
      section(
        'Kept examples, pairs and diversity',
        h('p', { class: 'hint' }, 'What each round exported for training, and how varied its answers were.'),
        keptBody,
      ),
    ),
    section('Rounds', liveNote, roundsBody),
    h('div', { class: 'columns' }, section('Exploration and exploitation', figuresBody), section('Exports', exportsBody)),
  );
  let charts: { accuracy: ReturnType<typeof createChart>; kept: ReturnType<typeof createChart> } | undefined;
  context.onLeave(() => {
    charts?.accuracy.dispose();
    charts?.kept.dispose();
  });

  const update = (detail: FlywheelRunDetail): void => {
    header.replaceChildren(...headerParts(detail));
    const { rounds } = detail;
    if (rounds.length === 0) {
      const waiting = 'No round has ended yet: a round is stored once its samples are verified and exported.';
      accuracyBody.replaceChildren(empty(waiting));
      keptBody.replaceChildren(empty(waiting));
      roundsBody.replaceChildren(empty(waiting));
      figuresBody.replaceChildren(empty('No round yet.'));
      exportsBody.replaceChildren(empty('No export yet.'));
      return;
    }
    if (!charts) {
      accuracyBody.replaceChildren(accuracyElement);
      keptBody.replaceChildren(keptElement);
      charts = { accuracy: createChart(accuracyElement), kept: createChart(keptElement) };
    }
    charts.accuracy.chart.setOption(accuracyOption(rounds), { notMerge: true });
    charts.kept.chart.setOption(keptOption(rounds, detail.settings.guard.minDiversity), { notMerge: true });
    accuracyElement.dataset.points = String(rounds.length);
    keptElement.dataset.points = String(rounds.length);
    roundsBody.replaceChildren(roundsTable(rounds));
    figuresBody.replaceChildren(figuresTable(rounds));
    const exported = rounds.some((round) => round.exports.length > 0);
    exportsBody.replaceChildren(exported ? exportsTable(rounds) : empty('No round exported anything.'));
  };
  return {
    element,
    update,
    note: (text) => {
      liveNote.textContent = text;
      liveNote.hidden = text === '';
    },
    accuracyChart: () => charts?.accuracy,
  };
}

function headerParts(detail: FlywheelRunDetail): HTMLElement[] {
  const { run, settings, rounds } = detail;
  const figure = (label: string, value: string, key: string, className = '', title: string | null = null) =>
    h('div', { class: `figure ${className}`.trim(), 'data-figure': key, title }, h('dt', {}, label), h('dd', {}, value));
  const first = rounds[0]?.figures;
  const last = rounds.at(-1)?.figures;
  const flagged = rounds.filter((round) => round.status === 'flagged').length;
  const total = (pick: (figures: (typeof rounds)[number]['figures']) => number | null) =>
    rounds.reduce((sum, round) => sum + (pick(round.figures) ?? 0), 0);
  const heldOutChange =
    first?.heldOutAccuracy != null && last?.heldOutAccuracy != null ? `from ${share(first.heldOutAccuracy)} in round 0` : null;
  return [
    h(
      'nav',
      { class: 'breadcrumb' },
      h('a', { href: '#/' }, 'Runs'),
      ' / ',
      h('a', { href: '#/flywheel' }, FLYWHEEL_TITLE),
      ' / ',
      h('span', { class: 'mono' }, run.id),
    ),
    h('div', { class: 'title-row' }, h('h1', {}, 'Self-training flywheel'), statusBadge(run.status)),
    h(
      'dl',
      { class: 'figures' },
      // A resume with `--rounds` can go past the rounds the run was started with.
      figure(
        'Rounds',
        `${formatCount(rounds.length)}${settings.rounds === null ? '' : ` / ${formatCount(Math.max(settings.rounds, rounds.length))}`}`,
        'rounds',
      ),
      figure('Held-out accuracy', share(last?.heldOutAccuracy), 'held-out', '', heldOutChange),
      figure('pass@1', share(last?.passAt1), 'pass-at-1'),
      figure('Flagged rounds', formatCount(flagged), 'flagged', flagged ? 'alarm' : ''),
      figure('Tokens', formatCount(total((figures) => figures.tokens)), 'tokens'),
      figure('Spend', formatUsd(total((figures) => figures.costUsd)), 'spend'),
      figure('Started', formatTime(run.createdAt), 'started'),
    ),
    settingsLine(detail),
    ...(detail.progress ? [progressLine(detail.progress)] : []),
  ];
}

function settingsLine({ settings }: FlywheelRunDetail): HTMLElement {
  const sampling = `K ${settings.k ?? '?'} at temperature ${settings.temperature ?? '?'}${settings.adapt ? ' (adaptive)' : ''}`;
  const guard = [
    settings.guard.maxHeldOutDrop === null ? null : `held-out drop over ${settings.guard.maxHeldOutDrop}`,
    settings.guard.minDiversity === null ? null : `diversity under ${settings.guard.minDiversity}`,
  ].filter(Boolean);
  const parts = [
    METHOD_NAMES[settings.method] ?? settings.method,
    settings.pairs.length ? `pairs ${settings.pairs.join(', ')}` : 'no pairs',
    sampling,
    `${settings.heldOut ?? 0} held-out tasks`,
    ...(settings.tasksPerRound === null ? [] : [`${settings.tasksPerRound} tasks a round`]),
    `guard ${settings.guard.mode}${guard.length ? ` (${guard.join(' or ')})` : ''}`,
    `trainer ${settings.trainer}`,
    ...(settings.judge ? [`judge ${settings.judge}`] : []),
    ...(settings.replayOf ? [`replay of ${settings.replayOf}`] : []),
  ];
  return h(
    'p',
    { class: 'muted flywheel-settings', 'data-settings': '' },
    h('span', { class: 'mono' }, settings.source),
    ' · model ',
    shortModel(settings.model),
    ` · ${parts.join(' · ')}`,
  );
}

function progressLine(progress: NonNullable<FlywheelRunDetail['progress']>): HTMLElement {
  const doing =
    progress.phase === 'training'
      ? `round ${progress.round}'s training job is ${progress.job ?? 'in flight'}`
      : `round ${progress.round} is being sampled and verified`;
  return h(
    'p',
    { class: 'flywheel-progress', 'data-progress': progress.phase },
    `Live: ${doing} (or the run stopped without a word; \`ouro flywheel resume\` carries it on). ` +
      `This page refreshes every ${POLL_MS / 1000} s.`,
  );
}
