import { api } from '../api.ts';
import { clear, empty, h, section } from '../dom.ts';
import { formatCount, formatScore, formatTime, formatUsd } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { statusBadge } from './run-header.ts';

/** `#/`: every run in the database, newest first. */
export async function showRuns(context: ViewContext): Promise<void> {
  const runs = await api.runs();
  if (!context.current()) return;
  clear(context.root);
  document.title = 'Runs · Ouroboros';
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  const headers = ['Run', 'Experiment', 'Status', 'Best score', 'Evaluations', 'Spend', 'Tokens', 'Started'];
  const body = h('tbody', {}, ...sorted.map((run) => {
    const href = `#/run/${encodeURIComponent(run.id)}`;
    const row = h('tr', { class: 'clickable', 'data-run': run.id },
      h('td', {}, h('a', { href, class: 'mono' }, run.id)),
      h('td', {}, run.experiment),
      h('td', {}, statusBadge(run.status)),
      h('td', { class: 'number' }, formatScore(run.bestScore)),
      h('td', { class: 'number' }, formatCount(run.evaluations)),
      h('td', { class: 'number' }, formatUsd(run.costUsd)),
      h('td', { class: 'number' }, formatCount(run.tokens)),
      h('td', {}, formatTime(run.createdAt)));
    row.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('a')) return;
      location.hash = href;
    });
    return row;
  }));
  context.root.append(
    h('header', { class: 'page-header' }, h('h1', {}, 'Runs'), h('p', { class: 'muted' }, `${sorted.length} run${sorted.length === 1 ? '' : 's'} in this database`)),
    section('All runs', sorted.length
      ? h('table', { class: 'data runs-table' }, h('thead', {}, h('tr', {}, ...headers.map((header, index) => h('th', { class: index >= 3 && index <= 6 ? 'number' : null }, header)))), body)
      : empty('No runs yet. Start one with `ouro run <experiment>`.')),
  );
  markReady('runs');
}
