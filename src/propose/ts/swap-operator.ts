import type { Node } from 'web-tree-sitter';
import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { firstError, type SyntaxAnalysis } from '../syntax/analysis.ts';
import type { LanguageId } from '../syntax/grammars.ts';
import { operatorOf } from '../syntax/nodes.ts';
import { operatorClass } from '../tokens.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, noSyntaxSite, pickItem, type Route, SYNTAX_EDITS, where } from './common.ts';
import { walkRegions } from './nodes.ts';

const OPERATOR_CHARACTERS = '+-*/%<>=!&|^~?';
const LOGICAL = new Set(['&&', '||', 'and', 'or']);
const PYTHON_LOGICAL = ['and', 'or'];
/** The callees whose `min` and `max` trade places, per language. */
const MIN_MAX: Partial<Record<LanguageId, RegExp>> = {
  javascript: /^Math\.(min|max)$/,
  typescript: /^Math\.(min|max)$/,
  tsx: /^Math\.(min|max)$/,
  python: /^(min|max)$/,
  c: /^f(min|max)[fl]?$/,
  cpp: /^(std::)?f(min|max)[fl]?$|^std::(min|max)$/,
  go: /^math\.(Min|Max)$|^(min|max)$/,
};

/** An operator token, or the `min`/`max` in a call's name, that may be swapped for a sibling. */
export interface SwapSite {
  start: number;
  end: number;
  operator: string;
  /** The binary expression or the call. */
  node: Node;
  call: boolean;
}

const sitesOf = new WeakMap<object, SwapSite[]>();

/**
 * Swaps one operator for another of its precedence class, in any language a grammar covers, like
 * the Babel swap-operator: `+ -`, `* /`, `< <= > >=`, `== !=`, `=== !==`, `&& ||` (`and or` in
 * Python), and `min`/`max` in calls (`Math.min`, Python's `min`, C's `fmin`, `std::min`, Rust's
 * `.min()`, Go's `math.Min`). `%` and Python's `//` are never swapped, and `&&`/`||` only where
 * no unparenthesised chain of the other would regroup. The child is re-parsed and must hold a
 * binary expression with the new operator where the old one was, so a swap that would make
 * `a < b` read as a template is a failure, not a child; in Rust a cast is never followed by a new
 * `<` (`a as usize < b`, which rustc reads as generics though tree-sitter does not).
 *
 * @example
 * const result = await treeSitterSwapOperator().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(3) });
 * // { genome, description: 'swap-operator < -> <= at model.py:10' }
 */
export function treeSitterSwapOperator(): Operator {
  return {
    name: 'swap-operator',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'swap-operator needs a parent' };
      return (await swapOperatorRoute(parent, context.rng, EVERY_FILE)).propose();
    },
  };
}

/** The tree-sitter swap-operator on the files `accept` lets through, as a route the public operator can draw. */
export async function swapOperatorRoute(parent: ParentView, rng: Rng, accept: FileFilter): Promise<Route> {
  const { files, errors } = await analyzeFiles(parent.genome, accept);
  return {
    files: files.length + errors.length,
    sites: files.reduce((sum, { analysis }) => sum + swapSites(analysis).length, 0),
    propose: async (): Promise<ProposalResult> => {
      const picked = pickItem(rng, files, swapSites);
      if (picked === undefined) return noSyntaxSite('no swappable operator inside an EVOLVE block', errors);
      const { file, analysis, item: site } = picked;
      const members = siblings(analysis.dialect.id, site).filter((member) => member !== site.operator && !generic(analysis, site, member));
      const replacement = rng.pick(members);
      const text = analysis.text;
      const padding = site.call ? ['', ''] : [pad(text[site.start - 1]), pad(text[site.end])];
      const child = text.slice(0, site.start) + padding[0] + replacement + padding[1] + text.slice(site.end);
      const at = where(file, analysis, site.start);
      const named = (operator: string): string => (site.call ? calleeWith(analysis, site, operator) : operator);
      const swap = `${named(site.operator)} -> ${named(replacement)}`;
      const problem = shapeProblem(analysis, site, child, site.start + (padding[0] as string).length, replacement);
      if (problem !== undefined) return { failure: `swap-operator ${swap} at ${at} ${problem}` };
      return { genome: { ...parent.genome, [file]: child }, description: `swap-operator ${swap} at ${at}` };
    },
  };
}

