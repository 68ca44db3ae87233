import type { FlywheelRunRow } from '../../../api-types.ts';
import { api } from '../api.ts';
import { markReady } from '../hooks.ts';
import { clear, empty, h, linkedRow, section } from '../dom.ts';
import { formatCount, formatTime } from '../format.ts';
import type { ViewContext } from '../view.ts';
import { statusBadge } from './run-header.ts';
import './flywheel.css';

/** The section's title on the home page and the list page. */
export const FLYWHEEL_TITLE = 'Self-training (flywheel)';

/**
 * The flywheel runs, newest first; a row opens its run. The home page shows this table under the
 * evolution runs when the database holds flywheel runs.
 */
export function flywheelRunsTable(runs: readonly FlywheelRunRow[]): HTMLTableElement {
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  const body = h(
    'tbody',
    {},
    ...sorted.map((run) => {
      const href = `#/flywheel/${encodeURIComponent(run.id)}`;
      return linkedRow(
        href,
        { 'data-flywheel-run': run.id },
        h('td', {}, h('a', { href, class: 'mono' }, run.id)),
        h('td', {}, statusBadge(run.status)),
        h('td', { class: 'number' }, formatCount(run.rounds)),
        h('td', {}, formatTime(run.createdAt)),
      );
    }),
  );
  return h(
    'table',
    { class: 'data flywheel-runs-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', { class: 'number' }, 'Rounds'), h('th', {}, 'Started'))),
    body,
  );
}

/** `#/flywheel`: every flywheel run in the database. */
export async function showFlywheelRuns(context: ViewContext): Promise<void> {
  const runs = await api.flywheelRuns();
  if (!context.current()) return;
  clear(context.root);
  document.title = `${FLYWHEEL_TITLE} · Ouroboros`;
  context.root.append(
    h(
      'header',
      { class: 'page-header' },
      h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), ` / ${FLYWHEEL_TITLE}`),
      h('h1', {}, FLYWHEEL_TITLE),
      h('p', { class: 'muted' }, `${runs.length} flywheel run${runs.length === 1 ? '' : 's'} in this database`),
    ),
    section(
      'Flywheel runs',
      runs.length
        ? flywheelRunsTable(runs)
        : empty('No flywheel runs yet. Start one with `ouro flywheel run --source gsm8k:<file> --model <id>`.'),
    ),
  );
  markReady('flywheelRuns');
}
