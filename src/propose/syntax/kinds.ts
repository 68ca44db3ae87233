import type { Node } from 'web-tree-sitter';
import type { Dialect } from './dialect.ts';
import { fieldOf, operatorOf, parentOf } from './nodes.ts';
import { declaredNames, loopNames, parameters } from './scope.ts';

/** What an expression evaluates to, as far as the operators can tell. */
export type Kind = 'number' | 'boolean' | 'other';

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '**', '//', '<<', '>>', '&', '|', '^']);
const COMPARISON = new Set(['<', '<=', '>', '>=', '==', '!=', '===', '!==', 'in', 'is', 'not in', 'is not']);
const LOGICAL = new Set(['&&', '||', 'and', 'or']);
const MATH_CALL =
  /^(Math\.|math\.|std::|f64::)?(min|max|abs|fabs|fmin|fmax|sqrt|exp|log|ln|pow|powf|floor|ceil|round|Min|Max|Abs|Sqrt|Exp|Log|Pow)$/;

function tokenOf(node: Node): string | undefined {
  return operatorOf(node)?.type;
}

/** What a binary operator token yields. */
export function operatorKind(token: string | undefined): Kind {
  if (token === undefined) return 'other';
  if (ARITHMETIC.has(token)) return 'number';
  if (COMPARISON.has(token) || LOGICAL.has(token)) return 'boolean';
  return 'other';
}

/** The kind of an expression from its own shape, without looking at where it stands. */
export function shapeKind(dialect: Dialect, node: Node, variables: ReadonlyMap<string, Kind>): Kind {
  const type = node.type;
  if (dialect.numbers.has(type)) return 'number';
  if (dialect.booleans.has(type)) return 'boolean';
  if (dialect.binary.has(type)) {
    if (type === 'comparison_operator' || type === 'boolean_operator') return 'boolean';
    return operatorKind(tokenOf(node));
  }
  if (dialect.unary.has(type)) {
    if (type === 'not_operator') return 'boolean';
    const token = tokenOf(node);
    return token === '!' || token === 'not' ? 'boolean' : token === '-' || token === '+' || token === '~' ? 'number' : 'other';
  }
  if (type === 'parenthesized_expression') {
    const inner = node.namedChild(0);
    return inner === null ? 'other' : shapeKind(dialect, inner, variables);
  }
  if (type === dialect.conditional) {
    const consequence = node.childForFieldName('consequence') ?? node.namedChild(0);
    return consequence === null ? 'other' : shapeKind(dialect, consequence, variables);
  }
  if (dialect.calls.has(type)) {
    const callee = node.childForFieldName('function');
    if (callee !== null && MATH_CALL.test(callee.text)) return 'number';
    // Rust's `(x).sqrt()` and friends.
    if (
      callee?.type === 'field_expression' &&
      /^(min|max|abs|sqrt|exp|ln|powf|powi)$/.test(callee.childForFieldName('field')?.text ?? '')
    ) {
      return 'number';
    }
    return 'other';
  }
  if (type === 'identifier') return variables.get(node.text) ?? 'other';
  return 'other';
}

/** The kind that the position of `node` asks for, or 'other' when it does not say. */
export function contextKind(dialect: Dialect, node: Node): Kind {
  const parent = parentOf(node);
  if (parent === null) return 'other';
  const type = parent.type;
  if (type === 'parenthesized_expression' || type === 'condition_clause') {
    const field = parentOf(parent) === null ? null : fieldOf(parent);
    if (field === 'condition' || type === 'condition_clause') return 'boolean';
    return contextKind(dialect, parent);
  }
  if (fieldOf(node) === 'condition') return 'boolean';
  if (type === 'conditional_expression' && dialect.id === 'python' && parent.namedChild(1)?.id === node.id) return 'boolean';
  if (dialect.binary.has(type)) {
    if (type === 'boolean_operator') return 'boolean';
    if (type === 'comparison_operator') return 'number';
    const token = tokenOf(parent);
    if (token !== undefined && LOGICAL.has(token)) return 'boolean';
    if (token !== undefined && (ARITHMETIC.has(token) || COMPARISON.has(token))) return 'number';
  }
  if (dialect.unary.has(type)) {
    if (type === 'not_operator') return 'boolean';
    const token = tokenOf(parent);
    return token === '!' ? 'boolean' : token === '-' ? 'number' : 'other';
  }
  if (type === 'argument_list' || type === 'arguments') {
    const call = parentOf(parent);
    const callee = call?.childForFieldName('function');
    if (callee !== null && callee !== undefined && MATH_CALL.test(callee.text)) return 'number';
  }
  return 'other';
}

