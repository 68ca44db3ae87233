import type { Node } from 'web-tree-sitter';
import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { firstCharFrom, glues, lastCharBefore } from '../common.ts';
import { applyEdit, excerpt, indentAt, reindent, type Edit } from '../source.ts';
import { analyzeSyntax, enclosingFunction, reparseError, type SyntaxAnalysis } from '../syntax/analysis.ts';
import type { Kind } from '../syntax/kinds.ts';
import { fieldOf } from '../syntax/nodes.ts';
import { declaredNames, loopNames, parameters } from '../syntax/scope.ts';
import { variablesAt } from '../syntax/visible.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, noSyntaxSite, type Route, SYNTAX_EDITS, where } from './common.ts';
import { isScript } from './nodes.ts';
import { statementInfos } from './statements.ts';

// As in the Babel crossover: nine picks in ten go to internal nodes, a few targets are tried and
// at most a few children are parsed.
const LEAF_SHARE = 0.1;
const MAX_TARGETS = 8;
const MAX_PARSES = 3;
const LEAVES = new Set(['identifier', 'true', 'false', 'boolean_literal']);
/** Expressions that never need parentheses, wherever they go. */
const ATOMIC = new Set([
  'identifier',
  'parenthesized_expression',
  'call_expression',
  'call',
  'field_expression',
  'member_expression',
  'attribute',
  'subscript',
  'subscript_expression',
  'index_expression',
  'selector_expression',
  'true',
  'false',
  'boolean_literal',
]);
/** Parents that bind tighter than any binary operator: an operand of theirs that is not atomic needs parentheses. */
const OPERAND_OF = new RegExp(
  [
    'field_expression|member_expression|attribute|selector_expression|call_expression|^call$|cast|range|try_expression',
    'reference_expression|pointer_expression|sizeof|update|await|as_expression|subscript|index_expression|not_operator|unary',
  ].join('|'),
);

/** An expression or statement that crossover may replace, or copy from the second parent. */
interface CrossSite {
  start: number;
  end: number;
  node: Node;
  category: 'expression' | 'statement';
  /** For expressions: what they evaluate to; donors must match it. */
  kind?: Kind;
  leaf: boolean;
  fixed: boolean;
  /** Names a statement binds for later statements, sorted and joined; donors must bind the same. */
  binds: string;
  /** A fixed statement's own name (`def score`), or a final return's type: donors must match it. */
  identity: string;
  /**
   * In statically typed languages, `int` or `float` for a numeric literal (a minus included), with
   * its Rust suffix: literals trade only with literals of their class there, since `2` for `1.5`
   * (or `2.0f32` for `0.0`) changes a type.
   */
  literal?: string;
}

interface Pairing {
  file: string;
  analysis: SyntaxAnalysis;
  donor: SyntaxAnalysis;
}

const sitesOf = new WeakMap<object, CrossSite[]>();

/**
 * Subtree crossover in any language a grammar covers, like the Babel crossover: replaces an
 * expression or a statement inside an EVOLVE block of the first parent with one from an EVOLVE
 * block of the same file in the second parent, of the same node type when one with different text
 * exists, else of the same category. Expressions trade only with expressions of the same kind
 * (number or boolean); a declaration only with one of the same type binding the same names; a
 * fixed statement (a nested function, an import) only with one of the same type and name; a final
 * `return` only with a `return`. The donor is re-indented, parenthesised where its new position
 * would regroup it, and the child re-parsed. Identical EVOLVE blocks give a failure.
 *
 * @example
 * const result = await treeSitterCrossover().propose({ parents: [first, second], inspirations: [], rng: Rng.fromSeed(6) });
 * // { genome, description: 'crossover at model.py:11: total / count <- total / max(count, 1)' }
 */
export function treeSitterCrossover(): Operator {
  return {
    name: 'crossover',
    arity: 2,
    ...SYNTAX_EDITS,
    async propose(context) {
      const [first, second] = context.parents;
      if (first === undefined || second === undefined) return { failure: 'crossover needs two parents' };
      if (first.entry.id === second.entry.id) return { failure: `crossover needs two different parents, got ${first.entry.id} twice` };
      return (await crossoverRoute(first, second, context.rng, EVERY_FILE)).propose();
    },
  };
}

