import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OuroError } from '../../core/errors.ts';

/** The prompt templates, one file each: `<name>.md`. */
export const TEMPLATE_NAMES = ['system', 'llm-diff', 'llm-rewrite', 'llm-crossover', 'llm-reflect', 'llm-fix', 'llm-merge'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type OperatorTemplateName = Exclude<TemplateName, 'system'>;

/** What a template may refer to as `{{name}}`, or wrap as `{{#name}}...{{/name}}`. */
export const PLACEHOLDERS = [
  'description',
  'parent',
  'parent_score',
  'feedback',
  'artifacts',
  'instances',
  'error',
  'inspirations',
  'lessons',
  'second_parent',
  'format',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type TemplateNode =
  | { kind: 'text'; text: string; bytes: number; tokens?: number }
  | { kind: 'value'; name: Placeholder }
  | { kind: 'section'; name: Placeholder; children: TemplateNode[] };

export interface Template {
  name: TemplateName;
  /** `built-in`, or the override file it was read from. */
  source: string;
  nodes: TemplateNode[];
}

export type Templates = Readonly<Record<TemplateName, Template>>;

const TAG = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);
const BUILT_IN_DIR = new URL('./templates/', import.meta.url);
let builtIns: Templates | undefined;

/**
 * The built-in templates, each replaced by `<overrideDir>/<name>.md` when that file exists.
 * Throws `config-invalid` naming the file and the placeholder when an override refers to a
 * placeholder that does not exist, or leaves a `{{#section}}` unclosed.
 *
 * @example
 * const templates = loadTemplates('experiments/packing/prompts'); // prompts/llm-diff.md replaces the built-in one
 */
export function loadTemplates(overrideDir?: string): Templates {
  builtIns ??= Object.fromEntries(
    TEMPLATE_NAMES.map((name) => [name, parseTemplate(readFileSync(new URL(`${name}.md`, BUILT_IN_DIR), 'utf8'), name, 'built-in')]),
  ) as Record<TemplateName, Template>;
  if (overrideDir === undefined) return builtIns;
  const templates = { ...builtIns };
  for (const name of TEMPLATE_NAMES) {
    const file = join(overrideDir, `${name}.md`);
    if (existsSync(file)) templates[name] = parseTemplate(readFileSync(file, 'utf8'), name, file);
  }
  return templates;
}

/**
 * The text of one template as a run starts from it: `<overrideDir>/<name>.md` when that file
 * exists, else the built-in one; `source` is the file, or `built-in`.
 *
 * @example
 * templateSource('llm-diff', 'experiments/packing/prompts'); // { text: '## The current version ...', source: 'built-in' }
 */
export function templateSource(name: TemplateName, overrideDir?: string): { text: string; source: string } {
  const file = overrideDir === undefined ? undefined : join(overrideDir, `${name}.md`);
  if (file !== undefined && existsSync(file)) return { text: readFileSync(file, 'utf8'), source: file };
  return { text: readFileSync(new URL(`${name}.md`, BUILT_IN_DIR), 'utf8'), source: 'built-in' };
}

/** The placeholders a template fills as values (`{{name}}`, inside sections too), each once, in order of first use. */
export function valuePlaceholders(template: Template): Placeholder[] {
  const found = new Set<Placeholder>();
  const walk = (nodes: readonly TemplateNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'value') found.add(node.name);
      else if (node.kind === 'section') walk(node.children);
    }
  };
  walk(template.nodes);
  return [...found];
}

/**
 * Checks a variant of an operator's template (one the model rewrote, or one pruned): it must
 * parse, with known placeholders and closed sections, and still fill every placeholder value that
 * `parentText` fills, since each carries something the operator needs (`{{format}}` the reply
 * shape, `{{parent}}` the code). Returns the parsed variant, or why it fails.
 *
 * @example
 * checkVariant('llm-diff', parentText, parentText.replace('{{format}}', ''), 'llm-diff.4');
 * // { failure: 'it drops {{format}}, which the parent template fills' }
 */
export function checkVariant(name: OperatorTemplateName, parentText: string, text: string, source: string): Template | { failure: string } {
  if (text.trim() === '') return { failure: 'the template is empty' };
  let variant: Template;
  try {
    variant = parseTemplate(text, name, source);
  } catch (error) {
    return { failure: `the template check failed: ${(error as Error).message}` };
  }
  const kept = new Set(valuePlaceholders(variant));
  const lost = valuePlaceholders(parseTemplate(parentText, name, 'the parent template')).filter((placeholder) => !kept.has(placeholder));
  if (lost.length > 0) {
    const names = lost.map((placeholder) => `{{${placeholder}}}`).join(', ');
    return { failure: `it drops ${names}, which the parent template fills` };
  }
  return variant;
}

