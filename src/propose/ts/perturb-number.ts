import type { Node } from 'web-tree-sitter';
import type { Operator, ParentView, ProposalResult } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import { excerpt } from '../source.ts';
import { type LiteralSite, reparseError, type SyntaxAnalysis } from '../syntax/analysis.ts';
import type { LanguageId } from '../syntax/grammars.ts';
import { fieldOf } from '../syntax/nodes.ts';
import { analyzeFiles, EVERY_FILE, type FileFilter, noSyntaxSite, pickItem, type Route, SYNTAX_EDITS, where } from './common.ts';
import { formatMagnitude, INTEGER, perturbValue } from './literal.ts';

export interface SyntaxPerturbOptions {
  minSigma?: number;
  maxSigma?: number;
}

const DEFAULTS = { minSigma: 1e-3, maxSigma: 0.5 } satisfies Required<SyntaxPerturbOptions>;

/** How one literal is rewritten: its digits, the suffix kept after them, and what its value may become. */
interface LiteralPlan {
  site: LiteralSite;
  /** The digits without separators or sign, as the radix is read from. */
  digits: string;
  suffix: string;
  integer: boolean;
  /** The minus in front belongs to the literal (a unary minus, or C's `-1.5f` token). */
  negated: boolean;
  /** The value must not turn negative: unsigned suffixes, array sizes, and Rust integers, often `usize`. */
  nonNegative: boolean;
}

// Numbers in these positions are part of a type, not of behaviour.
const TYPE_CONTEXTS = new Set(['literal_type', 'array_type', 'template_argument_list', 'type_arguments', 'type_annotation']);
const RUST_INTEGER = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)((?:[iu](?:8|16|32|64|128|size))?)$/;
const RUST_DECIMAL = /^([0-9][0-9_]*(?:\.(?:[0-9][0-9_]*)?)?(?:[eE][-+]?[0-9_]+)?)(_*f(?:32|64))?$/;
const GO_INTEGER = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/;
const PLAIN_FLOAT = /^(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?$/;
const C_NUMBER = /^((?:0[xX][0-9a-fA-F']+|0[bB][01']+)|(?:[0-9'.]+(?:[eE][-+]?[0-9']+)?))([a-zA-Z]*)$/;
const plans = new WeakMap<object, LiteralPlan[]>();

/**
 * Perturbs one numeric literal inside an EVOLVE block of any file a grammar covers, like the
 * Babel perturb-number: integers stay integers, floats stay floats, a unary minus counts as part of
 * the literal and a new negative is parenthesised. Suffixes are kept (`1.5f`, `2u32`, `0x1F_u8`),
 * as are the radix and digit case; separators (`1_000`, `1'000`) are dropped from the new text.
 * Literals it cannot rewrite safely are never picked: octal with a leading zero, hexadecimal
 * floats, complex and BigInt literals, Rust tuple indices (`t.0`), numbers in types and array
 * types, JavaScript property keys and member objects. An unsigned literal, a C array size and a
 * Rust integer (often a `usize`) never turn negative: a negative draw is mirrored. The child is
 * re-parsed, and one that no longer parses is a failure.
 *
 * @example
 * const result = await treeSitterPerturbNumber().propose({ parents: [parent], inspirations: [], rng: Rng.fromSeed(1) });
 * // { genome, description: 'perturb-number 0.5 -> 0.4731 at model.py:4' }
 */
export function treeSitterPerturbNumber(options: SyntaxPerturbOptions = {}): Operator {
  return {
    name: 'perturb-number',
    arity: 1,
    ...SYNTAX_EDITS,
    async propose(context) {
      const parent = context.parents[0];
      if (parent === undefined) return { failure: 'perturb-number needs a parent' };
      return (await perturbNumberRoute(parent, context.rng, EVERY_FILE, options)).propose();
    },
  };
}

/** The tree-sitter perturb-number on the files `accept` lets through, as a route the public operator can draw. */
export async function perturbNumberRoute(parent: ParentView, rng: Rng, accept: FileFilter, options: SyntaxPerturbOptions): Promise<Route> {
  const { minSigma, maxSigma } = { ...DEFAULTS, ...options };
  const { files, errors } = await analyzeFiles(parent.genome, accept);
  const sites = files.reduce((sum, { analysis }) => sum + literalPlans(analysis).length, 0);
  return {
    files: files.length + errors.length,
    sites,
    propose: async (): Promise<ProposalResult> => {
      const picked = pickItem(rng, files, literalPlans);
      if (picked === undefined) return noSyntaxSite('no numeric literal inside an EVOLVE block', errors);
      const { file, analysis, item: plan } = picked;
      const before = analysis.text.slice(plan.site.start, plan.site.end);
      const replacement = rewrite(plan, rng, minSigma, maxSigma);
      const at = where(file, analysis, plan.site.start);
      if (replacement === undefined) return { failure: `cannot perturb ${excerpt(before)} at ${at}` };
      const text = analysis.text.slice(0, plan.site.start) + replacement + analysis.text.slice(plan.site.end);
      // A new negative in parentheses could land where the grammar wants a bare literal (a pattern).
      const error = reparseError(analysis, text);
      if (error !== undefined)
        return { failure: `perturb-number ${excerpt(before)} -> ${replacement} at ${at} left ${file} unparseable: ${error}` };
      return {
        genome: { ...parent.genome, [file]: text },
        description: `perturb-number ${excerpt(before)} -> ${replacement} at ${at}`,
      };
    },
  };
}

