import type { TasksRunDetail } from '../../../api-types.ts';
import { api } from '../api.ts';
import { type Chart, createChart, whenRendered } from '../charts.ts';
import { clear, empty, h, section } from '../dom.ts';
import { formatCount, formatTime } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { isLiveRun, POLL_MS, pollWhileLive } from './poll-run.ts';
import { statusBadge } from './run-header.ts';
import { curriculumOption, outcomesOption, passRateOption } from './tasks-charts.ts';
import { kindLabel, TASKS_TITLE } from './tasks-runs.ts';
import { bandPlace, episodesTable, keptTable, rejectionsTable } from './tasks-tables.ts';
import './tasks.css';

type ChartName = 'outcomes' | 'passRates' | 'curriculum';

/**
 * `#/tasks/<run>`: a task run's proposals kept and rejected by reason, the kept tasks' pass rates
 * against the learnability band, the curriculum's weights over its steps, the kept tasks, the
 * latest rejections and, for self-play, the episodes by game. While the run may be live it is
 * polled every two seconds and redrawn when anything changed; a finished or stopped run is drawn once.
 */
export async function showTasks(context: ViewContext, runId: string): Promise<void> {
  const first = await api.tasksRun(runId);
  if (!context.current()) return;
  clear(context.root);
  document.title = `${runId} · tasks · Ouroboros`;
  const page = tasksPage(context);
  context.root.append(page.element);
  page.update(first);
  const drawn = page.firstChart();
  if (drawn) whenRendered(drawn, () => markReady('tasks'));
  else markReady('tasks');

  pollWhileLive(context, first, () => api.tasksRun(runId), page);
}

interface TasksPage {
  element: HTMLElement;
  update(detail: TasksRunDetail): void;
  note(text: string): void;
  /** The first chart drawn, if any: the page is ready once it has rendered. */
  firstChart(): Chart | undefined;
}

/** A chart slot: an empty-state text until there is something to draw, then a chart made once and redrawn in place. */
function chartSlot(id: string, context: ViewContext) {
  const element = h('div', { class: 'chart chart-grid', id });
  const body = h('div', {});
  let made: ReturnType<typeof createChart> | undefined;
  context.onLeave(() => made?.dispose());
  return {
    body,
    chart: () => made?.chart,
    show(option: Record<string, unknown> | null, waiting: string, points: number): void {
      if (option === null) {
        if (made) {
          made.dispose();
          made = undefined;
        }
        body.replaceChildren(empty(waiting));
        return;
      }
      if (!made) {
        body.replaceChildren(element);
        made = createChart(element);
      }
      // notMerge drops what createChart set, animation off included: set it again, or a redraw animates in.
      made.chart.setOption({ animation: false, ...option }, { notMerge: true });
      element.dataset.points = String(points);
    },
  };
}

