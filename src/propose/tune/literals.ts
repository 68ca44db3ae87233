import type { Region } from '../../core/genome.ts';
import type { Genome } from '../../core/types.ts';
import { formatNumber } from '../perturb-number.ts';
import { lineAt } from '../source.ts';
import { analyzeSyntaxGenome, type LiteralSite, type SyntaxAnalysis } from '../syntax/analysis.ts';

/** One floating-point literal inside an EVOLVE block, as constant tuning reads and rewrites it. */
export interface FloatLiteral {
  file: string;
  /** The span rewritten: the literal with its minus, and with the parentheses of `(-0.5)` when they hold nothing else. */
  start: number;
  end: number;
  /** The text of that span as written. */
  text: string;
  value: number;
  /** A type suffix kept on rewriting: C's `f` or `L`, Rust's `f64` or `_f32`. */
  suffix: string;
  /** Whether a negative value may be written with a bare minus here (the author wrote one), else in parentheses. */
  bareMinus: boolean;
  line: number;
}

/** The float literals of a genome and what the genome is without them. */
export interface Constants {
  literals: FloatLiteral[];
  /**
   * The whole genome with each literal's span blanked out: two genomes with equal templates
   * differ only in the values of these literals, so one optimizer serves both.
   */
  template: string;
  /** Files that could not be analysed, as `file: reason`. */
  errors: string[];
}

const BLANK = '\u0000';
const FILE_END = '\u0001';
const DECIMAL = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SUFFIXES: Record<string, RegExp> = {
  c: /[fFlL]$/,
  cpp: /[fFlL]$/,
  rust: /_?f(?:32|64)$/,
};

/**
 * Reads the float literals inside the EVOLVE blocks of every file a grammar covers, in file-name
 * then source order. A literal counts as a float when it is written as one (a point or an
 * exponent, or Rust's `f32`/`f64` suffix); integers (indices, counts, sizes) are left out, and so
 * are hex floats, imaginary numbers and user-defined literals.
 *
 * @example
 * const { literals, template } = await readConstants({ 'model.py': source });
 * literals.map((literal) => literal.value); // [1.0, 0.5]
 */
export async function readConstants(genome: Genome): Promise<Constants> {
  const { files, errors } = await analyzeSyntaxGenome(genome);
  const analysed = new Map(files.map(({ file, analysis }) => [file, analysis]));
  const literals: FloatLiteral[] = [];
  let template = '';
  for (const file of Object.keys(genome).sort()) {
    const text = genome[file] as string;
    const analysis = analysed.get(file);
    const found = analysis === undefined ? [] : floatsOf(file, analysis);
    let cursor = 0;
    let blanked = '';
    for (const literal of found) {
      blanked += text.slice(cursor, literal.start) + BLANK;
      cursor = literal.end;
    }
    template += `${file}\n${blanked}${text.slice(cursor)}${FILE_END}`;
    literals.push(...found);
  }
  return { literals, template, errors };
}

/**
 * The genome with each literal rewritten to its new value: the shortest text that reads back as
 * exactly that double (via `formatNumber`), with its suffix kept, and a negative value in
 * parentheses unless a bare minus stood there already.
 */
export function writeConstants(genome: Genome, literals: readonly FloatLiteral[], values: readonly number[]): Genome {
  if (values.length !== literals.length) throw new RangeError(`writeConstants: ${values.length} values for ${literals.length} literals`);
  const child: Genome = { ...genome };
  const byFile = new Map<string, Array<{ literal: FloatLiteral; value: number }>>();
  literals.forEach((literal, index) => {
    const list = byFile.get(literal.file) ?? [];
    list.push({ literal, value: values[index] as number });
    byFile.set(literal.file, list);
  });
  for (const [file, edits] of byFile) {
    let text = genome[file] as string;
    // From the end, so earlier offsets stay valid.
    for (const { literal, value } of [...edits].sort((a, b) => b.literal.start - a.literal.start)) {
      text = text.slice(0, literal.start) + literalText(literal, value) + text.slice(literal.end);
    }
    child[file] = text;
  }
  return child;
}

/** How a value is written into a literal's span. */
export function literalText(literal: Pick<FloatLiteral, 'suffix' | 'bareMinus'>, value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`literalText: ${value} is not a finite number`);
  const body = formatNumber(Math.abs(value), undefined, false) + literal.suffix;
  if (!(value < 0)) return body;
  return literal.bareMinus ? `-${body}` : `(-${body})`;
}

function floatsOf(file: string, analysis: SyntaxAnalysis): FloatLiteral[] {
  const found: FloatLiteral[] = [];
  for (const site of [...analysis.numbers].sort((a, b) => a.start - b.start)) {
    const literal = floatOf(file, analysis, site);
    if (literal !== undefined) found.push(literal);
  }
  return found;
}

function floatOf(file: string, analysis: SyntaxAnalysis, site: LiteralSite): FloatLiteral | undefined {
  // C's grammar lexes the minus into the literal itself; the others report it as `negated`.
  const minus = site.negated || site.raw.startsWith('-');
  const digits = site.raw.replace(/^-\s*/, '');
  const suffix = SUFFIXES[analysis.dialect.id]?.exec(digits)?.[0] ?? '';
  const core = digits.slice(0, digits.length - suffix.length).replace(/[_']/g, '');
  if (!DECIMAL.test(core)) return undefined;
  if (!/[.eE]/.test(core) && !/f(?:32|64)$/.test(suffix)) return undefined;
  const magnitude = Number(core);
  if (!Number.isFinite(magnitude)) return undefined;
  let { start, end } = site;
  let wrapped = false;
  if (minus) {
    const node = analysis.tree.rootNode.descendantForIndex(site.start, site.end);
    const parent = node?.startIndex === site.start && node.endIndex === site.end ? node.parent : null;
    if (parent?.type === 'parenthesized_expression' && parent.namedChildCount === 1 && inRegion(analysis.regions, parent)) {
      ({ startIndex: start, endIndex: end } = parent);
      wrapped = true;
    }
  }
  return {
    file,
    start,
    end,
    text: analysis.text.slice(start, end),
    value: minus ? -magnitude : magnitude,
    suffix,
    bareMinus: minus && !wrapped,
    line: lineAt(analysis.lines, start),
  };
}

function inRegion(regions: readonly Region[], node: { startIndex: number; endIndex: number }): boolean {
  return regions.some((region) => region.start <= node.startIndex && node.endIndex <= region.end);
}
