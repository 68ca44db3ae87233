import type { LanguageId } from './grammars.ts';

/** The math functions the expression grammar may call. */
export type MathFunction = 'min' | 'max' | 'abs' | 'sqrt' | 'exp' | 'log' | 'pow';

export const UNARY_FUNCTIONS: readonly MathFunction[] = ['abs', 'sqrt', 'exp', 'log'];
export const BINARY_FUNCTIONS: readonly MathFunction[] = ['min', 'max', 'pow'];

/**
 * What the tree-sitter operators need to know about one language: which node types are numbers,
 * operators, statements, blocks and functions in its grammar, and how to write the few
 * constructs they generate. Everything language-specific lives here, so the operators are written
 * once for all languages.
 */
export interface Dialect {
  id: LanguageId;
  label: string;
  /** Numeric literal node types. */
  numbers: ReadonlySet<string>;
  /** Binary expression node types; the operator is the anonymous child between the operands. */
  binary: ReadonlySet<string>;
  /** Unary expression node types (`-x`, `!x`, `not x`). */
  unary: ReadonlySet<string>;
  /** Node types that stand for a boolean literal. */
  booleans: ReadonlySet<string>;
  /** The conditional expression's node type, if the language has one. */
  conditional?: string;
  /** Call expression node types. */
  calls: ReadonlySet<string>;
  /** Node types that hold a list of statements. */
  blocks: ReadonlySet<string>;
  /** Function-like node types: their parameters are in scope inside them. */
  functions: ReadonlySet<string>;
  /** Statement types that never move, copy or disappear (imports, package clauses, nested functions). */
  fixedStatements: ReadonlySet<string>;
  /** Statement types that declare names visible to later statements of the same block. */
  declarations: ReadonlySet<string>;
  /** Loop types whose header declares loop variables visible in their body. */
  loops: ReadonlySet<string>;
  /** Types whose `type` or annotation marks a number: `number`, `float`, `f64`, `double`, `int`. */
  numericTypes: RegExp;
  /** Whether a statement must end with `;` when written on its own. */
  semicolons: boolean;
  /** Arithmetic operators the grammar writes, in swap classes. */
  arithmetic: readonly string[];
  comparison: readonly string[];
  logical: readonly [and: string, or: string];
  not: (operand: string) => string;
  /** A call of a math function, or undefined when the file cannot call it (Go without `import "math"`). */
  call: (fn: MathFunction, args: readonly string[], source: string) => string | undefined;
  conditionalText?: (condition: string, consequence: string, alternative: string) => string;
  /** A fresh local bound to a number, as a statement. */
  declare: (name: string, value: string) => string;
  /** An assignment to an existing variable, as a statement. */
  assign: (name: string, value: string) => string;
  /**
   * `statement` guarded by `condition`, as text that replaces it. `indent` is the indentation of
   * the statement's line; `unit` one level of it.
   */
  guard: (condition: string, statement: string, indent: string, unit: string) => string;
  /** A floating-point literal in the language's syntax (always with a point or exponent). */
  float: (value: number) => string;
  /** Whether a declared local can be assigned again (JS `let`, Rust `let mut`); undefined for languages where any can. */
  mutable?: (declaration: string) => boolean;
}

/** Writes a finite number so that every language reads it as a float: `2.0`, `0.5`, `1e-7`. */
export function floatText(value: number): string {
  const body = String(Math.abs(value));
  const text = /[.e]/.test(body) ? body : `${body}.0`;
  return value < 0 ? `(-${text})` : text;
}
