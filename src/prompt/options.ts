import type { EvaluateFunction, Stage } from '../core/evaluator.ts';
import type { ChatMessage } from '../core/model.ts';

/** One line of a JSONL dataset: a JSON object as it was read. */
export type DatasetRow = Record<string, unknown>;

/** What a metric says about one output: a score in [0, 1] and, optionally, why. */
export interface MetricResult {
  score: number;
  /** Shown to reflection beside the instance's trace: what was wrong with the output. */
  feedback?: string;
}

/**
 * A metric of your own: scores a model output against the instance's target. May be async; a
 * throw marks that one instance failed (score 0), with the message in its trace.
 */
export type MetricFunction = (output: string, target: string, row: DatasetRow) => number | MetricResult | Promise<number | MetricResult>;

/** An LLM judge: the weakest metric (it can be flattered and it drifts); use it only when no checkable answer exists. */
export interface JudgeOptions {
  /** What a good answer does, in words the judge model can apply. */
  rubric: string;
  /** One of the run's model ids; the task's model when left out. */
  model?: string;
  /** Reply cap for the judge's call; the model's configured one when left out. */
  maxOutputTokens?: number;
}

/** How an output is scored: a built-in metric's name, a function, or an LLM judge. */
export type MetricChoice = 'exact' | 'numeric' | MetricFunction | { judge: JudgeOptions };

/**
 * How many instances each split gets: counts (whole numbers), or fractions of the dataset that sum
 * to at most 1. `test` is 0 when left out.
 */
export interface SplitSizes {
  train: number;
  val: number;
  test?: number;
}

/**
 * Builds the messages for one instance from the prompt's components (file name -> text with the
 * EVOLVE marker lines removed, in component order), the instance's input and its dataset row.
 */
export type RenderFunction = (components: Readonly<Record<string, string>>, input: string, row: DatasetRow) => ChatMessage[];

/** What `promptTask` takes; only `dataset`, `input`, `target` and `splits` are required. */
export interface PromptTaskOptions {
  /** The JSONL file: a `file:` URL (`new URL('./data.jsonl', import.meta.url)`) or an absolute path. */
  dataset: string | URL;
  /** The instance's input: a field name of the row, or a function of the row. */
  input: string | ((row: DatasetRow) => string);
  /** The expected answer: a field name of the row, or a function of the row. */
  target: string | ((row: DatasetRow) => string | number);
  /** How an output is scored. Default `'exact'`. */
  metric?: MetricChoice;
  splits: SplitSizes;
  /** Train instances drawn for the minibatch gate and for reflection's traces. Default 3 (GEPA's). */
  minibatch?: number;
  /** Seed of the split shuffle and the minibatch draws. Default 0. */
  seed?: number;
  /** A row field holding each instance's id; by default an instance is named `L<line number>`. */
  id?: string;
  /** The genome files that make up the prompt, in order; by default every file, in genome order. */
  components?: string[];
  /** Builds each call's messages; by default one system message of all components, then the input. */
  render?: RenderFunction;
  /** One of the run's model ids; the run's first when left out. */
  model?: string;
  /** Sampling temperature of the task's calls. Default 0, so that the run's cache answers repeats. */
  temperature?: number;
  /** Reply cap of the task's calls; the model's configured one when left out. */
  maxOutputTokens?: number;
  /** Model calls in flight at once within one evaluation. Default 8. */
  concurrency?: number;
  /** Characters of minibatch traces in the feedback reflection reads. Default 4,000. */
  feedbackChars?: number;
  /** Characters kept of each model output (and half that of each input) in the artifacts. Default 800. */
  traceChars?: number;
}

/** The options with their defaults applied. */
export interface TaskSettings {
  minibatch: number;
  seed: number;
  temperature: number;
  concurrency: number;
  feedbackChars: number;
  traceChars: number;
}

/** The defaults, in one place. */
export const PROMPT_TASK_DEFAULTS: TaskSettings = {
  minibatch: 3,
  seed: 0,
  temperature: 0,
  concurrency: 8,
  feedbackChars: 4_000,
  traceChars: 800,
};

/** The split sizes a task settled on, in instances. */
export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

/** What `promptTask` returns: the evaluator's parts, ready to export from `evaluate.ts`. */
export interface PromptTask {
  /** `[minibatch gate]`: export it as `stages`. */
  readonly stages: Stage[];
  /** The final stage, scoring the val split (or, for `purpose: 'test'`, the test split): the default export. */
  readonly evaluate: EvaluateFunction;
  /** How many instances each split holds. */
  readonly splits: SplitCounts;
  /** The instance ids of the train and val splits, in split order (the sealed test split's are not given out). */
  readonly ids: { readonly train: readonly string[]; readonly val: readonly string[] };
}