/** The kind of an expression: its shape first, then what its position asks for. */
export function kindOf(dialect: Dialect, node: Node, variables: ReadonlyMap<string, Kind>): Kind {
  const shape = shapeKind(dialect, node, variables);
  return shape !== 'other' ? shape : contextKind(dialect, node);
}

/**
 * What each variable of a function holds, judged from its declared type, the value it is first
 * given, and how it is used: an operand of arithmetic is a number, a condition a boolean, and a
 * name that is indexed, called or has members read is something else (an array, an object).
 */
export function variableKinds(dialect: Dialect, fn: Node): Map<string, Kind> {
  const votes = new Map<string, { number: number; boolean: number; other: number; fixed?: Kind }>();
  const vote = (name: string, kind: Kind, weight = 1): void => {
    const entry = votes.get(name) ?? { number: 0, boolean: 0, other: 0 };
    entry[kind] += weight;
    votes.set(name, entry);
  };
  for (const parameter of parameters(dialect, fn)) {
    if (parameter.type === undefined) continue;
    const entry = votes.get(parameter.name) ?? { number: 0, boolean: 0, other: 0 };
    entry.fixed = dialect.numericTypes.test(parameter.type.trim())
      ? 'number'
      : /^:?\s*(bool|boolean)$/.test(parameter.type)
        ? 'boolean'
        : 'other';
    votes.set(parameter.name, entry);
  }
  const empty = new Map<string, Kind>();
  const stack: Node[] = [fn];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (dialect.declarations.has(node.type)) {
      for (const { name, value } of declaredNames(dialect, node)) {
        if (value !== undefined) {
          const kind = shapeKind(dialect, value, empty);
          if (kind !== 'other') vote(name, kind, 2);
          else if (/array|list|object|dictionary|string/.test(value.type)) vote(name, 'other', 3);
        }
      }
    }
    if (dialect.loops.has(node.type)) for (const name of loopNames(dialect, node)) vote(name, 'number', 0.5);
    if (node.type === 'identifier') {
      const parent = parentOf(node);
      const field = fieldOf(node);
      if (
        parent !== null &&
        (field === 'object' || field === 'value' || field === 'operand') &&
        /subscript|member|attribute|field|index|selector/.test(parent.type)
      ) {
        vote(node.text, 'other');
      } else if (field === 'function') {
        vote(node.text, 'other', 3);
      } else {
        const wanted = contextKind(dialect, node);
        if (wanted !== 'other') vote(node.text, wanted);
      }
    }
    for (let index = node.namedChildCount - 1; index >= 0; index--) {
      const child = node.namedChild(index);
      if (child !== null) stack.push(child);
    }
  }
  const kinds = new Map<string, Kind>();
  for (const [name, entry] of votes) {
    if (entry.fixed !== undefined) kinds.set(name, entry.fixed);
    else if (entry.other > entry.number && entry.other > entry.boolean) kinds.set(name, 'other');
    else if (entry.number >= entry.boolean && entry.number > 0) kinds.set(name, 'number');
    else if (entry.boolean > 0) kinds.set(name, 'boolean');
  }
  return kinds;
}
