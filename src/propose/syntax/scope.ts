import type { Node } from 'web-tree-sitter';
import type { Dialect } from './dialect.ts';
import { fieldOf } from './nodes.ts';

export interface Declared {
  name: string;
  /** The value it is first given, when the declaration gives one. */
  value?: Node;
}

export interface Parameter {
  name: string;
  /** The declared type as written, when there is one. */
  type?: string;
}

const BINDING_FIELDS = new Set(['name', 'pattern', 'declarator', 'left']);
const HOLDERS = new Set([
  'variable_declarator',
  'init_declarator',
  'assignment',
  'var_spec',
  'const_spec',
  'expression_list',
  'pattern_list',
  'tuple_pattern',
]);

/** The names a declaration statement binds, each with the value it is given. */
export function declaredNames(dialect: Dialect, statement: Node): Declared[] {
  if (!dialect.declarations.has(statement.type)) return [];
  const found: Declared[] = [];
  collectBindings(statement, found, undefined);
  return found;
}

function collectBindings(node: Node, found: Declared[], value: Node | undefined): void {
  const ownValue = node.childForFieldName('value') ?? node.childForFieldName('right') ?? value;
  for (let index = 0; index < node.namedChildCount; index++) {
    const child = node.namedChild(index);
    if (child === null) continue;
    const field = fieldOf(child);
    if (field !== null && BINDING_FIELDS.has(field)) {
      if (child.type === 'identifier') found.push({ name: child.text, ...(single(ownValue) ? { value: single(ownValue) } : {}) });
      else if (HOLDERS.has(child.type)) collectBindings(child, found, undefined);
    } else if (HOLDERS.has(child.type) || (field === null && child.type === 'identifier' && node.type === 'expression_list')) {
      if (child.type === 'identifier') found.push({ name: child.text });
      else collectBindings(child, found, undefined);
    }
  }
}

/** A value node, unwrapped from a one-element list (`x := 2.0`). */
function single(value: Node | undefined): Node | undefined {
  if (value === undefined) return undefined;
  if (value.type === 'expression_list') return value.namedChildCount === 1 ? (value.namedChild(0) ?? undefined) : undefined;
  return value;
}

/** The loop variables a loop header declares. */
export function loopNames(dialect: Dialect, loop: Node): string[] {
  const names: string[] = [];
  for (let index = 0; index < loop.namedChildCount; index++) {
    const child = loop.namedChild(index);
    if (child === null) continue;
    const field = fieldOf(child);
    if (field === 'initializer') {
      const declared = dialect.declarations.has(child.type) ? declaredNames(dialect, child) : [];
      names.push(...declared.map((entry) => entry.name));
    } else if (field === 'left' || field === 'pattern' || field === 'declarator') {
      names.push(...identifiers(child));
    } else if (child.type === 'for_clause' || child.type === 'range_clause') {
      names.push(...loopNames(dialect, child));
    }
  }
  return names;
}

function identifiers(node: Node): string[] {
  if (node.type === 'identifier') return [node.text];
  if (!HOLDERS.has(node.type)) return [];
  const names: string[] = [];
  for (let index = 0; index < node.namedChildCount; index++) {
    const child = node.namedChild(index);
    if (child !== null) names.push(...identifiers(child));
  }
  return names;
}

/** A function's parameters, with their declared types where written. */
export function parameters(_dialect: Dialect, fn: Node): Parameter[] {
  // C and C++ keep them in the function declarator: `double f(double x)`.
  const list =
    fn.childForFieldName('parameters') ??
    fn.childForFieldName('parameter') ??
    fn.childForFieldName('declarator')?.childForFieldName('parameters') ??
    null;
  if (list === null) return [];
  if (list.type === 'identifier') return [{ name: list.text }];
  const found: Parameter[] = [];
  for (let index = 0; index < list.namedChildCount; index++) {
    const parameter = list.namedChild(index);
    if (parameter === null) continue;
    if (parameter.type === 'identifier') {
      found.push({ name: parameter.text });
      continue;
    }
    const type = parameter.childForFieldName('type')?.text;
    const names = parameter.childrenForFieldName('name').filter((node): node is Node => node !== null);
    const target = parameter.childForFieldName('pattern') ?? parameter.childForFieldName('declarator');
    if (target?.type === 'identifier') names.push(target);
    if (names.length === 0) {
      const first = parameter.namedChildren.find((child) => child?.type === 'identifier');
      if (first) names.push(first);
    }
    for (const name of names) found.push({ name: name.text, ...(type === undefined ? {} : { type }) });
  }
  return found;
}

/** Whether a declaration allows its names to be assigned again. */
export function isMutable(dialect: Dialect, declaration: Node): boolean {
  return dialect.mutable === undefined ? true : dialect.mutable(declaration.text);
}
