import type { CandidateDetail } from '../../../api-types.ts';
import { api } from '../api.ts';
import { clear, empty, h, section, table } from '../dom.ts';
import { formatCount, formatDuration, formatScore, formatUsd } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { artifactsView } from './artifacts.ts';
import { genomeDiff } from './diff-view.ts';
import { statusBadge } from './run-header.ts';

const MAX_LINKS = 60;

/** `#/candidate/<id>`: everything known about one candidate. */
export async function showCandidate(context: ViewContext, candidateId: string): Promise<void> {
  const candidate = await api.candidate(candidateId);
  if (!context.current()) return;
  clear(context.root);
  document.title = `${candidate.id} · Ouroboros`;
  const { evaluation, origin } = candidate;
  const runHref = `#/run/${encodeURIComponent(candidate.runId)}`;
  context.root.append(
    h(
      'header',
      { class: 'page-header' },
      h(
        'nav',
        { class: 'breadcrumb' },
        h('a', { href: '#/' }, 'Runs'),
        ' / ',
        h('a', { href: runHref, class: 'mono' }, candidate.runId),
        ' / ',
        h('a', { href: `${runHref}/lineage` }, 'lineage'),
      ),
      h(
        'div',
        { class: 'title-row' },
        h('h1', { class: 'mono' }, candidate.id),
        statusBadge(evaluation.status),
        h('span', { class: 'title-score' }, formatScore(evaluation.score)),
      ),
      h(
        'dl',
        { class: 'facts' },
        ...fact('seq', String(candidate.seq)),
        ...fact('generation', String(candidate.generation)),
        ...fact('island', String(candidate.island)),
        ...fact('operator', origin.operator),
        ...fact('model', origin.model ?? '–'),
        ...fact('stage', evaluation.stage || '–'),
        ...fact('evaluated in', formatDuration(evaluation.durationMs)),
      ),
    ),
    h(
      'div',
      { class: 'columns' },
      section('Parents', links(candidate.parents, 'The initial candidate.')),
      section('Children', links(candidate.children, 'No children yet.')),
    ),
    section(
      'Origin',
      origin.description ? h('p', { class: 'description' }, origin.description) : null,
      origin.rationale ? h('div', {}, h('h3', {}, 'Rationale'), h('pre', { class: 'prose' }, origin.rationale)) : null,
      !origin.description && !origin.rationale ? empty('No description.') : null,
    ),
    section('Changes from its parent', genomeDiff(candidate.parentGenome, candidate.genome, 'split')),
    evaluationSection(candidate),
    section('Model calls', callsView(candidate)),
    section('Genome', genomeView(candidate.genome)),
  );
  markReady('candidate');
}

function fact(label: string, value: string): HTMLElement[] {
  return [h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value))];
}

function links(ids: string[], none: string): HTMLElement {
  if (!ids.length) return empty(none);
  const shown = ids.slice(0, MAX_LINKS);
  return h(
    'div',
    { class: 'links' },
    ...shown.map((id) => h('a', { href: `#/candidate/${encodeURIComponent(id)}`, class: 'chip mono' }, id)),
    ids.length > shown.length ? h('span', { class: 'muted' }, `and ${formatCount(ids.length - shown.length)} more`) : null,
  );
}

function numbers(record: Record<string, number>, label: string): HTMLElement | null {
  const entries = Object.entries(record);
  if (!entries.length) return null;
  return h(
    'div',
    {},
    h('h3', {}, label),
    table(
      ['name', 'value'],
      entries.map(([name, value]) => [h('span', { class: 'mono' }, name), h('span', { class: 'number' }, formatScore(value))]),
      'compact',
    ),
  );
}

function evaluationSection(candidate: CandidateDetail): HTMLElement {
  const { evaluation } = candidate;
  return section(
    'Evaluation',
    h(
      'div',
      { class: 'columns three' },
      numbers(evaluation.metrics, 'Metrics') ?? h('div', {}, h('h3', {}, 'Metrics'), empty('None.')),
      numbers(evaluation.features, 'Features'),
      numbers(evaluation.instances, 'Per-instance scores'),
      numbers(evaluation.privateMetrics, 'Private metrics (never shown to models)'),
    ),
    evaluation.error ? h('div', {}, h('h3', {}, 'Error'), h('pre', { class: 'error-text' }, evaluation.error)) : null,
    evaluation.feedback ? h('div', {}, h('h3', {}, 'Feedback'), h('pre', { class: 'prose' }, evaluation.feedback)) : null,
    Object.keys(evaluation.artifacts).length ? h('div', {}, h('h3', {}, 'Artifacts'), artifactsView(evaluation.artifacts)) : null,
  );
}

function callsView(candidate: CandidateDetail): HTMLElement {
  if (!candidate.calls.length) return empty(`No model call: ${candidate.origin.operator} is an embedded operator.`);
  return h(
    'div',
    { class: 'calls' },
    ...candidate.calls.map((call, index) =>
      h(
        'div',
        { class: 'call' },
        h(
          'div',
          { class: 'call-header' },
          h('strong', {}, `Call ${index + 1}`),
          h('span', { class: 'mono' }, call.model),
          h('span', { class: 'muted' }, call.operator),
          h('span', {}, `${formatCount(call.inputTokens)} in · ${formatCount(call.outputTokens)} out`),
          h('span', {}, formatUsd(call.costUsd)),
          h('span', { class: 'muted' }, formatDuration(call.latencyMs)),
        ),
        call.error ? h('pre', { class: 'error-text' }, call.error) : null,
        ...call.messages.map((message) =>
          h(
            'details',
            { class: 'message' },
            h(
              'summary',
              {},
              h('span', { class: `role role-${message.role}` }, message.role),
              ` ${formatCount(message.content.length)} characters`,
            ),
            h('pre', { class: 'prose' }, message.content),
          ),
        ),
        h(
          'details',
          { class: 'message', open: true },
          h('summary', {}, h('span', { class: 'role role-assistant' }, 'reply')),
          h('pre', { class: 'prose' }, call.reply ?? '(no reply)'),
        ),
      ),
    ),
  );
}

function genomeView(genome: Record<string, string>): HTMLElement {
  const names = Object.keys(genome).sort();
  return h(
    'div',
    { class: 'genome' },
    ...names.map((name, index) => {
      const lines = (genome[name] ?? '').split('\n');
      return h(
        'details',
        { class: 'genome-file', open: index < 3 },
        h('summary', {}, h('span', { class: 'mono' }, name), h('span', { class: 'muted' }, ` ${formatCount(lines.length)} lines`)),
        h(
          'table',
          { class: 'code-table' },
          h(
            'tbody',
            {},
            ...lines.map((line, number) => h('tr', {}, h('td', { class: 'line-number' }, number + 1), h('td', { class: 'code' }, line))),
          ),
        ),
      );
    }),
  );
}
