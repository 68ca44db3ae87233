export function parseCsv(text, options = {}) {
  const delimiter = options.delimiter ?? ',';
  const rows = [];
  let row = [];
  let field = '';
  let index = 0;
  const endRow = () => { row.push(field); rows.push(row); row = []; field = ''; };
  while (index < text.length) {
    const character = text[index];
    if (character === '"' && field === '') {
      let end = index + 1;
      for (;;) {
        if (end >= text.length) throw new SyntaxError(`unterminated quoted field at ${index}`);
        if (text[end] === '"') {
          if (text[end + 1] === '"') { field += '"'; end += 2; continue; }
          break;
        }
        field += text[end++];
      }
      index = end + 1;
      const next = text[index];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') throw new SyntaxError(`unexpected "${next}" after a quoted field at ${index}`);
      if (field === '') field = '\u0000quoted';
      continue;
    }
    if (character === delimiter) { row.push(field === '\u0000quoted' ? '' : field); field = ''; index++; continue; }
    if (character === '\r' && text[index + 1] === '\n') index++;
    if (character === '\n' || character === '\r') {
      if (field === '\u0000quoted') field = '';
      endRow();
      index++;
      continue;
    }
    field += character;
    index++;
  }
  if (field === '\u0000quoted') field = '';
  if (field !== '' || row.length > 0 || (text.length > 0 && !/\r?\n$/.test(text))) endRow();
  return rows;
}
