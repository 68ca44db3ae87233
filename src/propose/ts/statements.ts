// What the tree-sitter statement operators know about each statement inside an EVOLVE block:
// its block and neighbours, whether it may move, and which names it binds for later statements.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, type StatementSite, type SyntaxAnalysis } from '../syntax/analysis.ts';
import { variablesAt } from '../syntax/visible.ts';
import { isComment, nextStatement } from './nodes.ts';

export interface StatementInfo {
  site: StatementSite;
  node: Node;
  /** The statements of the same block that lie inside EVOLVE blocks, in source order (shared). */
  members: StatementInfo[];
  /** Index into `members`. */
  position: number;
  /** Never moved, copied or dropped: imports, nested functions, type definitions, preprocessor lines. */
  fixed: boolean;
  /** `return`, `throw`/`raise`, `break`, `continue`, `goto`: a copy or a later move is dead code. */
  terminator: boolean;
  /** `;`, `pass`: nothing to copy or delete. */
  empty: boolean;
  /** A labelled statement or a `case`: a copy would repeat its label. */
  labelled: boolean;
  /** Names it binds for the statements after it (a declaration, a label; in Python, names first assigned here). */
  names: string[];
  /** The `return` that ends a function body. */
  finalReturn: boolean;
}

const TERMINATOR = /^(return|throw|raise|break|continue|goto|fallthrough)_(statement|expression)$/;
const RETURN = /^return_(statement|expression)$/;
const EXTRA_FIXED = /^preproc_|^(global_statement|nonlocal_statement|struct_specifier|union_specifier|enum_specifier|class_specifier)$/;
const LABELLED = /^(labeled_statement|case_statement|case_clause)$/;
const EMPTY = new Set(['empty_statement', 'pass_statement']);
/** Fields that hold values, types or bodies rather than the names a declaration binds. */
const NOT_BOUND = new Set(['value', 'right', 'type', 'size', 'parameters', 'default_value', 'arguments', 'body', 'key', 'alternative']);
/** Targets that assign into something (`a.b = 1`, `a[i] = 1`, `*p = 1`) and so bind no name. */
const NOT_BINDING = /attribute|subscript|member_expression|field_expression|selector_expression|index_expression|pointer_expression|call/;
const BOUND_IDENTIFIERS = new Set([
  'identifier',
  'shorthand_property_identifier_pattern',
  'shorthand_field_identifier',
  'statement_identifier',
]);
const PYTHON_SCOPES = new Set([
  'function_definition',
  'class_definition',
  'lambda',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);
const WORD = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/g;

const infos = new WeakMap<object, StatementInfo[]>();
const words = new WeakMap<object, Map<string, number[]>>();

/** Every statement of a file inside an EVOLVE block, with what the statement operators need; once per parsed tree. */
export function statementInfos(analysis: SyntaxAnalysis): StatementInfo[] {
  let found = infos.get(analysis.tree);
  if (found !== undefined) return found;
  found = [];
  const blocks = new Map<number, StatementInfo[]>();
  for (const site of analysis.statements) {
    const block = site.node.parent as Node;
    let members = blocks.get(block.id);
    if (members === undefined) {
      members = [];
      blocks.set(block.id, members);
    }
    const info = describeStatement(analysis, site, members);
    members.push(info);
    found.push(info);
  }
  infos.set(analysis.tree, found);
  return found;
}

function describeStatement(analysis: SyntaxAnalysis, site: StatementSite, members: StatementInfo[]): StatementInfo {
  const { node } = site;
  const text = analysis.text.slice(site.start, site.end);
  const inner = node.type === 'expression_statement' ? (node.namedChild(0) ?? node) : node;
  const terminator = TERMINATOR.test(node.type) || TERMINATOR.test(inner.type);
  const fixed = site.fixed || EXTRA_FIXED.test(node.type) || definesType(node);
  return {
    site,
    node,
    members,
    position: members.length,
    fixed,
    terminator,
    empty: EMPTY.has(node.type) || text.trim() === ';',
    labelled: LABELLED.test(node.type),
    names: fixed ? [] : boundNames(analysis, node),
    finalReturn:
      (RETURN.test(node.type) || RETURN.test(inner.type)) && nextStatement(node) === null && isFunctionBody(analysis, node.parent),
  };
}

/** A C or C++ declaration whose type is a struct, union, class or enum with a body: a type definition. */
function definesType(node: Node): boolean {
  const type = node.type === 'declaration' ? node.childForFieldName('type') : null;
  return type !== null && /_specifier$/.test(type.type) && type.childForFieldName('body') !== null;
}

function isFunctionBody(analysis: SyntaxAnalysis, block: Node | null): boolean {
  // Go keeps a body's statements in a statement_list inside the block.
  const body = block?.type === 'statement_list' ? block.parent : block;
  const owner = body?.parent ?? null;
  return (
    body !== null &&
    body !== undefined &&
    owner !== null &&
    analysis.dialect.functions.has(owner.type) &&
    owner.childForFieldName('body')?.id === body.id
  );
}

/** The names a statement binds for the statements after it. */
function boundNames(analysis: SyntaxAnalysis, node: Node): string[] {
  const { dialect } = analysis;
  if (node.type === 'labeled_statement') {
    const label = node.childForFieldName('label') ?? node.namedChild(0);
    return label === null ? [] : [label.text];
  }
  if (dialect.id === 'python') return pythonNewNames(analysis, node);
  if (!dialect.declarations.has(node.type)) return [];
  const names: string[] = [];
  collectBound(node, names);
  return [...new Set(names)];
}

function collectBound(node: Node, names: string[]): void {
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child === null || !child.isNamed || isComment(child)) continue;
    const field = node.fieldNameForChild(index);
    // In `{ a: b }` patterns the value is the name bound, the key only a property.
    if (field !== null && NOT_BOUND.has(field) && !(field === 'value' && node.type === 'pair_pattern')) continue;
    if (BOUND_IDENTIFIERS.has(child.type)) names.push(child.text);
    else if (!NOT_BINDING.test(child.type)) collectBound(child, names);
  }
}