function tasksPage(context: ViewContext): TasksPage {
  const header = h('header', { class: 'page-header' });
  const slots: Record<ChartName, ReturnType<typeof chartSlot>> = {
    outcomes: chartSlot('tasks-outcomes-chart', context),
    passRates: chartSlot('tasks-pass-rate-chart', context),
    curriculum: chartSlot('tasks-curriculum-chart', context),
  };
  const keptBody = h('div', { class: 'table-scroll' });
  const rejectionsBody = h('div', { class: 'table-scroll' });
  const episodesSection = section('Self-play episodes');
  const episodesBody = h('div', {});
  episodesSection.append(episodesBody);
  const liveNote = h('p', { class: 'hint error-text', hidden: true });
  const passRateHint = h('p', { class: 'hint' });
  const element = h(
    'div',
    { class: 'tasks-page' },
    header,
    h(
      'div',
      { class: 'columns' },
      section(
        'Kept and rejected',
        h('p', { class: 'hint' }, 'Every proposal: kept, or rejected for the first reason validation found.'),
        slots.outcomes.body,
      ),
      section('Pass rates of the kept tasks', passRateHint, slots.passRates.body),
    ),
    section(
      'Curriculum weights',
      h('p', { class: 'hint' }, 'The weight of each arm (generator / difficulty / topic) at each step.'),
      slots.curriculum.body,
    ),
    section('Kept tasks', liveNote, keptBody),
    section('Latest rejections', rejectionsBody),
    episodesSection,
  );

  const update = (detail: TasksRunDetail): void => {
    header.replaceChildren(...headerParts(detail));
    const { run, passRates, curriculum } = detail;
    slots.outcomes.show(run.proposals ? outcomesOption(detail) : null, 'No proposal recorded yet.', run.proposals);
    slots.passRates.show(passRates.tasks ? passRateOption(passRates) : null, 'No kept task has been attempted yet.', passRates.tasks);
    slots.curriculum.show(
      curriculum.steps.length ? curriculumOption(curriculum) : null,
      'No curriculum step recorded.',
      curriculum.steps.length,
    );
    const band = passRates.band;
    const measured = 'Passed / attempted over every solver model, in tenths';
    passRateHint.textContent = band
      ? `${measured}; the shaded band (${band.low}, ${band.high}) is what the run keeps as learnable.`
      : `${measured}; the run has no learnability band in its settings.`;
    keptBody.replaceChildren(detail.kept.length ? keptTable(detail.kept, band) : empty('No task kept yet.'));
    rejectionsBody.replaceChildren(detail.rejections.length ? rejectionsTable(detail.rejections) : empty('No proposal rejected.'));
    episodesSection.hidden = detail.episodes.length === 0 && run.kind !== 'selfplay';
    episodesBody.replaceChildren(detail.episodes.length ? episodesTable(detail.episodes) : empty('No episode played yet.'));
  };
  return {
    element,
    update,
    note: (text) => {
      liveNote.textContent = text;
      liveNote.hidden = text === '';
    },
    firstChart: () => slots.outcomes.chart() ?? slots.passRates.chart() ?? slots.curriculum.chart(),
  };
}

function headerParts(detail: TasksRunDetail): HTMLElement[] {
  const { run, kept, passRates, curriculum } = detail;
  const figure = (label: string, value: string, key: string, title: string | null = null) =>
    h('div', { class: 'figure', 'data-figure': key, title }, h('dt', {}, label), h('dd', {}, value));
  const learnable = kept.filter((row) => bandPlace(row.passRate, passRates.band) === 'inside').length;
  const keepRate = run.proposals ? `${Math.round((100 * run.kept) / run.proposals)}%` : '–';
  return [
    h(
      'nav',
      { class: 'breadcrumb' },
      h('a', { href: '#/' }, 'Runs'),
      ' / ',
      h('a', { href: '#/tasks' }, TASKS_TITLE),
      ' / ',
      h('span', { class: 'mono' }, run.id),
    ),
    h('div', { class: 'title-row' }, h('h1', {}, run.kind === 'selfplay' ? 'Self-play' : 'Task generation'), statusBadge(run.status)),
    h(
      'dl',
      { class: 'figures' },
      figure('Proposals', formatCount(run.proposals), 'proposals'),
      figure('Kept', formatCount(run.kept), 'kept', `${keepRate} of the proposals`),
      figure('Rejected', formatCount(run.rejected), 'rejected'),
      figure('Attempted', formatCount(passRates.tasks), 'attempted', 'kept tasks the solver has attempted'),
      ...(passRates.band ? [figure('Learnable', formatCount(learnable), 'learnable', 'pass rate strictly inside the band')] : []),
      figure('Curriculum steps', formatCount(curriculum.steps.length), 'steps'),
      figure('Started', formatTime(run.createdAt), 'started'),
    ),
    h('p', { class: 'muted tasks-settings' }, `${kindLabel(run.kind)} · keeps ${keepRate} of its proposals`),
    ...(isLiveRun(detail)
      ? [
          h(
            'p',
            { class: 'tasks-progress', 'data-progress': '' },
            `Live (or stopped without a word): this page refreshes every ${POLL_MS / 1000} s.`,
          ),
        ]
      : []),
  ];
}
