import type { DgmRunRow, FlywheelRunRow, TasksRunRow } from '../../../api-types.ts';
import { api } from '../api.ts';
import { clear, empty, h, linkedRow, section } from '../dom.ts';
import { formatCount, formatDuration, formatScore, formatTime, formatUsd } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { flagBadge } from './dgm-badges.ts';
import { FLYWHEEL_TITLE, flywheelRunsTable } from './flywheel-runs.ts';
import { statusBadge } from './run-header.ts';
import { TASKS_TITLE, tasksRunsTable } from './tasks-runs.ts';

/** `#/`: every run in the database, newest first. */
export async function showRuns(context: ViewContext): Promise<void> {
  // A failing DGM, flywheel or tasks listing must not hide the evolution runs.
  const [runs, dgmRuns, flywheelRuns, tasksRuns] = await Promise.all([
    api.runs(),
    api.dgmRuns().catch(() => [] as DgmRunRow[]),
    api.flywheelRuns().catch(() => [] as FlywheelRunRow[]),
    api.tasksRuns().catch(() => [] as TasksRunRow[]),
  ]);
  if (!context.current()) return;
  clear(context.root);
  document.title = 'Runs · Ouroboros';
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  const headers = ['Run', 'Experiment', 'Status', 'Best score', 'Evaluations', 'Spend', 'Tokens', 'Started'];
  const body = h(
    'tbody',
    {},
    ...sorted.map((run) => {
      const href = `#/run/${encodeURIComponent(run.id)}`;
      return linkedRow(
        href,
        { 'data-run': run.id },
        h('td', {}, h('a', { href, class: 'mono' }, run.id)),
        h('td', {}, run.experiment),
        h('td', {}, statusBadge(run.status)),
        h('td', { class: 'number' }, formatScore(run.bestScore)),
        h('td', { class: 'number' }, formatCount(run.evaluations)),
        h('td', { class: 'number' }, formatUsd(run.costUsd)),
        h('td', { class: 'number' }, formatCount(run.tokens)),
        h('td', {}, formatTime(run.createdAt)),
      );
    }),
  );
  context.root.append(
    h(
      'header',
      { class: 'page-header' },
      h('h1', {}, 'Runs'),
      h(
        'p',
        { class: 'muted' },
        `${listed([
          plural(sorted.length, 'run'),
          dgmRuns.length ? plural(dgmRuns.length, 'DGM run') : '',
          flywheelRuns.length ? plural(flywheelRuns.length, 'flywheel run') : '',
          tasksRuns.length ? plural(tasksRuns.length, 'task run') : '',
        ])} in this database`,
      ),
    ),
    section(
      'All runs',
      sorted.length
        ? h(
            'table',
            { class: 'data runs-table' },
            h(
              'thead',
              {},
              h('tr', {}, ...headers.map((header, index) => h('th', { class: index >= 3 && index <= 6 ? 'number' : null }, header))),
            ),
            body,
          )
        : empty(
            dgmRuns.length || flywheelRuns.length || tasksRuns.length
              ? 'No evolution runs yet.'
              : 'No runs yet. Start one with `ouro run <experiment>`.',
          ),
    ),
  );
  if (dgmRuns.length) context.root.append(section('Agents (DGM)', dgmTable(dgmRuns)));
  if (flywheelRuns.length) context.root.append(section(FLYWHEEL_TITLE, flywheelRunsTable(flywheelRuns)));
  if (tasksRuns.length) context.root.append(section(TASKS_TITLE, tasksRunsTable(tasksRuns)));
  markReady('runs');
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `a`, `a and b`, `a, b and c`, leaving out empty parts. */
function listed(parts: string[]): string {
  const kept = parts.filter(Boolean);
  return kept.length <= 1 ? (kept[0] ?? '') : `${kept.slice(0, -1).join(', ')} and ${kept.at(-1)}`;
}

/** The Darwin Goedel Machine runs: agents that rewrite their own code. */
function dgmTable(runs: DgmRunRow[]): HTMLTableElement {
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  const headers = ['Run', 'Benchmark', 'Status', 'Best score', 'Agents', 'Flagged', 'Spend', 'Tokens', 'Time', 'Started'];
  const numeric = new Set(['Best score', 'Agents', 'Spend', 'Tokens', 'Time']);
  const body = h(
    'tbody',
    {},
    ...sorted.map((run) => {
      const href = `#/dgm/${encodeURIComponent(run.id)}`;
      return linkedRow(
        href,
        { 'data-dgm-run': run.id },
        h('td', {}, h('a', { href, class: 'mono' }, run.id)),
        h('td', { class: 'mono' }, run.bench),
        h('td', {}, statusBadge(run.status)),
        h('td', { class: 'number' }, formatScore(run.bestScore)),
        h('td', { class: 'number', title: `${run.kept} kept of ${run.agents}` }, `${formatCount(run.kept)} / ${formatCount(run.agents)}`),
        h(
          'td',
          {},
          run.flagged
            ? flagBadge(
                `${run.flagged} sandbox violation${run.flagged === 1 ? '' : 's'}`,
                `${run.flagged} agent(s) tried to escape the sandbox`,
              )
            : h('span', { class: 'muted' }, 'none'),
        ),
        h('td', { class: 'number' }, formatUsd(run.costUsd)),
        h('td', { class: 'number' }, formatCount(run.tokens)),
        h('td', { class: 'number' }, formatDuration(run.wallMs)),
        h('td', {}, formatTime(run.createdAt)),
      );
    }),
  );
  return h(
    'table',
    { class: 'data dgm-runs-table' },
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { class: numeric.has(header) ? 'number' : null }, header)))),
    body,
  );
}
