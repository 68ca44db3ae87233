import type { Node, Parser, Tree } from 'web-tree-sitter';
import { EVOLVE_END, EVOLVE_START, findRegions, type Region } from '../../core/genome.ts';
import type { Genome } from '../../core/types.ts';
import { lineStarts } from '../source.ts';
import type { Dialect } from './dialect.ts';
import { languageOf, parserFor } from './grammars.ts';
import { dialectOf } from './languages.ts';
import { kindOf, variableKinds, type Kind } from './kinds.ts';
import { fieldOf, operatorOf, parentOf } from './nodes.ts';

/** A numeric literal inside an EVOLVE block; a unary minus in front of it counts as part of it. */
export interface LiteralSite {
  start: number;
  end: number;
  /** The digits as written, without the minus. */
  raw: string;
  negated: boolean;
}

/** A binary operator token inside an EVOLVE block. */
export interface TokenSite {
  start: number;
  end: number;
  operator: string;
}

/** An expression in a value position inside an EVOLVE block, with what it evaluates to. */
export interface ExpressionSite {
  start: number;
  end: number;
  node: Node;
  kind: Kind;
}

/** A statement of a block, inside an EVOLVE block. */
export interface StatementSite {
  start: number;
  end: number;
  node: Node;
  /** Imports, nested functions and the like: never moved, copied or dropped. */
  fixed: boolean;
}

export interface SyntaxAnalysis {
  file: string;
  text: string;
  dialect: Dialect;
  parser: Parser;
  tree: Tree;
  regions: Region[];
  lines: number[];
  numbers: LiteralSite[];
  operators: TokenSite[];
  expressions: ExpressionSite[];
  statements: StatementSite[];
}

export interface SyntaxGenome {
  files: Array<{ file: string; analysis: SyntaxAnalysis }>;
  /** Files that could not be analysed, as `file: reason`. */
  errors: string[];
}

const SKIPPED = new Set([
  'comment',
  'line_comment',
  'block_comment',
  'string',
  'template_string',
  'string_literal',
  'raw_string_literal',
  'interpreted_string_literal',
  'type_annotation',
  'type_arguments',
  'type_parameters',
  'decorator',
  'attribute_item',
]);
const ACCESS = new Set([
  'identifier',
  'parenthesized_expression',
  'subscript_expression',
  'subscript',
  'member_expression',
  'attribute',
  'field_expression',
  'index_expression',
  'selector_expression',
]);
const NOT_VALUES = new Set(['name', 'pattern', 'declarator', 'function', 'property', 'attribute', 'field', 'type', 'label', 'parameters']);
const ASSIGNMENT = /assignment|for_in|for_statement|for_expression|range_clause|update_expression|inc_statement|dec_statement/;

/** Whether `node` is read as a value where it stands (not a name being declared, assigned or called). */
export function isValuePosition(node: Node): boolean {
  const field = fieldOf(node);
  if (field !== null && NOT_VALUES.has(field)) return false;
  const parent = parentOf(node);
  if (parent === null) return false;
  if (field === 'left' && ASSIGNMENT.test(parent.type)) return false;
  if (parent.type === 'update_expression' || parent.type === 'inc_statement' || parent.type === 'dec_statement') return false;
  if (parent.type === 'expression_list' && parentOf(parent) !== null && fieldOf(parent) === 'left') return false;
  if (parent.type === 'pattern_list' || parent.type === 'tuple_pattern' || /parameter/.test(parent.type)) return false;
  return true;
}

function inRegion(regions: readonly Region[], start: number, end: number): boolean {
  return regions.some((region) => region.start <= start && end <= region.end);
}

/** Line and column (1-based) of the first syntax error in a tree, or undefined when it has none. */
export function firstError(root: Node): { line: number; column: number; what: string } | undefined {
  if (!root.hasError) return undefined;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.isMissing || node.type === 'ERROR') {
      const what = node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 20))}`;
      return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, what };
    }
    for (let index = node.childCount - 1; index >= 0; index--) {
      const child = node.child(index);
      if (child !== null && (child.hasError || child.isMissing)) stack.push(child);
    }
  }
  return { line: root.startPosition.row + 1, column: 1, what: 'syntax error' };
}

const CACHE_LIMIT = 48;
const cache = new Map<string, SyntaxAnalysis>();
// An evicted tree may still be in use by a proposal that awaits something; its WASM memory is
// freed only after this many later evictions.
const GRACE = 64;
const evicted: Tree[] = [];

/**
 * Parses one file with its language's grammar and collects what the operators edit inside its
 * EVOLVE blocks. Undefined for a file no grammar covers or without EVOLVE markers; `{ error }`
 * for a file that does not parse, naming its line and column.
 */
export async function analyzeSyntax(file: string, text: string): Promise<SyntaxAnalysis | { error: string } | undefined> {
  const language = languageOf(file);
  if (language === undefined) return undefined;
  if (!text.includes(EVOLVE_START) && !text.includes(EVOLVE_END)) return undefined;
  const key = `${language}\0${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return { ...hit, file };
  }
  let regions: Region[];
  try {
    regions = findRegions(text, file);
  } catch (error) {
    return { error: (error as Error).message };
  }
  const parser = await parserFor(language);
  const tree = parser.parse(text);
  if (tree === null) return { error: `${file}: the parser gave no tree` };
  const problem = firstError(tree.rootNode);
  if (problem !== undefined) {
    tree.delete();
    return { error: `${file}:${problem.line}:${problem.column}: cannot parse: ${problem.what}` };
  }
  const analysis = collect(file, text, dialectOf(language), parser, tree, regions);
  cache.set(key, analysis);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value as string;
    const tree = cache.get(oldest)?.tree;
    cache.delete(oldest);
    if (tree !== undefined) evicted.push(tree);
    if (evicted.length > GRACE) evicted.shift()?.delete();
  }
  return analysis;
}