/** The tree-sitter crossover on the files `accept` lets through, as a route the public operator can draw. */
export async function crossoverRoute(first: ParentView, second: ParentView, rng: Rng, accept: FileFilter): Promise<Route> {
  const { files, errors } = await analyzeFiles(first.genome, accept);
  const pairings: Pairing[] = [];
  let identical = 0;
  for (const { file, analysis } of files) {
    const donorText = second.genome[file];
    const donor = donorText === undefined ? undefined : await analyzeSyntax(file, donorText);
    if (donor !== undefined && 'error' in donor) errors.push(`parent 2 ${donor.error}`);
    if (donor === undefined || 'error' in donor || crossSites(donor).length === 0) continue;
    if (sameRegions(analysis, donor)) identical++;
    else pairings.push({ file, analysis, donor });
  }
  return {
    files: files.length + errors.length,
    sites: pairings.reduce((sum, { analysis }) => sum + crossSites(analysis).length, 0),
    propose: async (): Promise<ProposalResult> => {
      if (files.length === 0) return noSyntaxSite('crossover: no EVOLVE block in a file of parent 1 that a grammar covers', errors);
      if (pairings.length === 0) {
        const reason = identical > 0 ? 'the parents have identical EVOLVE blocks' : 'parent 2 has no EVOLVE block in a file of parent 1';
        return noSyntaxSite(`crossover: ${reason}`, errors);
      }
      return exchange(rng, first.genome, pairings);
    },
  };
}

function exchange(rng: Rng, genome: Genome, pairings: readonly Pairing[]): ProposalResult {
  const internal: Array<[Pairing, CrossSite]> = [];
  const leaves: Array<[Pairing, CrossSite]> = [];
  for (const pairing of pairings) {
    for (const site of crossSites(pairing.analysis)) (site.leaf ? leaves : internal).push([pairing, site]);
  }
  let parses = 0;
  let lastError = 'no node of parent 1 has a compatible node with different text in parent 2';
  for (let attempt = 0; attempt < MAX_TARGETS && parses < MAX_PARSES; attempt++) {
    const useLeaves = internal.length === 0 || (leaves.length > 0 && rng.next() < LEAF_SHARE);
    const [pairing, target] = rng.pick(useLeaves ? leaves : internal);
    const { file, analysis, donor } = pairing;
    const targetText = analysis.text.slice(target.start, target.end);
    const source = chooseDonor(rng, analysis, target, targetText, donor);
    if (source === undefined) continue;
    const donorText = donor.text.slice(source.start, source.end);
    const edit = replacement(analysis, target, donor, source, donorText);
    const text = applyEdit(analysis.text, edit);
    // A donor that differs only in indentation can come out the same once re-indented.
    if (text === analysis.text) continue;
    parses++;
    const error = reparseError(analysis, text);
    if (error === undefined) {
      return {
        genome: { ...genome, [file]: text },
        description: `crossover at ${where(file, analysis, target.start)}: ${excerpt(targetText, 40)} <- ${excerpt(donorText, 40)}`,
      };
    }
    lastError = `the exchange at ${where(file, analysis, target.start)} left ${file} unparseable: ${error}`;
  }
  return { failure: `crossover: ${lastError}` };
}

/** The expressions and statements of a file that crossover may replace or copy; once per parsed tree. */
function crossSites(analysis: SyntaxAnalysis): CrossSite[] {
  let found = sitesOf.get(analysis.tree);
  if (found !== undefined) return found;
  found = [];
  const { dialect } = analysis;
  for (const { start, end, node, kind } of analysis.expressions) {
    const leaf = dialect.numbers.has(node.type) || dialect.booleans.has(node.type) || LEAVES.has(node.type);
    const literal = literalClass(analysis, node);
    found.push({
      start,
      end,
      node,
      category: 'expression',
      kind,
      leaf,
      fixed: false,
      binds: '',
      identity: '',
      ...(literal ? { literal } : {}),
    });
  }
  for (const info of statementInfos(analysis)) {
    if (info.empty || info.labelled) continue;
    const identity = info.fixed ? `${info.node.type} ${definedName(info.node) ?? ''}` : info.finalReturn ? 'return' : '';
    const binds = [...info.names].sort().join(' ');
    found.push({
      start: info.site.start,
      end: info.site.end,
      node: info.node,
      category: 'statement',
      leaf: false,
      fixed: info.fixed,
      binds,
      identity,
    });
  }
  sitesOf.set(analysis.tree, found);
  return found;
}

