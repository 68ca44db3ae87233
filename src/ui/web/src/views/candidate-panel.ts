import { api } from '../api.ts';
import { append, clear, h } from '../dom.ts';
import { formatDuration, formatScore } from '../format.ts';
import type { ViewContext } from '../view.ts';
import { genomeDiff } from './diff-view.ts';
import { statusBadge } from './run-header.ts';

/** Fills a side panel with one candidate: its figures, origin and diff. The latest call wins. */
export function candidatePanel(panel: HTMLElement, context: ViewContext): (candidateId: string) => Promise<void> {
  let latest = '';
  return async (candidateId) => {
    latest = candidateId;
    panel.dataset.loading = candidateId;
    const candidate = await api.candidate(candidateId).catch((error: Error) => error);
    if (latest !== candidateId || !context.current()) return;
    clear(panel);
    delete panel.dataset.loading;
    if (candidate instanceof Error) {
      panel.append(h('p', { class: 'error' }, candidate.message));
      return;
    }
    panel.dataset.candidate = candidate.id;
    const { evaluation, origin } = candidate;
    append(
      panel,
      h(
        'div',
        { class: 'panel-title' },
        h('a', { href: `#/candidate/${encodeURIComponent(candidate.id)}`, class: 'mono' }, candidate.id),
        statusBadge(evaluation.status),
        h('span', { class: 'panel-score' }, formatScore(evaluation.score)),
      ),
      h(
        'dl',
        { class: 'facts compact' },
        ...fact('operator', origin.operator),
        ...fact('model', origin.model ?? '–'),
        ...fact('generation', String(candidate.generation)),
        ...fact('island', String(candidate.island)),
        ...fact('evaluated in', formatDuration(evaluation.durationMs)),
      ),
      origin.description ? h('p', { class: 'description' }, origin.description) : null,
      evaluation.error ? h('pre', { class: 'error-text' }, evaluation.error) : null,
      h('h3', {}, 'Changes from its parent'),
      genomeDiff(candidate.parentGenome, candidate.genome, 'unified'),
      h('p', {}, h('a', { href: `#/candidate/${encodeURIComponent(candidate.id)}`, class: 'button' }, 'Open the candidate →')),
    );
  };
}

function fact(label: string, value: string): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, value)];
}
