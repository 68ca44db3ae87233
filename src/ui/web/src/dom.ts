/** A tiny element builder: every string becomes a text node, so stored text never becomes markup. */
type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

/** A table from headers and rows; numeric cells are right-aligned. */
export function table(headers: string[], rows: Child[][], className = ''): HTMLTableElement {
  return h(
    'table',
    { class: `data ${className}`.trim() },
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h(
          'tr',
          {},
          ...row.map((cell) =>
            h('td', { class: typeof cell === 'number' ? 'number' : null }, typeof cell === 'number' ? cell.toLocaleString('en-US') : cell),
          ),
        ),
      ),
    ),
  );
}

export function section(title: string, ...children: Child[]): HTMLElement {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return h('section', { class: 'card', 'data-section': slug }, h('h2', {}, title), ...children);
}

export function link(href: string, text: string, className?: string): HTMLAnchorElement {
  return h('a', { href, class: className }, text);
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/**
 * A table row that opens `href` when clicked anywhere but on a link of its own (which opens itself).
 *
 * @example
 * linkedRow(`#/run/${id}`, { 'data-run': id }, h('td', {}, link(`#/run/${id}`, id)), h('td', {}, status));
 */
export function linkedRow(href: string, attributes: Attributes, ...cells: Child[]): HTMLTableRowElement {
  const row = h('tr', { class: 'clickable', ...attributes }, ...cells);
  row.addEventListener('click', (event) => {
    if ((event.target as HTMLElement).closest('a')) return;
    location.hash = href;
  });
  return row;
}
