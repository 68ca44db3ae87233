import type { TasksRunRow } from '../../../api-types.ts';
import { api } from '../api.ts';
import { clear, empty, h, linkedRow, section } from '../dom.ts';
import { formatCount, formatTime } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { statusBadge } from './run-header.ts';
import './tasks.css';

/** The section's title on the home page and the list page. */
export const TASKS_TITLE = 'Generated tasks and games';

/** `generate` reads as what the run does; anything else as stored. */
export function kindLabel(kind: string): string {
  return kind === 'generate' ? 'task generation' : kind === 'selfplay' ? 'self-play' : kind;
}

/**
 * The task runs, newest first; a row opens its run. The home page shows this table under the
 * evolution runs when the database holds task runs.
 */
export function tasksRunsTable(runs: readonly TasksRunRow[]): HTMLTableElement {
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  const number = (value: number) => h('td', { class: 'number' }, formatCount(value));
  const body = h(
    'tbody',
    {},
    ...sorted.map((run) => {
      const href = `#/tasks/${encodeURIComponent(run.id)}`;
      return linkedRow(
        href,
        { 'data-tasks-run': run.id },
        h('td', {}, h('a', { href, class: 'mono' }, run.id)),
        h('td', {}, kindLabel(run.kind)),
        h('td', {}, statusBadge(run.status)),
        number(run.proposals),
        number(run.kept),
        number(run.rejected),
        h('td', {}, formatTime(run.createdAt)),
      );
    }),
  );
  const headers: Array<[string, boolean]> = [
    ['Run', false],
    ['Kind', false],
    ['Status', false],
    ['Proposals', true],
    ['Kept', true],
    ['Rejected', true],
    ['Started', false],
  ];
  return h(
    'table',
    { class: 'data tasks-runs-table' },
    h('thead', {}, h('tr', {}, ...headers.map(([label, numeric]) => h('th', { class: numeric ? 'number' : null }, label)))),
    body,
  );
}

/** `#/tasks`: every task run in the database. */
export async function showTasksRuns(context: ViewContext): Promise<void> {
  const runs = await api.tasksRuns();
  if (!context.current()) return;
  clear(context.root);
  document.title = `${TASKS_TITLE} · Ouroboros`;
  context.root.append(
    h(
      'header',
      { class: 'page-header' },
      h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), ` / ${TASKS_TITLE}`),
      h('h1', {}, TASKS_TITLE),
      h('p', { class: 'muted' }, `${runs.length} task run${runs.length === 1 ? '' : 's'} in this database`),
    ),
    section('Task runs', runs.length ? tasksRunsTable(runs) : empty('No task runs yet.')),
  );
  markReady('tasksRuns');
}
