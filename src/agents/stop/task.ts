// A downstream task of STOP: an initial program and a utility that scores any program text. The
// program runs in the isolate tier beside a small harness; what it returns is checked and scored
// here, on the host, so a program that tampers with its harness can only produce a worse answer.
import type { JsonValue } from '../../core/sandbox.ts';
import { SandboxError } from '../../core/sandbox.ts';
import { IsolateSandbox } from '../../sandbox/isolate.ts';

export interface StopTask {
  /** Kebab-case name, such as `bin-packing`. */
  readonly name: string;
  /** What the improver is told `utility` measures. */
  readonly description: string;
  /** The program the improver starts from: an ES module saved as `solution.js`. */
  readonly initial: string;
  /** Runs inside the isolate beside `solution.js`: an ES module exporting `run(input)`. */
  readonly harness: string;
  /** Handed to the harness's `run`. */
  readonly input: JsonValue;
  /** Checks what `run` returned and scores it (higher is better); throws when it is invalid. */
  score(output: JsonValue): number;
  /** What a program that crashes, times out or answers wrongly scores. Every score is at least this. */
  readonly floor: number;
  /** A good score, reached by a known solution: the normalised utility is 1 there. */
  reference(): number;
}

export interface ScoredProgram {
  utility: number;
  status: 'ok' | 'timeout' | 'memory' | 'error' | 'invalid-result' | 'refused' | 'unavailable';
  message?: string;
}

export interface ScorerLimits {
  memoryMb: number;
  timeoutMs: number;
}

export const DEFAULT_SCORER_LIMITS: ScorerLimits = { memoryMb: 64, timeoutMs: 250 };

/**
 * Scores programs for tasks in one isolate sandbox, one program at a time (the sandbox keeps
 * only the latest genome loaded, so concurrent calls queue).
 *
 * @example
 * const scorer = new TaskScorer();
 * const { utility } = await scorer.score(task, task.initial);
 * scorer.dispose();
 */
export class TaskScorer {
  private readonly sandbox: IsolateSandbox;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(limits: ScorerLimits = DEFAULT_SCORER_LIMITS) {
    this.sandbox = IsolateSandbox.create(limits);
  }

  score(task: StopTask, program: string): Promise<ScoredProgram> {
    const next = this.queue.then(() => this.scoreNow(task, program));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.sandbox.dispose();
  }

  private async scoreNow(task: StopTask, program: string): Promise<ScoredProgram> {
    const floor = (status: ScoredProgram['status'], message: string): ScoredProgram => ({ utility: task.floor, status, message });
    let output: JsonValue;
    try {
      const module = await this.sandbox.load({ 'solution.js': program, 'harness.js': task.harness }, 'harness.js');
      output = await module.call('run', task.input);
    } catch (error) {
      if (error instanceof SandboxError) return floor(error.kind, error.message);
      return floor('error', error instanceof Error ? error.message : String(error));
    }
    let utility: number;
    try {
      utility = task.score(output);
    } catch (error) {
      return floor('invalid-result', error instanceof Error ? error.message : String(error));
    }
    if (!Number.isFinite(utility)) return floor('invalid-result', `the score is ${utility}`);
    return { utility: Math.max(task.floor, utility), status: 'ok' };
  }
}

/** Reads `value` as an array of finite numbers, or throws naming `what`. */
export function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return value.map((item, index) => {
    if (typeof item !== 'number' || !Number.isFinite(item)) throw new Error(`${what}[${index}] is not a finite number`);
    return item;
  });
}
