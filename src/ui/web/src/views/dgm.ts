import type { DgmAgentRow, DgmArchive } from '../../../api-types.ts';
import { api } from '../api.ts';
import { clear, empty, h, section } from '../dom.ts';
import { formatCount, formatDuration, formatScore, formatTime, formatUsd } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { agentFlags, outcomeBadge } from './dgm-badges.ts';
import { dgmAgentPanel } from './dgm-agent-panel.ts';
import { statusBadge } from './run-header.ts';

const SET_ORDER = ['small', 'medium', 'full'];

/** `#/dgm/<run>?agent=<id>`: a DGM run's archive, one row per agent, and the chosen agent's diagnosis and diff. */
export async function showDgm(context: ViewContext, runId: string): Promise<void> {
  const archive = await api.dgmArchive(runId);
  if (!context.current()) return;
  clear(context.root);
  document.title = `${runId} · DGM · Ouroboros`;
  const panel = h('aside', { class: 'card side-panel', id: 'dgm-panel' }, empty('Choose an agent to see its diagnosis and diff.'));
  const show = dgmAgentPanel(panel, runId, context, (agentId) => select(agentId));
  const rows = new Map<string, HTMLTableRowElement>();
  const select = (agentId: string) => {
    for (const [id, row] of rows) row.classList.toggle('selected', id === agentId);
    history.replaceState(null, '', `#/dgm/${encodeURIComponent(runId)}?agent=${encodeURIComponent(agentId)}`);
    void show(agentId);
  };
  const table = archiveTable(archive, rows, select);
  context.root.append(
    header(archive),
    h('div', { class: 'dgm-layout' }, section('Archive', archive.agents.length ? table : empty('No agent recorded yet.')), panel),
  );
  markReady('dgm');
  const chosen = context.query.get('agent') ?? defaultAgent(archive.agents);
  if (chosen && rows.has(chosen)) select(chosen);
}

function header(archive: DgmArchive): HTMLElement {
  const { run, settings } = archive;
  const figure = (label: string, value: string, key: string, className = '') =>
    h('div', { class: `figure ${className}`.trim(), 'data-figure': key }, h('dt', {}, label), h('dd', {}, value));
  const full = typeof settings.thresholds.full === 'number' ? `≥ ${formatScore(settings.thresholds.full)}` : settings.thresholds.full;
  return h(
    'header',
    { class: 'page-header' },
    h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), ' / Agents (DGM) / ', h('span', { class: 'mono' }, run.id)),
    h('div', { class: 'title-row' }, h('h1', {}, 'Agents that rewrite themselves'), statusBadge(run.status)),
    h(
      'dl',
      { class: 'figures' },
      figure('Best score', formatScore(run.bestScore), 'best'),
      figure('Agents kept', `${formatCount(run.kept)} / ${formatCount(run.agents)}`, 'agents'),
      figure('Sandbox violations', formatCount(run.flagged), 'flagged', run.flagged ? 'alarm' : ''),
      figure('Spend', formatUsd(run.costUsd), 'spend'),
      figure('Tokens', formatCount(run.tokens), 'tokens'),
      figure('Agent time', formatDuration(run.wallMs), 'time'),
      figure('Started', formatTime(run.createdAt), 'started'),
    ),
    h(
      'p',
      { class: 'muted dgm-settings' },
      h('span', { class: 'mono' }, run.bench),
      ` · model ${settings.model} · medium set from ${formatScore(settings.thresholds.medium)}, full set ${full}`,
      ` · λ ${settings.lambda} · seed ${settings.seed}${settings.repeats > 1 ? ` · ${settings.repeats} repeats` : ''}`,
    ),
  );
}

/** The sets any agent reached, small to full, then any others by name. */
function setsOf(agents: DgmAgentRow[]): string[] {
  const names = new Set(agents.flatMap((agent) => [...Object.keys(agent.scores), ...Object.keys(agent.tasks)]));
  const rank = (name: string) => (SET_ORDER.includes(name) ? SET_ORDER.indexOf(name) : SET_ORDER.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function archiveTable(archive: DgmArchive, rows: Map<string, HTMLTableRowElement>, select: (agentId: string) => void): HTMLTableElement {
  const sets = setsOf(archive.agents);
  const seqOf = new Map(archive.agents.map((agent) => [agent.id, agent.seq]));
  const headers: Array<[string, boolean]> = [
    ['Seq', true],
    ['Parent', true],
    ['Score', true],
    ...sets.map((set): [string, boolean] => [set, true]),
    ['Outcome', false],
    ['Flags', false],
    ['Tokens', true],
    ['Spend', true],
    ['Time', true],
  ];
  const body = h(
    'tbody',
    {},
    ...archive.agents.map((agent) => {
      const flagged = agent.flags.includes('sandbox-violation');
      const parent = agent.parentId === null ? '–' : `#${seqOf.get(agent.parentId) ?? agent.parentId}`;
      const row = h(
        'tr',
        { class: `clickable${flagged ? ' flagged' : ''}${agent.kept ? '' : ' discarded'}`, 'data-agent': agent.id },
        h('td', { class: 'number mono', title: agent.id }, `#${agent.seq}`),
        h('td', { class: 'number mono', title: agent.parentId ?? 'the initial agent' }, parent),
        h('td', { class: 'number strong' }, formatScore(agent.score)),
        ...sets.map((set) => setCell(agent, set)),
        h(
          'td',
          {},
          outcomeBadge(agent.kept, agent.discardReason),
          agent.discardReason ? h('span', { class: 'muted reason' }, ` ${agent.discardReason}`) : null,
        ),
        h('td', {}, ...agentFlags(agent.flags, agent.violations)),
        h('td', { class: 'number' }, formatCount(agent.tokens)),
        h('td', { class: 'number' }, formatUsd(agent.costUsd)),
        h('td', { class: 'number' }, formatDuration(agent.wallMs)),
      );
      row.addEventListener('click', () => select(agent.id));
      rows.set(agent.id, row);
      return row;
    }),
  );
  return h(
    'table',
    { class: 'data dgm-table' },
    h('thead', {}, h('tr', {}, ...headers.map(([label, numeric]) => h('th', { class: numeric ? 'number' : null }, label)))),
    body,
  );
}

function setCell(agent: DgmAgentRow, set: string): HTMLTableCellElement {
  const score = agent.scores[set];
  const tasks = agent.tasks[set];
  if (score === undefined && !tasks) return h('td', { class: 'number muted' }, '–');
  return h(
    'td',
    { class: 'number', title: tasks ? `${tasks.resolved} of ${tasks.total} tasks resolved on the ${set} set` : null },
    formatScore(score),
    tasks ? h('span', { class: 'muted tasks' }, ` ${tasks.resolved}/${tasks.total}`) : null,
  );
}

/** The best kept agent, else the initial one. */
function defaultAgent(agents: DgmAgentRow[]): string | undefined {
  const kept = agents.filter((agent) => agent.kept && agent.score !== null);
  kept.sort((a, b) => (b.score as number) - (a.score as number) || a.seq - b.seq);
  return kept[0]?.id ?? agents[0]?.id;
}
