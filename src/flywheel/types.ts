/**
 * The flywheel's vocabulary: tasks, samples, verdicts, kept examples and preference pairs. A
 * flywheel round samples K answers per task from the current policy model, verifies them, keeps
 * what passed (SFT examples) and pairs good with bad (preference pairs), exports both in standard
 * formats, and hands the export to a trainer whose new model samples the next round.
 */

/** One task the policy model is asked to solve. */
export interface FlywheelTask {
  /** Stable across rounds and resumes: a dataset's `id` field, `L<line>`, or the benchmark task's folder name. */
  id: string;
  /** Where it came from, such as `gsm8k-test.jsonl` or `coding-bench`, for dataset cards. */
  source: string;
  /** The problem as the model is shown it (the user message). */
  prompt: string;
  /** An optional system message for this task. */
  system?: string;
  /** The reference final answer; absent for an unlabelled task (verified by self-consistency, if at all). */
  answer?: string;
  /** A reference solution or rationale, when the source has one (SPIN pairs it against the model's own). */
  solution?: string;
  /** How a sample is checked: its final answer, or its code against tests in the sandbox. */
  kind: 'answer' | 'code';
  /** For `code` tasks: what the execution verifier needs to run the tests. */
  code?: CodeCheck;
  /** Category labels (topic, difficulty, generator kind) for curricula and cards. */
  tags?: Record<string, string>;
}

/** What running a code task's tests needs. */
export interface CodeCheck {
  language: 'javascript' | 'python';
  /** The file the sample's code is written to, such as `solution.js` or `solution.py`. */
  solutionFile: string;
  /** Test files, by name, written beside the solution (hidden from the model). */
  tests: Record<string, string>;
  /** For `coding-bench` tasks: the benchmark task folder, graded by its own hidden tests. */
  benchmarkTask?: string;
  timeoutMs?: number;
}

/** One sampled answer. `index` counts the task's samples within the round, from 0. */
export interface Sample {
  taskId: string;
  round: number;
  index: number;
  model: string;
  temperature: number;
  /** The reply as the model wrote it. */
  text: string;
  /** The final answer read from the reply (normalised), or the code block for code tasks. */
  answer?: string;
  tokens: number;
  costUsd: number;
}

/** Which verifier decided, from strongest to weakest. */
export type VerifierName = 'answer-numeric' | 'answer-normalised' | 'execution' | 'judge' | 'self-consistency';

/** The verifiers from strongest to weakest, in the order `VerifierName` lists them. */
export const VERIFIER_STRENGTH: readonly VerifierName[] = ['answer-numeric', 'answer-normalised', 'execution', 'judge', 'self-consistency'];

/** How a sample was judged. */
export interface Verdict {
  taskId: string;
  round: number;
  index: number;
  verifier: VerifierName;
  passed: boolean;
  /** For verifiers with a graded result (tests passed / total, a judge's score), in [0, 1]. */
  score?: number;
  /** Why, in a line: the expected and extracted answers, the failing test, the judge's reason. */
  detail?: string;
}

/** Checks a task's samples. Self-consistency needs all of a task's samples at once, so every verifier takes them together. */
export interface Verifier {
  readonly name: VerifierName;
  /** Whether it can check this task at all (a labelled answer, code tests, ...). */
  accepts(task: FlywheelTask): boolean;
  verify(task: FlywheelTask, samples: readonly Sample[]): Promise<Verdict[]>;
}

/** Produces tasks: a dataset, a benchmark, a generator (the self-generated tasks of the next issue). */
export interface TaskSource {
  readonly name: string;
  /** Every task, validated; throws an OuroError naming the file, line and field of a bad one before any call. */
  load(): Promise<FlywheelTask[]>;
}

/** A kept example for supervised fine-tuning. */
export interface SftExample {
  taskId: string;
  round: number;
  /** The sample it came from; undefined for human (real) data mixed in. */
  index?: number;
  system?: string;
  prompt: string;
  completion: string;
  /** `sample` (STaR/ReST), `rationalised` (STaR with the answer hint, hint stripped), or `human`. */
  origin: 'sample' | 'rationalised' | 'human';
  verifier?: VerifierName;
}

/** A preference pair for DPO-style training. */
export interface PreferencePair {
  taskId: string;
  round: number;
  system?: string;
  prompt: string;
  chosen: string;
  rejected: string;
  /** `dpo`: correct against incorrect; `spin`: the reference solution against the model's own; `scpo`: most against least consistent. */
  method: 'dpo' | 'spin' | 'scpo';
}