/** The literals of a file that can be rewritten, in source order; computed once per parsed tree. */
export function literalPlans(analysis: SyntaxAnalysis): LiteralPlan[] {
  let found = plans.get(analysis.tree);
  if (found === undefined) {
    found = [];
    for (const site of analysis.numbers) {
      const plan = planLiteral(analysis, site);
      if (plan !== undefined) found.push(plan);
    }
    plans.set(analysis.tree, found);
  }
  return found;
}

function rewrite(plan: LiteralPlan, rng: Rng, minSigma: number, maxSigma: number): string | undefined {
  const magnitude = Number(plan.digits);
  const value = plan.negated ? -magnitude : magnitude;
  let next = perturbValue(value, plan.integer, rng, minSigma, maxSigma);
  if (next === undefined) return undefined;
  if (plan.nonNegative && next < 0) {
    next = -next;
    if (next === value) next = value + 1;
  }
  const body = formatMagnitude(Math.abs(next), plan.integer ? plan.digits : undefined) + plan.suffix;
  if (next >= 0) return body;
  return plan.negated ? `-${body}` : `(-${body})`;
}

function planLiteral(analysis: SyntaxAnalysis, site: LiteralSite): LiteralPlan | undefined {
  const { dialect, tree } = analysis;
  const node = tree.rootNode.namedDescendantForIndex(site.end - 1, site.end);
  if (node === null || !dialect.numbers.has(node.type) || !safePosition(dialect.id, node)) return undefined;
  let raw = site.raw.trim();
  let negated = site.negated;
  // tree-sitter-c reads a leading minus as part of the number token.
  if (raw.startsWith('-')) {
    if (negated) return undefined;
    negated = true;
    raw = raw.slice(1).trimStart();
  }
  const split = splitLiteral(dialect.id, raw);
  if (split === undefined) return undefined;
  const digits = split.body.replace(/[_']/g, '');
  if (digits === '' || !Number.isFinite(Number(digits))) return undefined;
  const integer = !split.float && INTEGER.test(digits);
  if (!split.float && !integer) return undefined;
  const unsigned = /^_*[uU]|^[lLzZ]*[uU]/.test(split.suffix);
  const arraySize = node.parent?.type === 'array_declarator';
  const nonNegative = !negated && integer && (unsigned || arraySize || dialect.id === 'rust');
  return { site, digits, suffix: split.suffix, integer, negated, nonNegative };
}

/** Whether a literal stands where a new value (perhaps negative, in parentheses) still means a value. */
function safePosition(language: LanguageId, node: Node): boolean {
  const field = fieldOf(node);
  const parent = node.parent;
  if (language === 'rust' && field === 'field') return false;
  if (language === 'javascript' || language === 'typescript' || language === 'tsx') {
    if (field === 'key' && parent?.type === 'pair') return false;
    if (field === 'object' && parent?.type === 'member_expression') return false;
  }
  for (let current = parent; current !== null; current = current.parent) {
    if (TYPE_CONTEXTS.has(current.type)) return false;
  }
  return true;
}

/** The literal's digits and suffix, and whether it is a float; undefined for forms it does not rewrite. */
function splitLiteral(language: LanguageId, raw: string): { body: string; suffix: string; float: boolean } | undefined {
  const hasPoint = (body: string): boolean => /[.eE]/.test(body) && !/^0[xX]/.test(body);
  switch (language) {
    case 'python':
      if (/[jJlL]$/.test(raw)) return undefined;
      return { body: raw, suffix: '', float: hasPoint(raw) };
    case 'c':
    case 'cpp': {
      const match = C_NUMBER.exec(raw);
      if (match === null) return undefined;
      const [, body = '', suffix = ''] = match;
      const float = hasPoint(body);
      if (float ? !/^[fFlL]?$/.test(suffix) : !/^[uUlLzZ]*$/.test(suffix)) return undefined;
      if (!float && /^0[0-9']/.test(body)) return undefined;
      return { body, suffix, float };
    }
    case 'rust': {
      const integer = RUST_INTEGER.exec(raw);
      if (integer !== null) return { body: integer[1] ?? '', suffix: integer[2] ?? '', float: false };
      const decimal = RUST_DECIMAL.exec(raw);
      if (decimal === null) return undefined;
      return { body: decimal[1] ?? '', suffix: decimal[2] ?? '', float: true };
    }
    case 'go':
      if (/^0[0-9_]/.test(raw)) return undefined;
      if (GO_INTEGER.test(raw)) return { body: raw, suffix: '', float: false };
      return PLAIN_FLOAT.test(raw) && !/^0[xX]/.test(raw) ? { body: raw, suffix: '', float: true } : undefined;
    default:
      if (/n$/.test(raw) || /^0[0-9]/.test(raw)) return undefined;
      return { body: raw, suffix: '', float: hasPoint(raw) };
  }
}
