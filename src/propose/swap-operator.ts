import { VISITOR_KEYS } from '@babel/types';
import type { Node } from '@babel/types';
import type { Operator, ParentView } from '../core/operator.ts';
import type { Rng } from '../core/rng.ts';
import { operatorClass } from './tokens.ts';
import { EMBEDDED_EDITS, firstParent, location, noSite, outsideBabel, pickAcross } from './common.ts';
import { analyzeGenome, type FileAnalysis, type OperatorSite } from './sites.ts';
import { applyEdit, type Edit } from './source.ts';
import { proposeOnRoutes, type Route } from './ts/common.ts';
import { swapOperatorRoute } from './ts/swap-operator.ts';
import { parseChild } from './validate.ts';

const OPERATOR_CHARACTERS = '+-*/%<>=!&|^~?';

/**
 * Swaps one operator for another of the same precedence class (`+ -`, `* /`, `< <= > >=`,
 * `=== !==`, `== !=`, `&& ||`, `Math.min Math.max`), so the parse tree keeps its shape. Only the
 * operator token changes; a space is added where the new token would fuse with a neighbour
 * (`a+-b` must not become `a--b`). In JavaScript such a swap cannot break the syntax, so the
 * child is not re-parsed; in TypeScript a new `<` or `>` could read as type arguments
 * (`f(a < b, c > (d))`), so those children are re-parsed and checked. Files in other languages go
 * to the tree-sitter version (see treeSitterSwapOperator), with each operator of the genome about
 * equally likely to be picked whichever parser reads it.
 *
 * @example
 * const result = await swapOperator().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(3) });
 * // { genome, description: 'swap-operator < -> <= at pack.js:10' }
 */
export function swapOperator(): Operator {
  return {
    name: 'swap-operator',
    arity: 1,
    ...EMBEDDED_EDITS,
    async propose(context) {
      const parent = firstParent(context, 'swap-operator');
      if ('failure' in parent) return parent;
      const syntax = await swapOperatorRoute(parent, context.rng, outsideBabel);
      return proposeOnRoutes(context.rng, babelRoute(parent, context.rng), syntax);
    },
  };
}

function babelRoute(parent: ParentView, rng: Rng): Route {
  const { files, errors } = analyzeGenome(parent.genome);
  return {
    files: files.length + errors.length,
    sites: files.reduce((sum, { analysis }) => sum + analysis.operators.length, 0),
    async propose() {
      const picked = pickAcross(rng, files, (analysis) => analysis.operators);
      if (picked === undefined) return noSite('no swappable operator inside an EVOLVE block', errors);
      const { file, analysis, item: site } = picked;
      const members = operatorClass(site.operator) as readonly string[];
      const replacement = rng.pick(members.filter((member) => member !== site.operator));
      const edit = { start: site.start, end: site.end, text: padded(analysis.text, site, replacement) };
      const text = applyEdit(analysis.text, edit);
      const where = location(file, analysis, site.start);
      if (!keepsShape(analysis, site, edit, text, replacement)) {
        return { failure: `swap-operator ${site.operator} -> ${replacement} at ${where} would change how the code parses` };
      }
      const named = (operator: string): string => (operator === 'min' || operator === 'max' ? `Math.${operator}` : operator);
      return {
        genome: { ...parent.genome, [file]: text },
        description: `swap-operator ${named(site.operator)} -> ${named(replacement)} at ${where}`,
      };
    },
  };
}

function padded(text: string, site: OperatorSite, replacement: string): string {
  if (replacement === 'min' || replacement === 'max') return replacement;
  const before = OPERATOR_CHARACTERS.includes(text[site.start - 1] ?? ' ') ? ' ' : '';
  const after = OPERATOR_CHARACTERS.includes(text[site.end] ?? ' ') ? ' ' : '';
  return before + replacement + after;
}

function keepsShape(analysis: FileAnalysis, site: OperatorSite, edit: Edit, text: string, replacement: string): boolean {
  if (!analysis.settings.plugins.includes('typescript') || (replacement !== '<' && replacement !== '>')) return true;
  const parsed = parseChild(analysis, edit, text);
  if ('error' in parsed) return false;
  return hasBinaryAt(parsed.ast.program, site.nodeStart - parsed.offset, replacement);
}

/** Whether a binary expression with `operator` starts at `start`, descending only into nodes that cover it. */
function hasBinaryAt(node: Node, start: number, operator: string): boolean {
  if (node.type === 'BinaryExpression' && node.start === start && node.operator === operator) return true;
  for (const key of VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    const children = Array.isArray(value) ? value : [value];
    for (const child of children as Array<Node | null | undefined>) {
      if (child === null || child === undefined || typeof child.type !== 'string') continue;
      if ((child.start as number) <= start && start < (child.end as number) && hasBinaryAt(child, start, operator)) return true;
    }
  }
  return false;
}