const CHOSEN_CACHE = 64;
const chosen = new Map<string, Template>();

/**
 * The templates with `name`'s replaced by one given as text for a single call (an evolved
 * template, see `ProposalContext.promptTemplate`); each text is parsed once and kept for reuse.
 * A text that does not parse is a failure that names the template's id.
 */
export function withTemplate(
  templates: Templates,
  name: OperatorTemplateName,
  choice: { id: string; text: string },
): Templates | { failure: string } {
  const key = `${name}\0${choice.text}`;
  let template = chosen.get(key);
  if (template === undefined) {
    try {
      template = parseTemplate(choice.text, name, `prompt template ${choice.id}`);
    } catch (error) {
      return { failure: (error as Error).message };
    }
    if (chosen.size >= CHOSEN_CACHE) chosen.clear();
    chosen.set(key, template);
  }
  return { ...templates, [name]: template };
}

/** Parses `{{name}}` values and `{{#name}}...{{/name}}` sections, which show only when `name` is non-empty. */
export function parseTemplate(text: string, name: TemplateName, source: string): Template {
  const root: TemplateNode[] = [];
  const stack: Array<{ name: Placeholder; children: TemplateNode[] }> = [];
  let target = root;
  let cursor = 0;
  const fail = (message: string): never => {
    throw new OuroError('config-invalid', `${source === 'built-in' ? `built-in template ${name}.md` : source}: ${message}`, {
      field: 'prompts',
      ...(source === 'built-in' ? {} : { file: source }),
    });
  };
  for (const match of text.matchAll(TAG)) {
    const [whole, sigil, placeholder] = match as unknown as [string, string, string];
    const at = match.index ?? 0;
    if (at > cursor) target.push(textNode(text.slice(cursor, at)));
    cursor = at + whole.length;
    if (!KNOWN.has(placeholder)) {
      fail(`unknown placeholder {{${sigil}${placeholder}}}; the placeholders are ${PLACEHOLDERS.join(', ')}`);
    }
    const known = placeholder as Placeholder;
    if (sigil === '#') {
      const section = { name: known, children: [] as TemplateNode[] };
      target.push({ kind: 'section', ...section });
      stack.push(section);
      target = section.children;
    } else if (sigil === '/') {
      const open = stack.pop();
      if (open === undefined || open.name !== known)
        fail(`{{/${known}}} closes ${open === undefined ? 'no section' : `{{#${open.name}}}`}`);
      target = stack.length === 0 ? root : (stack[stack.length - 1] as { children: TemplateNode[] }).children;
    } else {
      target.push({ kind: 'value', name: known });
    }
  }
  if (stack.length > 0) fail(`{{#${(stack[stack.length - 1] as { name: string }).name}}} is never closed`);
  if (cursor < text.length) target.push(textNode(text.slice(cursor)));
  return { name, source, nodes: root };
}

function textNode(text: string): TemplateNode {
  return { kind: 'text', text, bytes: Buffer.byteLength(text, 'utf8') };
}

export type Values = Readonly<Record<Placeholder, string>>;

/** Fills a template; runs of blank lines left by empty sections collapse to one. */
export function renderTemplate(template: Template, values: Values): string {
  const out: string[] = [];
  const walk = (nodes: readonly TemplateNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'text') out.push(node.text);
      else if (node.kind === 'value') out.push(values[node.name]);
      else if (values[node.name] !== '') walk(node.children);
    }
  };
  walk(template.nodes);
  return out
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The size of a filled template, from the sizes of its literal text and of each value, without
 * building the text: `sizeOf` measures literal text, `valueSize` a placeholder's value.
 */
export function measureTemplate(
  template: Template,
  values: Values,
  sizeOf: (node: Extract<TemplateNode, { kind: 'text' }>) => number,
  valueSize: (name: Placeholder) => number,
): number {
  let total = 0;
  const walk = (nodes: readonly TemplateNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'text') total += sizeOf(node);
      else if (node.kind === 'value') total += valueSize(node.name);
      else if (values[node.name] !== '') walk(node.children);
    }
  };
  walk(template.nodes);
  return total;
}
