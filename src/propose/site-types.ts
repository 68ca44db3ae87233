// What the analysis of a genome file finds: the sites each embedded operator edits.
import type { Region } from '../core/genome.ts';
import type { ParseSettings } from './source.ts';
import type { Slot } from './slots.ts';

/** A numeric literal, with a unary minus in front of it counted as part of it. */
export interface NumberSite {
  start: number;
  end: number;
  /** The literal's digits as written, without the minus. */
  raw: string;
  negated: boolean;
}

/** An operator token (or the `min`/`max` of `Math.min`) that may be swapped for a sibling. */
export interface OperatorSite {
  start: number;
  end: number;
  operator: string;
  nodeStart: number;
}

export interface StatementSite {
  start: number;
  end: number;
  type: string;
  /** Position in its statement list, counting statements outside regions too. */
  index: number;
  /** `binding` declares names; `fixed` is an import, export or TypeScript declaration. */
  declaration: 'none' | 'binding' | 'fixed';
  names: string[];
  terminator: boolean;
  /** The `return` that ends a function body. */
  finalReturn: boolean;
}

/** An expression or statement that crossover may replace or copy. */
export interface SyntaxSite {
  start: number;
  end: number;
  type: string;
  category: 'expression' | 'statement';
  leaf: boolean;
  parenthesized: boolean;
  slot: Slot;
}

/** A top-level function or class whose body can be re-parsed on its own. */
export interface BodySite {
  start: number;
  end: number;
  type: string;
  innerStart: number;
  innerEnd: number;
}

export interface FileAnalysis {
  text: string;
  settings: ParseSettings;
  regions: Region[];
  lines: number[];
  numbers: NumberSite[];
  operators: OperatorSite[];
  blocks: StatementSite[][];
  syntax: SyntaxSite[];
  /** Where each identifier name occurs in the whole file. */
  names: Map<string, number[]>;
  bodies: BodySite[];
}

export type Analysis = FileAnalysis | { error: string };

/** Analyses of a genome's evolvable files, sorted by file name, and why others were skipped. */
export interface GenomeAnalysis {
  files: Array<{ file: string; analysis: FileAnalysis }>;
  errors: string[];
}