/** The swappable operators of a file, in source order; computed once per parsed tree. */
export function swapSites(analysis: SyntaxAnalysis): SwapSite[] {
  let found = sitesOf.get(analysis.tree);
  if (found !== undefined) return found;
  found = [];
  const { dialect } = analysis;
  const binary = new Map(analysis.operators.map((site) => [site.start, site]));
  const pattern = MIN_MAX[dialect.id];
  walkRegions(analysis, (node) => {
    if (dialect.binary.has(node.type)) {
      const token = operatorOf(node);
      const site = token === undefined ? undefined : binary.get(token.startIndex);
      if (site === undefined || token === undefined || siblingsOf(dialect.id, site.operator) === undefined) return;
      if (LOGICAL.has(site.operator) && inLogicalChain(dialect.binary, node)) return;
      found.push({ start: site.start, end: site.end, operator: site.operator, node, call: false });
    } else if (dialect.calls.has(node.type)) {
      const callee = node.childForFieldName('function');
      if (callee === null) return;
      if (dialect.id === 'rust') {
        const field = callee.type === 'field_expression' ? callee.childForFieldName('field') : null;
        if (field !== null && (field.text === 'min' || field.text === 'max')) {
          found.push({ start: field.startIndex, end: field.endIndex, operator: field.text, node, call: true });
        }
      } else if (pattern?.test(callee.text)) {
        const name = /(min|max|Min|Max)[fl]?$/.exec(callee.text)?.[1] as string;
        const start = callee.startIndex + callee.text.lastIndexOf(name);
        found.push({ start, end: start + name.length, operator: name, node, call: true });
      }
    }
  });
  found.sort((a, b) => a.start - b.start);
  sitesOf.set(analysis.tree, found);
  return found;
}

function siblingsOf(language: LanguageId, operator: string): readonly string[] | undefined {
  if (language === 'python') {
    if (PYTHON_LOGICAL.includes(operator)) return PYTHON_LOGICAL;
    if (operator === '===' || operator === '!==' || operator === '&&' || operator === '||') return undefined;
  }
  if (operator === 'min' || operator === 'max') return undefined;
  return operatorClass(operator);
}

function siblings(language: LanguageId, site: SwapSite): readonly string[] {
  if (site.call) return site.operator === 'Min' || site.operator === 'Max' ? ['Min', 'Max'] : ['min', 'max'];
  return siblingsOf(language, site.operator) ?? [site.operator];
}

/** `a || b && c` would regroup if `&&` became `||`, so chains of unparenthesised logical operators are left alone. */
function inLogicalChain(binary: ReadonlySet<string>, node: Node): boolean {
  const logical = (candidate: Node | null): boolean => {
    if (candidate === null || !binary.has(candidate.type)) return false;
    const token = operatorOf(candidate)?.type;
    return token !== undefined && LOGICAL.has(token);
  };
  return logical(node.parent) || logical(node.childForFieldName('left')) || logical(node.childForFieldName('right'));
}

/** rustc reads `x as usize < y` as generic arguments (tree-sitter does not), so a cast is never followed by a new `<`. */
function generic(analysis: SyntaxAnalysis, site: SwapSite, replacement: string): boolean {
  return analysis.dialect.id === 'rust' && replacement === '<' && site.node.childForFieldName('left')?.type === 'type_cast_expression';
}

function pad(neighbour: string | undefined): string {
  return neighbour !== undefined && OPERATOR_CHARACTERS.includes(neighbour) ? ' ' : '';
}

/** The callee's text with its `min`/`max` part replaced, as descriptions show it. */
function calleeWith(analysis: SyntaxAnalysis, site: SwapSite, name: string): string {
  // A Rust receiver can be any expression: only the method is shown.
  if (analysis.dialect.id === 'rust') return `.${name}`;
  const callee = site.node.childForFieldName('function') as Node;
  const text = analysis.text;
  return text.slice(callee.startIndex, site.start) + name + text.slice(site.end, callee.endIndex);
}

/**
 * Why the child does not hold the swapped operator where the old one was (it does not parse, or
 * the new token reads differently), or undefined when it does.
 */
function shapeProblem(analysis: SyntaxAnalysis, site: SwapSite, child: string, start: number, replacement: string): string | undefined {
  const tree = analysis.parser.parse(child);
  if (tree === null) return 'left the file unparseable: the parser gave no tree';
  try {
    const problem = firstError(tree.rootNode);
    if (problem !== undefined) return `left the file unparseable: line ${problem.line}, column ${problem.column}: ${problem.what}`;
    if (site.call) return undefined;
    const token = tree.rootNode.descendantForIndex(start, start + replacement.length);
    const same = token !== null && token.type === replacement && token.parent?.type === site.node.type;
    return same ? undefined : 'would change how the code parses';
  } finally {
    tree.delete();
  }
}
