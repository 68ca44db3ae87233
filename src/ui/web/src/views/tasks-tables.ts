import type { TasksKeptRow, TasksRunDetail } from '../../../api-types.ts';
import { h } from '../dom.ts';
import { formatCount, formatTime } from '../format.ts';
import { rate } from './tasks-charts.ts';

type Column = [label: string, numeric: boolean];
type Band = TasksRunDetail['passRates']['band'];

function head(columns: Column[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...columns.map(([label, numeric]) => h('th', { class: numeric ? 'number' : null }, label))));
}

/** Where a pass rate lies against the band: `inside` (strictly, as learnability decides), `too-easy`, `too-hard`, or none. */
export function bandPlace(passRate: number | null, band: Band): 'inside' | 'too-easy' | 'too-hard' | null {
  if (passRate === null || band === null) return null;
  if (passRate >= band.high) return 'too-easy';
  if (passRate <= band.low) return 'too-hard';
  return 'inside';
}

function passRateCell(row: TasksKeptRow, band: Band): HTMLTableCellElement {
  const place = bandPlace(row.passRate, band);
  const title = place === null ? null : place === 'inside' ? 'inside the learnability band' : `outside the band: ${place}`;
  return h('td', { class: `number ${place ? `band-${place}` : ''}`.trim(), 'data-band': place, title }, rate(row.passRate));
}

/** Every kept task with its pass rate (coloured by where it lies against the band) and the solver's attempts. */
export function keptTable(kept: readonly TasksKeptRow[], band: Band): HTMLTableElement {
  const columns: Column[] = [
    ['Seq', true],
    ['Task', false],
    ['Title', false],
    ['Category', false],
    ['Pass rate', true],
    ['Attempts', true],
  ];
  const rows = kept.map((row) =>
    h(
      'tr',
      { 'data-seq': row.seq, 'data-task': row.id },
      h('td', { class: 'number mono' }, String(row.seq)),
      h('td', { class: 'mono task-id', title: row.id }, row.id),
      h('td', {}, row.title),
      h('td', { class: 'mono' }, row.category),
      passRateCell(row, band),
      h(
        'td',
        { class: 'number', title: `${row.passed} passed` },
        row.attempts ? `${formatCount(row.passed)} / ${formatCount(row.attempts)}` : '–',
      ),
    ),
  );
  return h('table', { class: 'data tasks-table kept-table' }, head(columns), h('tbody', {}, ...rows));
}

/** The latest rejections, newest first: the reason as a badge and the validator's one-line detail. */
export function rejectionsTable(rejections: TasksRunDetail['rejections']): HTMLTableElement {
  const columns: Column[] = [
    ['Seq', true],
    ['Reason', false],
    ['Category', false],
    ['Detail', false],
    ['At', false],
  ];
  const rows = rejections.map((row) =>
    h(
      'tr',
      { 'data-seq': row.seq, 'data-reason': row.reason },
      h('td', { class: 'number mono' }, String(row.seq)),
      h('td', {}, h('span', { class: `badge reason-${row.reason.replace(/[^a-z-]/gi, '')}` }, row.reason)),
      h('td', { class: 'mono' }, row.category),
      h('td', { class: 'detail' }, row.detail),
      h('td', { class: 'muted' }, formatTime(row.createdAt)),
    ),
  );
  return h('table', { class: 'data tasks-table rejections-table' }, head(columns), h('tbody', {}, ...rows));
}

/** Self-play episodes by game. */
export function episodesTable(episodes: TasksRunDetail['episodes']): HTMLTableElement {
  const rows = episodes.map((row) =>
    h('tr', { 'data-game': row.game }, h('td', { class: 'mono' }, row.game), h('td', { class: 'number' }, formatCount(row.count))),
  );
  return h(
    'table',
    { class: 'data tasks-table episodes-table' },
    head([
      ['Game', false],
      ['Episodes', true],
    ]),
    h('tbody', {}, ...rows),
  );
}
