import { h } from '../dom.ts';
import { countChanges, foldUnchanged, sideBySide, type DiffRow, type Fold } from '../line-diff.ts';

type Genome = Record<string, string>;

/**
 * The changes from a parent's genome to a child's, file by file: `split` puts the two side by
 * side, `unified` stacks them for narrow panels.
 */
export function genomeDiff(before: Genome | null, after: Genome, mode: 'split' | 'unified'): HTMLElement {
  const container = h('div', { class: `diff diff-${mode}` });
  if (!before) {
    container.append(h('p', { class: 'empty' }, 'The initial candidate has no parent to compare with.'));
    return container;
  }
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const unchanged = names.filter((name) => before[name] === after[name]);
  for (const name of names) {
    if (before[name] === after[name]) continue;
    const rows = sideBySide(before[name] ?? '', after[name] ?? '');
    const { added, removed } = countChanges(rows);
    const label = before[name] === undefined ? 'new file' : after[name] === undefined ? 'deleted' : '';
    container.append(
      h(
        'div',
        { class: 'diff-file' },
        h(
          'div',
          { class: 'diff-file-name' },
          h('span', { class: 'mono' }, name),
          label && h('span', { class: 'tag' }, label),
          h('span', { class: 'diff-added' }, `+${added}`),
          h('span', { class: 'diff-removed' }, `−${removed}`),
        ),
        mode === 'split' ? splitTable(foldUnchanged(rows)) : unifiedTable(foldUnchanged(rows)),
      ),
    );
  }
  if (unchanged.length === names.length) container.append(h('p', { class: 'empty' }, 'Identical to its parent.'));
  else if (unchanged.length) container.append(h('p', { class: 'muted' }, `Unchanged: ${unchanged.join(', ')}`));
  return container;
}

function splitTable(items: Array<DiffRow | Fold>): HTMLTableElement {
  const body = h('tbody');
  const render = (row: DiffRow) =>
    h(
      'tr',
      { class: `row-${row.kind}` },
      h('td', { class: 'line-number' }, row.left?.number ?? ''),
      h('td', { class: `code ${row.left && row.kind !== 'same' ? 'removed' : ''}` }, row.left?.text ?? ''),
      h('td', { class: 'line-number' }, row.right?.number ?? ''),
      h('td', { class: `code ${row.right && row.kind !== 'same' ? 'added' : ''}` }, row.right?.text ?? ''),
    );
  for (const item of items) body.append(item.kind === 'fold' ? foldRow(item, 4, (rows) => rows.map(render)) : render(item));
  return h(
    'table',
    { class: 'diff-table' },
    h('colgroup', {}, h('col', { class: 'number-column' }), h('col'), h('col', { class: 'number-column' }), h('col')),
    body,
  );
}

function unifiedTable(items: Array<DiffRow | Fold>): HTMLTableElement {
  const body = h('tbody');
  const line = (sign: string, number: number | undefined, text: string, kind: string) =>
    h(
      'tr',
      { class: `row-${kind}` },
      h('td', { class: 'line-number' }, number ?? ''),
      h('td', { class: `code ${kind}` }, `${sign} ${text}`),
    );
  const renderSame = (row: DiffRow) => line(' ', row.right?.number, row.right?.text ?? '', 'same');
  let pending: DiffRow[] = [];
  const flush = () => {
    for (const row of pending) if (row.left) body.append(line('-', row.left.number, row.left.text, 'removed'));
    for (const row of pending) if (row.right) body.append(line('+', row.right.number, row.right.text, 'added'));
    pending = [];
  };
  for (const item of items) {
    if (item.kind !== 'fold' && item.kind !== 'same') {
      pending.push(item);
      continue;
    }
    flush();
    body.append(item.kind === 'fold' ? foldRow(item, 2, (rows) => rows.map(renderSame)) : renderSame(item));
  }
  flush();
  return h('table', { class: 'diff-table' }, h('colgroup', {}, h('col', { class: 'number-column' }), h('col')), body);
}

/** A row that stands for hidden unchanged lines and shows them when clicked. */
function foldRow(fold: Fold, columns: number, render: (rows: DiffRow[]) => HTMLElement[]): HTMLTableRowElement {
  const row = h(
    'tr',
    { class: 'row-fold', title: 'Show these lines' },
    h('td', { colspan: columns }, `⋯ ${fold.rows.length} unchanged line${fold.rows.length === 1 ? '' : 's'}`),
  );
  row.addEventListener('click', () => row.replaceWith(...render(fold.rows)));
  return row;
}
