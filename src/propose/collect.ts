import { isExpression, VISITOR_KEYS } from '@babel/types';
import type { Node } from '@babel/types';
import type { FileAnalysis, StatementSite } from './site-types.ts';
import { bindingNames } from './statements.ts';
import { findToken, operatorClass } from './tokens.ts';
import { LEAF_TYPES, slotOf } from './slots.ts';
import { regionHolding } from './source.ts';

// Type positions are not walked: their numbers and operators are types, not behaviour.
const SKIPPED_KEYS = new Set([
  'typeAnnotation',
  'typeParameters',
  'typeArguments',
  'returnType',
  'superTypeParameters',
  'implements',
  'decorators',
  'predicate',
]);
const SKIPPED_TYPES = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction', 'TSDeclareMethod']);
const PATTERN_TYPES = new Set(['ObjectPattern', 'ArrayPattern', 'RestElement']);
const FLAG_TYPES = new Set([...PATTERN_TYPES, 'AssignmentPattern']);
const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);
const TERMINATORS = new Set(['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement']);
// Flags: inside a binding pattern, or inside JSX markup (outside `{...}` containers).
const PATTERN = 1;
const MARKUP = 2;

type Fields = Record<string, unknown> & { extra?: { parenthesized?: boolean } };

/** Fills the analysis' site lists from one walk over the program. */
export function collectSites(analysis: FileAnalysis, program: Node & { type: 'Program' }): void {
  for (const item of program.body) {
    let declaration: Node = item;
    if ((item.type === 'ExportNamedDeclaration' || item.type === 'ExportDefaultDeclaration') && item.declaration) {
      declaration = item.declaration;
    }
    const isClass = declaration.type === 'ClassDeclaration' && !(declaration.decorators?.length ?? 0);
    if (declaration.type === 'FunctionDeclaration' || isClass) {
      const body = (declaration as { body: Node }).body;
      analysis.bodies.push({
        start: item.start as number,
        end: item.end as number,
        type: item.type,
        innerStart: (body.start as number) + 1,
        innerEnd: (body.end as number) - 1,
      });
    }
  }
  visit(analysis, program, undefined, '', 0);
}

function visit(analysis: FileAnalysis, node: Node, parent: Node | undefined, key: string, flags: number): void {
  const type = node.type;
  const fields = node as unknown as Fields;
  const start = node.start as number;
  const end = node.end as number;
  if (SKIPPED_TYPES.has(type) || !analysis.regions.some((region) => region.start < end && start < region.end)) {
    // Frozen code and types only matter for the names they mention; a word scan is cheaper than a
    // walk and errs towards more uses (words in strings and comments count), which keeps more code.
    scanNames(analysis, start, end);
    return;
  }
  if (type === 'Identifier' || type === 'JSXIdentifier') addName(analysis, fields.name as string, start);
  if (parent !== undefined && regionHolding(analysis.regions, start, end) !== undefined) {
    collectOperand(analysis, node, parent, key);
    if (flags === 0 && isExpression(node)) {
      const slot = slotOf(parent, key);
      if (slot !== undefined) {
        const leaf = LEAF_TYPES.has(type) || (type === 'TemplateLiteral' && node.expressions.length === 0);
        const parenthesized = fields.extra?.parenthesized === true;
        analysis.syntax.push({ start, end, type, category: 'expression', leaf, parenthesized, slot });
      }
    }
  }
  if (type === 'SwitchCase') collectBlock(analysis, node.consequent, false);
  else if (type === 'Program' || type === 'BlockStatement' || type === 'StaticBlock' || type === 'TSModuleBlock') {
    const functionBody = type === 'BlockStatement' && key === 'body' && FUNCTION_TYPES.has(parent?.type ?? '');
    collectBlock(analysis, node.body, functionBody);
  }
  const special = FLAG_TYPES.has(type) || type.startsWith('JSX');
  const { walked, skipped } = childKeys(type);
  for (const childKey of skipped) {
    const value = fields[childKey] as Node | Node[] | null | undefined;
    const children = Array.isArray(value) ? value : value ? [value] : [];
    for (const child of children) scanNames(analysis, child.start as number, child.end as number);
  }
  for (const childKey of walked) {
    const value = fields[childKey];
    if (value === null || typeof value !== 'object') continue;
    const childFlags = special ? flagsFor(type, childKey, flags) : flags;
    if (Array.isArray(value)) {
      for (const child of value as Array<Node | null>) {
        if (child !== null) visit(analysis, child, node, childKey, childFlags);
      }
    } else if (typeof (value as Node).type === 'string') {
      visit(analysis, value as Node, node, childKey, childFlags);
    }
  }
}

