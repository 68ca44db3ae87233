import type { FlywheelRoundRow } from '../../../api-types.ts';
import { h } from '../dom.ts';
import { formatCount, formatTime, formatUsd } from '../format.ts';
import { passAtKName, share } from './flywheel-charts.ts';

/** A model id as a cell shows it: the name after `#` of a `compat:<url>#<name>` id, the whole id on hover. */
export function shortModel(model: string): HTMLElement {
  const at = model.lastIndexOf('#');
  return h('span', { class: 'mono', title: model }, at === -1 ? model : model.slice(at + 1));
}

type Column = [label: string, numeric: boolean];

function head(columns: Column[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...columns.map(([label, numeric]) => h('th', { class: numeric ? 'number' : null }, label))));
}

const count = (value: number | null) => h('td', { class: 'number' }, value === null ? '–' : formatCount(value));
const fraction = (value: number | null, className = '') => h('td', { class: `number ${className}`.trim() }, share(value));

/** The last state of the round's training job: a badge, the model it made, and its error in full. */
function jobCell(job: FlywheelRoundRow['job']): HTMLTableCellElement {
  if (!job) return h('td', { class: 'muted', title: 'no training job for this round' }, '–');
  return h(
    'td',
    { 'data-job': job.status },
    h(
      'span',
      { class: `badge job-${job.status.replace(/[^a-z-]/gi, '')}`, title: `${job.trainer} job ${job.id}, ${formatTime(job.at)}` },
      job.status,
    ),
    job.model ? h('span', {}, ' ', shortModel(job.model)) : null,
    job.error ? h('span', { class: 'job-error' }, job.error) : null,
  );
}

/** The guard's verdict: a red `flagged` badge with its reason, or nothing for a round that passed. */
function guardCell(round: FlywheelRoundRow): HTMLTableCellElement {
  if (round.status === 'complete') return h('td', { class: 'muted' }, 'ok');
  const reason = round.message ?? (round.status === 'flagged' ? 'flagged by the collapse guard' : round.status);
  return h(
    'td',
    {},
    h('span', { class: `badge ${round.status === 'flagged' ? 'flag-collapse' : 'job-failed'}`, title: reason }, round.status),
    h('span', { class: 'guard-reason' }, ` ${reason}`),
  );
}

/**
 * One row per round, with the columns of `ouro flywheel show`: model, tasks, samples, verified,
 * kept, pairs, pass@1, pass@K, held-out accuracy, diversity, tokens, cost, the training job, and
 * the guard's verdict. Flagged rounds are marked red.
 */
export function roundsTable(rounds: readonly FlywheelRoundRow[]): HTMLTableElement {
  const columns: Column[] = [
    ['Round', true],
    ['Model', false],
    ['Tasks', true],
    ['Samples', true],
    ['Verified', true],
    ['Kept', true],
    ['Pairs', true],
    ['pass@1', true],
    [passAtKName(rounds), true],
    ['Held-out', true],
    ['Diversity', true],
    ['Tokens', true],
    ['Cost', true],
    ['Job', false],
    ['Guard', false],
  ];
  const rows = rounds.map((round) => {
    const { figures } = round;
    return h(
      'tr',
      { class: round.status === 'flagged' ? 'flagged' : null, 'data-round': round.round, 'data-status': round.status },
      h('td', { class: 'number mono' }, String(round.round)),
      h('td', {}, shortModel(round.model)),
      count(figures.tasks),
      count(figures.samples),
      count(figures.checked),
      count(figures.kept),
      count(figures.pairs),
      fraction(figures.passAt1),
      fraction(figures.passAtK),
      fraction(figures.heldOutAccuracy, 'strong'),
      fraction(figures.answerDiversity),
      count(figures.tokens),
      h('td', { class: 'number' }, figures.costUsd === null ? '–' : formatUsd(figures.costUsd)),
      jobCell(round.job),
      guardCell(round),
    );
  });
  return h('table', { class: 'data flywheel-table rounds-table' }, head(columns), h('tbody', {}, ...rows));
}

/**
 * The figures behind the balance of exploration and exploitation (B-STaR): distinct correct
 * answers, how accurate the kept examples are, the balance, what was kept by origin, and the
 * sampling settings of the round (moved by adaptation when it is on).
 */
export function figuresTable(rounds: readonly FlywheelRoundRow[]): HTMLTableElement {
  const columns: Column[] = [
    ['Round', true],
    ['Distinct correct', true],
    ['Selected accuracy', true],
    ['Balance', true],
    ['Kept (sample / rationalised / human)', true],
    ['K', true],
    ['Temperature', true],
    ['Adaptation', false],
  ];
  const rows = rounds.map((round) => {
    const { figures } = round;
    const origin = (name: string) => formatCount(figures.keptByOrigin[name] ?? 0);
    return h(
      'tr',
      { 'data-round': round.round },
      h('td', { class: 'number mono' }, String(round.round)),
      fraction(figures.distinctCorrect),
      h('td', { class: 'number', title: figures.accuracyNote ?? null }, share(figures.selectedAccuracy), figures.accuracyNote ? ' *' : ''),
      fraction(figures.balance),
      h('td', { class: 'number' }, `${origin('sample')} / ${origin('rationalised')} / ${origin('human')}`),
      count(figures.k),
      h('td', { class: 'number' }, figures.temperature === null ? '–' : String(figures.temperature)),
      h('td', { class: figures.adaptation ? null : 'muted' }, figures.adaptation ?? '–'),
    );
  });
  return h('table', { class: 'data flywheel-table figures-table' }, head(columns), h('tbody', {}, ...rows));
}

/** Every export of every round: format, rows, SHA-256 (first 12 digits, all on hover) and the file as written. */
export function exportsTable(rounds: readonly FlywheelRoundRow[]): HTMLTableElement {
  const columns: Column[] = [
    ['Round', true],
    ['Export', false],
    ['Rows', true],
    ['SHA-256', false],
    ['File', false],
  ];
  const rows = rounds.flatMap((round) =>
    round.exports.map((written) =>
      h(
        'tr',
        { 'data-round': round.round, 'data-export': written.kind },
        h('td', { class: 'number mono' }, String(round.round)),
        h('td', {}, written.kind),
        count(written.rows),
        h('td', { class: 'mono sha', title: written.sha256 }, written.sha256.slice(0, 12)),
        h('td', { class: 'mono file' }, written.file),
      ),
    ),
  );
  return h('table', { class: 'data flywheel-table exports-table' }, head(columns), h('tbody', {}, ...rows));
}