const TYPED = new Set(['c', 'cpp', 'rust', 'go']);

/** A numeric literal's class in a statically typed language (`int`, `float`, `floatf32`), or undefined for anything else. */
function literalClass(analysis: SyntaxAnalysis, node: Node): string | undefined {
  const { dialect } = analysis;
  if (!TYPED.has(dialect.id)) return undefined;
  const literal = dialect.unary.has(node.type) && node.namedChildCount === 1 ? node.namedChild(0) : node;
  if (literal === null || !dialect.numbers.has(literal.type)) return undefined;
  const raw = literal.text;
  const suffix = dialect.id === 'rust' ? (/[iuf](8|16|32|64|128|size)$/.exec(raw)?.[0] ?? '') : '';
  const float = /float/.test(literal.type) || suffix.startsWith('f') || (!/^-?0[xX]/.test(raw) && /[.eE]/.test(raw));
  return (float ? 'float' : 'int') + suffix;
}

function chooseDonor(
  rng: Rng,
  analysis: SyntaxAnalysis,
  target: CrossSite,
  targetText: string,
  donor: SyntaxAnalysis,
): CrossSite | undefined {
  const sameType: CrossSite[] = [];
  const sameCategory: CrossSite[] = [];
  for (const site of crossSites(donor)) {
    if (site.category !== target.category || site.kind !== target.kind) continue;
    if (site.binds !== target.binds || site.fixed !== target.fixed) continue;
    if (target.identity !== '' && !compatibleIdentity(target, site)) continue;
    if (target.literal !== site.literal) continue;
    // Compare in place: slicing every donor node would dominate the cost of a proposal.
    if (site.end - site.start === targetText.length && donor.text.startsWith(targetText, site.start)) continue;
    if (site.node.type === target.node.type) sameType.push(site);
    else if (target.binds === '' && !target.fixed) sameCategory.push(site);
  }
  // The costlier checks run only on the donors drawn, until one fits where the target stands.
  const fits = (site: CrossSite): boolean =>
    !foreignPrivateNames(analysis, target.node, donor, site) &&
    contextAllows(analysis, target.node, needs(donor, site.node)) &&
    !outOfScope(analysis, target.node, donor, site.node);
  return drawFitting(rng, sameType, fits) ?? drawFitting(rng, sameCategory, fits);
}

/** A random member of `pool` that `fits`, trying each at most once. */
function drawFitting(rng: Rng, pool: CrossSite[], fits: (site: CrossSite) => boolean): CrossSite | undefined {
  while (pool.length > 0) {
    const index = rng.int(pool.length);
    const site = pool[index] as CrossSite;
    if (fits(site)) return site;
    pool.splice(index, 1);
  }
  return undefined;
}

function compatibleIdentity(target: CrossSite, site: CrossSite): boolean {
  if (target.identity === 'return') return /return/.test(site.node.type) || /^return/.test(site.node.text);
  return site.identity === target.identity;
}

/** The name a definition gives (`def score`, `fn score`, `double score(...)`, `export const scale`), if it has one. */
function definedName(node: Node): string | undefined {
  const name = node.childForFieldName('name');
  if (name !== null) return name.text;
  for (const field of ['declaration', 'definition', 'declarator']) {
    const inner = node.childForFieldName(field);
    if (inner !== null) return inner.type === 'identifier' ? inner.text : definedName(inner);
  }
  const declarator = node.namedChildren.find((child) => child?.type === 'variable_declarator');
  return declarator ? definedName(declarator) : undefined;
}

