const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function parse(template) {
  const root = { type: 'root', children: [] };
  const stack = [root];
  const pattern = /\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{\s*([^}]*?)\s*\}\}/g;
  let last = 0;
  const top = () => stack[stack.length - 1];
  const add = (node) => (top().inElse ? top().otherwise : top().children).push(node);
  for (let match; (match = pattern.exec(template)) !== null;) {
    add({ type: 'text', text: template.slice(last, match.index) });
    last = pattern.lastIndex;
    if (match[1] !== undefined) { add({ type: 'value', path: match[1], raw: true }); continue; }
    const tag = match[2];
    if (tag.startsWith('#')) {
      const [kind, path = ''] = tag.slice(1).split(/\s+/);
      if (kind !== 'each' && kind !== 'if') throw new SyntaxError(`unknown block "${kind}"`);
      const node = { type: kind, path, children: [], otherwise: [], inElse: false };
      add(node);
      stack.push(node);
    } else if (tag.startsWith('/')) {
      if (stack.length === 1 || top().type !== tag.slice(1).trim()) throw new SyntaxError(`unexpected {{${tag}}}`);
      stack.pop();
    } else if (tag === 'else') {
      if (top().type !== 'if' || top().inElse) throw new SyntaxError('unexpected {{else}}');
      top().inElse = true;
    } else add({ type: 'value', path: tag, raw: false });
  }
  if (stack.length > 1) throw new SyntaxError(`unclosed {{#${top().type}}}`);
  add({ type: 'text', text: template.slice(last) });
  return root;
}

function lookup(path, scopes) {
  if (path === '.') return scopes[0].value;
  if (path === '@index') return scopes.find((scope) => scope.index !== undefined)?.index;
  const [head, ...rest] = path.split('.');
  const scope = scopes.find(({ value }) => value !== null && typeof value === 'object' && head in value);
  let value = scope?.value[head];
  for (const name of rest) value = value === null || value === undefined ? undefined : value[name];
  return value;
}

function renderNodes(nodes, scopes) {
  return nodes.map((node) => {
    if (node.type === 'text') return node.text;
    const value = lookup(node.path, scopes);
    if (node.type === 'value') { const text = value === null || value === undefined ? '' : String(value); return node.raw ? text : escape(text); }
    if (node.type === 'if') return renderNodes((Array.isArray(value) ? value.length > 0 : value) ? node.children : node.otherwise, scopes);
    return (Array.isArray(value) ? value : []).map((item, index) => renderNodes(node.children, [{ value: item, index }, ...scopes])).join('');
  }).join('');
}

export function render(template, data) {
  return renderNodes(parse(template).children, [{ value: data }]);
}
