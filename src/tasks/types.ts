/**
 * Self-generated tasks: the vocabulary. A proposer model writes a task with its own check (tests and
 * a reference, or a program that computes the answer); the sandbox validates it; a solver attempts
 * it n times; its pass rate says whether it can teach anything; a curriculum decides what to write
 * next. Kept tasks feed the flywheel (as `FlywheelTask`s) and the DGM (in the benchmark's layout).
 */

/** What wrote a task. */
export type GeneratorKind = 'coding' | 'triple' | 'math' | 'ladder' | 'sws';
export const GENERATOR_KINDS: readonly GeneratorKind[] = ['coding', 'triple', 'math', 'ladder', 'sws'];

export type Difficulty = 'easy' | 'medium' | 'hard';
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

/** Absolute Zero's three modes of a (program, input, output) triple: predict the output, find an input, write the program. */
export type TripleMode = 'deduction' | 'abduction' | 'induction';

/** The curriculum's arm: generator kind × difficulty × topic. */
export interface Category {
  generator: GeneratorKind;
  difficulty: Difficulty;
  /** A short label such as `strings` or `arithmetic`. */
  topic: string;
}

/** The category as one string, `generator/difficulty/topic`, for tables and keys. */
export function categoryKey(category: Category): string {
  return `${category.generator}/${category.difficulty}/${category.topic}`;
}

/**
 * A coding task in the coding benchmark's layout: one JavaScript solution file (`entry`, an ES
 * module), a stub it starts from, hidden tests in the benchmark's test API (`test`, `describe`,
 * `expect`, `node:assert`) that import `./<entry>`, and a reference solution.
 */
export interface CodeTaskBody {
  entry: string;
  stub: string;
  tests: string;
  reference: string;
}

/** A task answered by a value: math, or a triple in deduction mode. `program` computes the answer (`export function answer()`). */
export interface AnswerTaskBody {
  /** The answer as the proposer stated it; validation checks that the program computes the same. */
  value: string;
  program: string;
}

/** A (program, input, output) triple: `program` exports `f`; `output` is what running `f(input)` gave, never the proposer's guess. */
export interface TripleBody {
  mode: TripleMode;
  program: string;
  /** JSON of the argument list `f` is called with. */
  input: string;
  /** JSON of `f(...input)`, computed by running it in the isolate. */
  output: string;
}

/** Where a task came from. */
export interface Provenance {
  generator: GeneratorKind;
  /** The proposer model, or `scripted`. */
  model: string;
  /** The prompt the proposer was given. */
  prompt: string;
  /** The raw reply it parsed from. */
  reply: string;
  /** LADDER: the task this one is an easier variant of; SwS: the failed task it targets. */
  parent?: string;
  /** LADDER: how many simplifications from the original (1 for a direct variant). */
  depth?: number;
}

/**
 * A generated task, as parsed from a proposer's reply: `code` (a coding task), `answer` (math) or
 * `triple`; an abduction or induction triple carries a `code` body too (tests the solver's code
 * must pass), a deduction triple none. `id` is derived from the content (see `taskId`), so the same task written
 * twice has one id.
 */
export interface GeneratedTask {
  id: string;
  title: string;
  category: Category;
  /** The problem as the solver is shown it (markdown). */
  statement: string;
  code?: CodeTaskBody;
  answer?: AnswerTaskBody;
  triple?: TripleBody;
  provenance: Provenance;
}

/** Why a task was not kept. */
export type RejectReason =
  | 'unparseable'
  | 'reference-fails'
  | 'stub-passes'
  | 'trivial-passes'
  | 'nondeterministic'
  | 'escapes-sandbox'
  | 'answer-mismatch'
  | 'duplicate'
  | 'near-duplicate'
  | 'too-easy'
  | 'too-hard';

export const REJECT_REASONS: readonly RejectReason[] = [
  'unparseable',
  'reference-fails',
  'stub-passes',
  'trivial-passes',
  'nondeterministic',
  'escapes-sandbox',
  'answer-mismatch',
  'duplicate',
  'near-duplicate',
  'too-easy',
  'too-hard',
];

/** One check of validation, in the order they ran. */
export interface CheckResult {
  /** Such as `reference`, `stub`, `trivial:identity`, `repeat`, `escape`, `duplicate`. */
  check: string;
  passed: boolean;
  detail: string;
  durationMs: number;
}

/** The outcome of validating one task: kept, or rejected with the first reason found. */
export interface Validation {
  kept: boolean;
  reason?: RejectReason;
  /** One line a person can act on: which test, which trivial solution, which call. */
  detail: string;
  checks: CheckResult[];
}

/** The solver's attempts at a kept task. */
export interface Attempts {
  taskId: string;
  model: string;
  attempts: number;
  passed: number;
  /** passed / attempts. */
  passRate: number;
}

/** The band a pass rate must lie strictly inside for a task to teach anything. */
export interface LearnabilityBounds {
  low: number;
  high: number;
}