/** Private names (`#size`) the donor reads that the target's class does not declare: a SyntaxError in JavaScript. */
function foreignPrivateNames(analysis: SyntaxAnalysis, target: Node, donor: SyntaxAnalysis, source: CrossSite): boolean {
  const names = donor.text.slice(source.start, source.end).match(/#[A-Za-z_$][\w$]*/g);
  if (names === null || !isScript(analysis)) return false;
  let body: Node | null = target.parent;
  while (body !== null && body.type !== 'class_body') body = body.parent;
  return body === null || names.some((name) => !body.text.includes(name));
}

// Keyed by tree, then by node id: web-tree-sitter hands out a new Node object on every access.
const locals = new WeakMap<object, Map<number, Set<string>>>();

/** Every name a function binds anywhere inside it: parameters, declarations, loop variables. */
function localNames(analysis: SyntaxAnalysis, fn: Node): Set<string> {
  let byFunction = locals.get(analysis.tree);
  if (byFunction === undefined) {
    byFunction = new Map();
    locals.set(analysis.tree, byFunction);
  }
  let names = byFunction.get(fn.id);
  if (names === undefined) {
    names = new Set(bindingsWithin(analysis, fn));
    byFunction.set(fn.id, names);
  }
  return names;
}

function bindingsWithin(analysis: SyntaxAnalysis, root: Node): string[] {
  const { dialect } = analysis;
  const names: string[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (dialect.functions.has(node.type)) names.push(...parameters(dialect, node).map((parameter) => parameter.name));
    if (dialect.declarations.has(node.type)) names.push(...declaredNames(dialect, node).map((declared) => declared.name));
    if (dialect.loops.has(node.type)) names.push(...loopNames(dialect, node));
    for (const child of node.namedChildren) if (child !== null) stack.push(child);
  }
  return names;
}

/**
 * Whether the donor reads a local of its own function (a parameter, a declared variable, a loop
 * variable) that is not in scope where the target stands. Names that are not locals there (module
 * constants, functions, macros) are taken to be visible everywhere.
 */
function outOfScope(analysis: SyntaxAnalysis, target: Node, donor: SyntaxAnalysis, source: Node): boolean {
  const fn = enclosingFunction(donor.dialect, source);
  if (fn === undefined) return false;
  const theirs = localNames(donor, fn);
  const inner = new Set(bindingsWithin(donor, source));
  let visible: Set<string> | undefined;
  const stack: Node[] = [source];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'identifier' && theirs.has(node.text) && !inner.has(node.text) && fieldOf(node) !== 'attribute') {
      visible ??= new Set(variablesAt(analysis, target).map((variable) => variable.name));
      if (!visible.has(node.text)) return true;
    }
    for (const child of node.namedChildren) if (child !== null) stack.push(child);
  }
  return false;
}

/** What a piece of code needs around it: a loop for its `continue`, a function for its `return`, and so on. */
interface Needs {
  loop: boolean;
  breakable: boolean;
  labels: string[];
  function: boolean;
  async: boolean;
  generator: boolean;
}

const LOOP = /^(for|while|do|loop)_(statement|expression)$|^for_(in|range)_(statement|loop)$/;
const SWITCH = /^(switch_statement|expression_switch_statement|type_switch_statement|select_statement)$/;
const JUMP = /^(break|continue)_(statement|expression)$/;
const LABELLED = /^labeled_statement$/;

function labelOf(node: Node): string | undefined {
  const label = node.childForFieldName('label') ?? node.namedChildren.find((child) => child?.type === 'label') ?? null;
  return label?.text;
}

