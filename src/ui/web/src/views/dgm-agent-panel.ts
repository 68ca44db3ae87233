import type { DgmAgentDetail } from '../../../api-types.ts';
import { api } from '../api.ts';
import { append, clear, h, table } from '../dom.ts';
import { formatCount, formatDuration, formatScore, formatUsd } from '../format.ts';
import type { ViewContext } from '../view.ts';
import { agentFlags, outcomeBadge } from './dgm-badges.ts';
import { patchView } from './patch-view.ts';

/** Fills the side panel with one agent: outcome, violations, diagnosis, spend per phase, tasks and diff. The latest call wins. */
export function dgmAgentPanel(
  panel: HTMLElement,
  runId: string,
  context: ViewContext,
  select: (agentId: string) => void,
): (agentId: string) => Promise<void> {
  let latest = '';
  return async (agentId) => {
    latest = agentId;
    panel.dataset.loading = agentId;
    const agent = await api.dgmAgent(runId, agentId).catch((error: Error) => error);
    if (latest !== agentId || !context.current()) return;
    clear(panel);
    delete panel.dataset.loading;
    if (agent instanceof Error) {
      panel.append(h('p', { class: 'error' }, agent.message));
      return;
    }
    panel.dataset.agent = agent.id;
    const parent = agent.parentId;
    append(
      panel,
      h(
        'div',
        { class: 'panel-title' },
        h('span', { class: 'mono strong' }, agent.id),
        outcomeBadge(agent.kept, agent.discardReason),
        ...agentFlags(agent.flags, agent.violations),
        h('span', { class: 'panel-score' }, formatScore(agent.score)),
      ),
      h(
        'dl',
        { class: 'facts compact' },
        h('dt', {}, 'parent'),
        h(
          'dd',
          {},
          parent === null
            ? 'none: the initial agent'
            : h(
                'a',
                {
                  href: `#/dgm/${encodeURIComponent(runId)}?agent=${encodeURIComponent(parent)}`,
                  class: 'mono',
                  onclick: (event: Event) => {
                    event.preventDefault();
                    select(parent);
                  },
                },
                parent,
              ),
        ),
        ...fact(
          'scores',
          Object.entries(agent.scores)
            .map(([set, score]) => `${set} ${formatScore(score)}`)
            .join(' · ') || '–',
        ),
        ...fact('spent', `${formatCount(agent.tokens)} tokens · ${formatUsd(agent.costUsd)} · ${formatDuration(agent.wallMs)}`),
      ),
      agent.discardReason ? h('p', { class: 'description' }, `Discarded: ${agent.discardReason}`) : null,
      agent.violations.length
        ? h(
            'div',
            { class: 'violations' },
            h('h3', {}, 'Sandbox violations'),
            h('ul', {}, ...agent.violations.map((violation) => h('li', {}, violation))),
          )
        : null,
      h('h3', {}, 'Diagnosis'),
      agent.diagnosis
        ? h(
            'div',
            { class: 'diagnosis' },
            h('p', { class: 'muted' }, agent.diagnosis.kind, agent.diagnosis.taskId ? ` · task ${agent.diagnosis.taskId}` : ''),
            h('pre', { class: 'prose' }, agent.diagnosis.problem),
          )
        : h('p', { class: 'empty' }, 'None: the initial agent was not made from a diagnosis.'),
      h('h3', {}, 'Spend per phase'),
      table(
        ['phase', 'tokens', 'spend', 'time'],
        [
          ['diagnosis', agent.phases.diagnosis],
          ['self-modification', agent.phases.selfModification],
          ['evaluation', agent.phases.evaluation],
        ].map(([name, spend]) => {
          const phase = spend as DgmAgentDetail['phases']['diagnosis'];
          return [name as string, phase.tokens, formatUsd(phase.costUsd), formatDuration(phase.wallMs)];
        }),
        'compact',
      ),
      tasksView(agent),
      h('h3', {}, 'Changes from its parent'),
      patchView(agent.diff, agent.parentId === null ? 'The initial agent has no parent to compare with.' : 'No change from its parent.'),
    );
  };
}

function fact(label: string, value: string): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, value)];
}

function tasksView(agent: DgmAgentDetail): HTMLElement | null {
  if (!agent.results.length) return null;
  const resolved = agent.results.filter((result) => result.status === 'resolved').length;
  return h(
    'details',
    { class: 'message' },
    h('summary', {}, `Tasks: ${resolved} of ${agent.results.length} resolved`),
    ...agent.results.map((result) =>
      h(
        'details',
        { class: 'message task' },
        h(
          'summary',
          {},
          h('span', { class: `badge task-${result.status}` }, result.status),
          ' ',
          h('span', { class: 'mono' }, result.taskId),
          h('span', { class: 'muted' }, ` ${result.set}`),
          result.reason ? h('span', { class: 'muted' }, ` · ${result.reason}`) : null,
        ),
        h('pre', { class: 'prose' }, result.output || '(no output)'),
      ),
    ),
  );
}
