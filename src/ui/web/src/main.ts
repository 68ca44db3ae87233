import './style.css';
import { ApiFailure } from './api.ts';
import { clear, h } from './dom.ts';
import { resetHooks } from './hooks.ts';
import type { ViewContext } from './view.ts';
import { showCandidate } from './views/candidate.ts';
import { showDgm } from './views/dgm.ts';
import { showFlywheel } from './views/flywheel.ts';
import { showFlywheelRuns } from './views/flywheel-runs.ts';
import { showFront } from './views/front.ts';
import { showGrid } from './views/grid.ts';
import { showLineage } from './views/lineage.ts';
import { showOverview } from './views/overview.ts';
import { showRuns } from './views/runs.ts';
import { showTasks } from './views/tasks.ts';
import { showTasksRuns } from './views/tasks-runs.ts';

type Route = { pattern: RegExp; show: (context: ViewContext, id: string) => Promise<void> };

const ROUTES: Route[] = [
  { pattern: /^\/?$/, show: (context) => showRuns(context) },
  { pattern: /^\/run\/([^/]+)$/, show: showOverview },
  { pattern: /^\/run\/([^/]+)\/lineage$/, show: showLineage },
  { pattern: /^\/run\/([^/]+)\/grid$/, show: showGrid },
  { pattern: /^\/run\/([^/]+)\/front$/, show: showFront },
  { pattern: /^\/candidate\/([^/]+)$/, show: showCandidate },
  { pattern: /^\/dgm\/([^/]+)$/, show: showDgm },
  { pattern: /^\/flywheel\/?$/, show: (context) => showFlywheelRuns(context) },
  { pattern: /^\/flywheel\/([^/]+)$/, show: showFlywheel },
  { pattern: /^\/tasks\/?$/, show: (context) => showTasksRuns(context) },
  { pattern: /^\/tasks\/([^/]+)$/, show: showTasks },
];

const root = document.getElementById('app') as HTMLElement;
let leave: Array<() => void> = [];
let generation = 0;

async function route(): Promise<void> {
  for (const cleanup of leave) cleanup();
  leave = [];
  resetHooks();
  const mine = ++generation;
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  clear(root);
  window.scrollTo(0, 0);
  const context: ViewContext = {
    root,
    query: new URLSearchParams(search),
    onLeave: (cleanup) => leave.push(cleanup),
    current: () => mine === generation,
  };
  const match = ROUTES.map((candidate) => ({ candidate, groups: candidate.pattern.exec(path) })).find((entry) => entry.groups);
  if (!match?.groups) {
    root.append(h('div', { class: 'card error' }, h('h2', {}, 'Not found'), `No view at #${path}. `, h('a', { href: '#/' }, 'All runs')));
    return;
  }
  root.append(h('p', { class: 'loading' }, 'Loading…'));
  try {
    await match.candidate.show(context, decodeURIComponent(match.groups[1] ?? ''));
  } catch (error) {
    if (!context.current()) return;
    clear(root);
    const message = error instanceof Error ? error.message : String(error);
    const title = error instanceof ApiFailure && error.status === 404 ? 'Not found' : 'Something went wrong';
    root.append(h('div', { class: 'card error' }, h('h2', {}, title), h('p', {}, message), h('a', { href: '#/' }, 'All runs')));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
