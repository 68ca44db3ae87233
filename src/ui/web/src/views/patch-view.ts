import { h } from '../dom.ts';
import { patchFiles, type PatchLine } from '../line-diff.ts';

/**
 * A stored unified diff, file by file, in the look of the genome diff: old and new line numbers,
 * removed lines red, added lines green, a header row per hunk.
 */
export function patchView(text: string, none: string): HTMLElement {
  const container = h('div', { class: 'diff diff-unified patch' });
  const files = patchFiles(text);
  if (!files.length) {
    container.append(h('p', { class: 'empty' }, none));
    return container;
  }
  for (const file of files) {
    container.append(
      h(
        'div',
        { class: 'diff-file' },
        h(
          'div',
          { class: 'diff-file-name' },
          h('span', { class: 'mono' }, file.name),
          file.label && h('span', { class: 'tag' }, file.label),
          h('span', { class: 'diff-added' }, `+${file.added}`),
          h('span', { class: 'diff-removed' }, `−${file.removed}`),
        ),
        h(
          'table',
          { class: 'diff-table' },
          h('colgroup', {}, h('col', { class: 'number-column' }), h('col', { class: 'number-column' }), h('col')),
          h('tbody', {}, ...file.lines.map(row)),
        ),
      ),
    );
  }
  return container;
}

const SIGNS: Record<PatchLine['kind'], string> = { hunk: '', same: ' ', added: '+', removed: '-' };

function row(line: PatchLine): HTMLTableRowElement {
  if (line.kind === 'hunk') return h('tr', { class: 'row-hunk' }, h('td', { colspan: 3 }, line.text));
  return h(
    'tr',
    { class: `row-${line.kind}` },
    h('td', { class: 'line-number' }, line.old ?? ''),
    h('td', { class: 'line-number' }, line.new ?? ''),
    h('td', { class: `code ${line.kind}` }, `${SIGNS[line.kind]} ${line.text}`),
  );
}