const CHILD_KEYS = new Map<string, { walked: readonly string[]; skipped: readonly string[] }>();
function childKeys(type: string): { walked: readonly string[]; skipped: readonly string[] } {
  let keys = CHILD_KEYS.get(type);
  if (keys === undefined) {
    const all = VISITOR_KEYS[type] ?? [];
    keys = { walked: all.filter((key) => !SKIPPED_KEYS.has(key)), skipped: all.filter((key) => SKIPPED_KEYS.has(key)) };
    CHILD_KEYS.set(type, keys);
  }
  return keys;
}

function flagsFor(type: string, key: string, flags: number): number {
  if (PATTERN_TYPES.has(type)) return flags | PATTERN;
  // A default value in a pattern is an ordinary expression again.
  if (type === 'AssignmentPattern') return key === 'left' ? flags | PATTERN : flags & ~PATTERN;
  if (type.startsWith('JSX')) {
    const container = type === 'JSXExpressionContainer' || type === 'JSXSpreadAttribute' || type === 'JSXSpreadChild';
    return container ? flags & ~MARKUP : flags | MARKUP;
  }
  return flags;
}

/** Number and operator sites; `node` is already known to lie inside a region. */
function collectOperand(analysis: FileAnalysis, node: Node, parent: Node, key: string): void {
  const text = analysis.text;
  const start = node.start as number;
  const end = node.end as number;
  switch (node.type) {
    case 'NumericLiteral': {
      if (parent.type === 'UnaryExpression' && parent.operator === '-') return;
      if (key === 'key' && !(parent as unknown as Fields).computed) return;
      // `1.5.toFixed()` would become `2.toFixed()`, which does not parse.
      const parenthesized = (node as unknown as Fields).extra?.parenthesized === true;
      if (key === 'object' && !parenthesized) return;
      analysis.numbers.push({ start, end, raw: text.slice(start, end), negated: false });
      return;
    }
    case 'UnaryExpression': {
      const argument = node.argument;
      if (node.operator !== '-' || argument.type !== 'NumericLiteral') return;
      const raw = text.slice(argument.start as number, argument.end as number);
      analysis.numbers.push({ start, end, raw, negated: true });
      return;
    }
    case 'BinaryExpression': {
      if (operatorClass(node.operator) === undefined) return;
      const at = findToken(text, node.left.end as number, node.right.start as number, node.operator);
      if (at >= 0) analysis.operators.push({ start: at, end: at + node.operator.length, operator: node.operator, nodeStart: start });
      return;
    }
    case 'LogicalExpression': {
      if (node.operator === '??') return;
      // `a || b && c` would regroup if `&&` became `||`, so chains of unparenthesized logical
      // expressions are left alone.
      const loose = (candidate: Node): boolean =>
        candidate.type === 'LogicalExpression' && (candidate as unknown as Fields).extra?.parenthesized !== true;
      const parenthesized = (node as unknown as Fields).extra?.parenthesized === true;
      if ((!parenthesized && parent.type === 'LogicalExpression') || loose(node.left) || loose(node.right)) return;
      const at = findToken(text, node.left.end as number, node.right.start as number, node.operator);
      if (at >= 0) analysis.operators.push({ start: at, end: at + 2, operator: node.operator, nodeStart: start });
      return;
    }
    case 'MemberExpression': {
      const { object, property } = node;
      if (node.computed || object.type !== 'Identifier' || object.name !== 'Math' || property.type !== 'Identifier') return;
      if (property.name !== 'min' && property.name !== 'max') return;
      analysis.operators.push({ start: property.start as number, end: property.end as number, operator: property.name, nodeStart: start });
      return;
    }
  }
}

function collectBlock(analysis: FileAnalysis, statements: Node[], functionBody: boolean): void {
  const block: StatementSite[] = [];
  statements.forEach((statement, index) => {
    const start = statement.start as number;
    const end = statement.end as number;
    if (regionHolding(analysis.regions, start, end) === undefined) return;
    const type = statement.type;
    const binding = type === 'VariableDeclaration' || type === 'FunctionDeclaration' || type === 'ClassDeclaration';
    const fixed = /^(Import|Export|TS|Declare)/.test(type);
    block.push({
      start,
      end,
      type,
      index,
      declaration: binding ? 'binding' : fixed ? 'fixed' : 'none',
      names: binding ? bindingNames(statement) : [],
      terminator: TERMINATORS.has(type),
      finalReturn: functionBody && index === statements.length - 1 && type === 'ReturnStatement',
    });
    analysis.syntax.push({ start, end, type, category: 'statement', leaf: false, parenthesized: false, slot: 'full' });
  });
  if (block.length > 0) analysis.blocks.push(block);
}

const WORD = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/g;
function scanNames(analysis: FileAnalysis, start: number, end: number): void {
  const text = analysis.text.slice(start, end);
  WORD.lastIndex = 0;
  for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) addName(analysis, match[0], start + match.index);
}

function addName(analysis: FileAnalysis, name: string, offset: number): void {
  const offsets = analysis.names.get(name);
  if (offsets === undefined) analysis.names.set(name, [offset]);
  else offsets.push(offset);
}