/** What the donor needs around it wherever it goes: jumps that leave it, `return`, `await` and `yield` outside nested functions. */
function needs(donor: SyntaxAnalysis, root: Node): Needs {
  const found: Needs = { loop: false, breakable: false, labels: [], function: false, async: false, generator: false };
  const { functions } = donor.dialect;
  const walk = (node: Node, loop: boolean, breakable: boolean, labels: readonly string[]): void => {
    if (node.id !== root.id && functions.has(node.type)) return;
    const type = node.type;
    if (JUMP.test(type)) {
      const label = labelOf(node);
      if (label !== undefined && !labels.includes(label)) found.labels.push(label);
      else if (label === undefined && type.startsWith('continue') && !loop) found.loop = true;
      else if (label === undefined && !breakable) found.breakable = true;
    }
    if (/^return_(statement|expression)$/.test(type)) found.function = true;
    if (type === 'await_expression' || type === 'await') found.async = true;
    if (type === 'yield_expression' || type === 'yield') found.generator = true;
    const isLoop = LOOP.test(type);
    const own = LABELLED.test(type) || isLoop ? labelOf(node) : undefined;
    const inner = own === undefined ? labels : [...labels, own];
    for (const child of node.namedChildren) {
      if (child !== null) walk(child, loop || isLoop, breakable || isLoop || SWITCH.test(type), inner);
    }
  };
  walk(root, false, false, []);
  return found;
}

/** Whether the place of `target` gives the donor what it needs. */
function contextAllows(analysis: SyntaxAnalysis, target: Node, need: Needs): boolean {
  let loop = false;
  let breakable = false;
  const labels: string[] = [];
  let fn: Node | undefined;
  for (let node = target.parent; node !== null; node = node.parent) {
    if (analysis.dialect.functions.has(node.type)) {
      fn = node;
      break;
    }
    if (LOOP.test(node.type)) loop = breakable = true;
    if (SWITCH.test(node.type)) breakable = true;
    const label = LABELLED.test(node.type) || LOOP.test(node.type) ? labelOf(node) : undefined;
    if (label !== undefined) labels.push(label);
  }
  if ((need.loop && !loop) || (need.breakable && !breakable) || need.labels.some((label) => !labels.includes(label))) return false;
  if ((need.function || need.generator) && fn === undefined) return false;
  if (need.async && !(fn === undefined ? isScript(analysis) : isAsync(fn))) return false;
  return !(
    need.generator &&
    isScript(analysis) &&
    fn !== undefined &&
    !/generator/.test(fn.type) &&
    !fn.children.some((child) => child?.type === '*')
  );
}

function isAsync(fn: Node): boolean {
  return fn.children.some(
    (child) => child !== null && (child.type === 'async' || (child.type === 'function_modifiers' && /\basync\b/.test(child.text))),
  );
}

function replacement(analysis: SyntaxAnalysis, target: CrossSite, donor: SyntaxAnalysis, source: CrossSite, donorText: string): Edit {
  const text = analysis.text;
  let code = reindent(donorText, indentAt(donor.text, source.start), indentAt(text, target.start));
  if (target.category === 'expression') {
    if (needsParentheses(analysis, target.node, source.node, donor)) code = `(${code})`;
  } else if (isScript(analysis)) {
    // In code without semicolons the new statement must not glue onto its neighbours.
    if (glues(lastCharBefore(text, target.start), code[0] ?? '')) code = `;${code}`;
    if (glues(code[code.length - 1] ?? '', firstCharFrom(text, target.end))) code = `${code};`;
  }
  return { start: target.start, end: target.end, text: code };
}

/** Whether a donor expression must be parenthesised where the target stands, so that it keeps its grouping. */
function needsParentheses(analysis: SyntaxAnalysis, target: Node, source: Node, donor: SyntaxAnalysis): boolean {
  if ((donor.dialect.numbers.has(source.type) && !source.text.startsWith('-')) || ATOMIC.has(source.type)) return false;
  const parent = target.parent;
  if (parent === null || parent.type === 'parenthesized_expression') return false;
  const { dialect } = analysis;
  if (dialect.binary.has(parent.type) || dialect.unary.has(parent.type) || parent.type === dialect.conditional) return true;
  const field = fieldOf(target);
  return OPERAND_OF.test(parent.type) && field !== 'index' && field !== 'subscript' && field !== 'arguments';
}

function sameRegions(a: SyntaxAnalysis, b: SyntaxAnalysis): boolean {
  if (a.text === b.text) return true;
  if (a.regions.length !== b.regions.length) return false;
  return a.regions.every((region, index) => {
    const other = b.regions[index] as { start: number; end: number };
    return a.text.slice(region.start, region.end) === b.text.slice(other.start, other.end);
  });
}
