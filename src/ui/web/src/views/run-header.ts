import type { RunRow } from '../../../api-types.ts';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { formatCount, formatScore, formatTime, formatUsd } from '../format.ts';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.replace(/[^a-z-]/gi, '')}` }, status);
}

export type RunTab = 'overview' | 'lineage' | 'grid' | 'front';

/** The run's title, key figures and tabs, shared by the overview, lineage, grid and front views. */
export function runHeader(run: RunRow, active: RunTab): { element: HTMLElement; update(run: RunRow): void } {
  const base = `#/run/${encodeURIComponent(run.id)}`;
  const figures = h('dl', { class: 'figures' });
  const badge = h('span', {});
  const render = (current: RunRow) => {
    badge.replaceChildren(statusBadge(current.status));
    figures.replaceChildren(
      ...figure('Best score', formatScore(current.bestScore), 'best'),
      ...figure('Evaluations', formatCount(current.evaluations), 'evaluations'),
      ...figure('Spend', formatUsd(current.costUsd), 'spend'),
      ...figure('Tokens', formatCount(current.tokens), 'tokens'),
      ...figure('Started', formatTime(current.createdAt), 'started'),
    );
  };
  render(run);
  const tab = (name: RunTab, label: string, href: string) => h('a', { href, class: `tab${name === active ? ' active' : ''}` }, label);
  const element = h(
    'header',
    { class: 'page-header run-header' },
    h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), ' / ', h('span', { class: 'mono' }, run.id)),
    h('div', { class: 'title-row' }, h('h1', {}, run.experiment), badge),
    figures,
    h(
      'nav',
      { class: 'tabs' },
      tab('overview', 'Overview', base),
      tab('lineage', 'Lineage', `${base}/lineage`),
      tab('grid', 'MAP-Elites grid', `${base}/grid`),
      tab('front', 'Pareto front', `${base}/front`),
    ),
  );
  return { element, update: render };
}

function figure(label: string, value: string, key: string): HTMLElement[] {
  return [h('div', { class: 'figure', 'data-figure': key }, h('dt', {}, label), h('dd', {}, value))];
}

/** The run's row from the runs list, for views that do not fetch the whole overview. */
export function findRun(runs: RunRow[], runId: string): RunRow | undefined {
  return runs.find((run) => run.id === runId);
}

/**
 * Keeps a run header current while live events arrive: at most one refetch of the run's row per
 * `intervalMs`, so status, best score and spend come from the store rather than being guessed.
 */
export function headerRefresher(runId: string, update: (run: RunRow) => void, current: () => boolean, intervalMs = 1500): () => void {
  let _timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    _timer ??= setTimeout(async () => {
      const run = findRun(await api.runs().catch(() => []), runId);
      _timer = undefined;
      if (run && current()) update(run);
    }, intervalMs);
  };
}