/** Every file of a genome that a grammar covers and that has EVOLVE blocks, in name order. */
export async function analyzeSyntaxGenome(genome: Genome): Promise<SyntaxGenome> {
  const result: SyntaxGenome = { files: [], errors: [] };
  for (const file of Object.keys(genome).sort()) {
    const analysis = await analyzeSyntax(file, genome[file] as string);
    if (analysis === undefined) continue;
    if ('error' in analysis) result.errors.push(analysis.error);
    else result.files.push({ file, analysis });
  }
  return result;
}

/** Why a child's text no longer parses (with line and column), or undefined when it does. */
export function reparseError(analysis: SyntaxAnalysis, childText: string): string | undefined {
  const tree = analysis.parser.parse(childText);
  if (tree === null) return 'the parser gave no tree';
  try {
    const problem = firstError(tree.rootNode);
    return problem === undefined ? undefined : `line ${problem.line}, column ${problem.column}: ${problem.what}`;
  } finally {
    tree.delete();
  }
}

function collect(file: string, text: string, dialect: Dialect, parser: Parser, tree: Tree, regions: Region[]): SyntaxAnalysis {
  const analysis: SyntaxAnalysis = {
    file,
    text,
    dialect,
    parser,
    tree,
    regions,
    lines: lineStarts(text),
    numbers: [],
    operators: [],
    expressions: [],
    statements: [],
  };
  const kinds = new Map<number, Map<string, Kind>>();
  const stack: Node[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (SKIPPED.has(node.type)) continue;
    if (node.endIndex <= node.startIndex) continue;
    const inside = inRegion(regions, node.startIndex, node.endIndex);
    if (inside) visit(analysis, node, kinds);
    for (let index = node.namedChildCount - 1; index >= 0; index--) {
      const child = node.namedChild(index);
      if (child !== null && overlaps(regions, child)) stack.push(child);
    }
  }
  return analysis;
}

function overlaps(regions: readonly Region[], node: Node): boolean {
  return regions.some((region) => node.startIndex < region.end && region.start < node.endIndex);
}

function visit(analysis: SyntaxAnalysis, node: Node, kinds: Map<number, Map<string, Kind>>): void {
  const { dialect } = analysis;
  const parent = parentOf(node);
  if (parent !== null && dialect.blocks.has(parent.type) && isStatement(dialect, node)) {
    analysis.statements.push({ start: node.startIndex, end: node.endIndex, node, fixed: dialect.fixedStatements.has(node.type) });
  }
  if (dialect.numbers.has(node.type)) {
    const negated = parent !== null && dialect.unary.has(parent.type) && operatorOf(parent)?.type === '-' && parent.namedChildCount === 1;
    // tree-sitter-c reads `-0.5` as one literal; the minus is reported as a negation like elsewhere.
    const signed = node.text.startsWith('-');
    analysis.numbers.push({
      start: negated ? (parent as Node).startIndex : node.startIndex,
      end: node.endIndex,
      raw: signed ? node.text.slice(1) : node.text,
      negated: negated || signed,
    });
  }
  if (dialect.binary.has(node.type)) {
    const token = operatorOf(node);
    if (token !== undefined) analysis.operators.push({ start: token.startIndex, end: token.endIndex, operator: token.type });
  }
  if (isExpression(dialect, node) && isValuePosition(node)) {
    const scope = enclosingFunction(dialect, node);
    const key = scope?.id ?? -1;
    let variables = kinds.get(key);
    if (variables === undefined) {
      variables = scope === undefined ? new Map() : variableKinds(dialect, scope);
      kinds.set(key, variables);
    }
    const kind = kindOf(dialect, node, variables);
    if (kind !== 'other') analysis.expressions.push({ start: node.startIndex, end: node.endIndex, node, kind });
  }
}

function isStatement(dialect: Dialect, node: Node): boolean {
  if (!node.isNamed || SKIPPED.has(node.type)) return false;
  // A Rust block's tail expression is its value, not a statement.
  if (dialect.id === 'rust') return node.type.endsWith('_statement') || node.type.endsWith('_declaration') || node.type.endsWith('_item');
  return true;
}

export function isExpression(dialect: Dialect, node: Node): boolean {
  const type = node.type;
  return (
    dialect.numbers.has(type) ||
    dialect.binary.has(type) ||
    dialect.unary.has(type) ||
    dialect.booleans.has(type) ||
    dialect.calls.has(type) ||
    type === dialect.conditional ||
    ACCESS.has(type)
  );
}

/** The innermost function around `node`, if any. */
export function enclosingFunction(dialect: Dialect, node: Node): Node | undefined {
  for (let current = parentOf(node); current !== null; current = parentOf(current)) {
    if (dialect.functions.has(current.type)) return current;
  }
  return undefined;
}