/**
 * In Python an assignment declares a name the first time only. The names a statement binds
 * (assignment, loop and `with` targets, walrus names, anywhere inside it but in nested scopes)
 * that are not already visible where it stands.
 */
function pythonNewNames(analysis: SyntaxAnalysis, statement: Node): string[] {
  const targets: string[] = [];
  const stack: Node[] = [statement];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.id !== statement.id && PYTHON_SCOPES.has(node.type)) continue;
    const target =
      node.type === 'assignment' || node.type === 'for_statement'
        ? node.childForFieldName('left')
        : node.type === 'named_expression'
          ? node.childForFieldName('name')
          : node.type === 'as_pattern'
            ? node.childForFieldName('alias')
            : null;
    if (target !== null) pythonTargets(target, targets);
    for (let index = 0; index < node.namedChildCount; index++) {
      const child = node.namedChild(index);
      if (child !== null) stack.push(child);
    }
  }
  if (targets.length === 0) return [];
  const visible = new Set(variablesAt(analysis, statement).map((variable) => variable.name));
  return [...new Set(targets)].filter((name) => !visible.has(name));
}

function pythonTargets(node: Node, names: string[]): void {
  if (node.type === 'identifier') names.push(node.text);
  else if (!NOT_BINDING.test(node.type)) {
    for (let index = 0; index < node.namedChildCount; index++) {
      const child = node.namedChild(index);
      if (child !== null) pythonTargets(child, names);
    }
  }
}

/** Where each word occurs in the file, comments and strings included (a Rust format string may name a variable). */
function wordIndex(analysis: SyntaxAnalysis): Map<string, number[]> {
  let index = words.get(analysis.tree);
  if (index !== undefined) return index;
  index = new Map();
  WORD.lastIndex = 0;
  for (let match = WORD.exec(analysis.text); match !== null; match = WORD.exec(analysis.text)) {
    const offsets = index.get(match[0]);
    if (offsets === undefined) index.set(match[0], [match.index]);
    else offsets.push(match.index);
  }
  words.set(analysis.tree, index);
  return index;
}

/**
 * Whether any of `names` occurs outside the statement, within the function around it (the whole
 * file for a statement outside functions). By name, not by scope, so the check errs towards
 * keeping code.
 */
export function usedOutside(analysis: SyntaxAnalysis, info: StatementInfo, names: readonly string[]): boolean {
  if (names.length === 0) return false;
  const scope = enclosingFunction(analysis.dialect, info.node);
  const [from, to] = scope === undefined ? [0, analysis.text.length] : [scope.startIndex, scope.endIndex];
  const { start, end } = info.site;
  const index = wordIndex(analysis);
  return names.some((name) => (index.get(name) ?? []).some((offset) => offset >= from && offset < to && (offset < start || offset >= end)));
}

/** Whether any of `names` occurs inside [start, end). */
export function usedWithin(analysis: SyntaxAnalysis, names: readonly string[], start: number, end: number): boolean {
  const index = wordIndex(analysis);
  return names.some((name) => (index.get(name) ?? []).some((offset) => offset >= start && offset < end));
}

/**
 * Go refuses a variable or an import that is never used. Whether deleting the statement would
 * leave some name it mentions with a single occurrence in the file (its declaration): by name, so
 * it errs towards keeping the statement.
 */
export function leavesUnused(analysis: SyntaxAnalysis, info: StatementInfo): boolean {
  if (analysis.dialect.id !== 'go') return false;
  const { start, end } = info.site;
  const index = wordIndex(analysis);
  const mentioned = new Set<string>();
  const stack: Node[] = [info.node];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'identifier' || node.type === 'package_identifier') mentioned.add(node.text);
    for (let child = 0; child < node.namedChildCount; child++) {
      const next = node.namedChild(child);
      if (next !== null) stack.push(next);
    }
  }
  for (const name of mentioned) {
    if (name === '_') continue;
    const outside = (index.get(name) ?? []).filter((offset) => offset < start || offset >= end).length;
    if (outside === 1) return true;
  }
  return false;
}
