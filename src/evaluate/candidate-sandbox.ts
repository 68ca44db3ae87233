// What `context.isolate` and `context.run` stand on in a worker: the sandbox tiers, with the
// experiment's limits. One isolate serves every candidate the worker evaluates (each gets a
// fresh context); the process tier gives every run a fresh sandbox, one started ahead of time
// when the run has the shape of the one before (see sandbox/warm-runner.ts).
import { SandboxError, type CandidateModule, type ProcessRunOptions, type ProcessRunResult } from '../core/sandbox.ts';
import type { Genome } from '../core/types.ts';
import { IsolateSandbox } from '../sandbox/isolate.ts';
import { WarmRunner } from '../sandbox/warm-runner.ts';

export interface SandboxSettings {
  /** The isolate's heap limit. */
  memoryMb: number;
  /** One isolate call's limit, and the process tier's default timeout. */
  timeoutMs: number;
  /** Run without isolation where isolation is missing, and allow `importGenome` (`--unsafe`). */
  unsafe: boolean;
  /** The run's model broker, bound into every process-tier sandbox when the run has models. */
  brokerSocket?: string;
  /**
   * Where the waiting process-tier sandbox keeps its folder: a folder removed when this process
   * dies, even by SIGKILL (the worker's scratch root). The system's temporary folder otherwise.
   */
  warmParent?: string;
}

export class CandidateSandbox {
  private isolateSandbox: IsolateSandbox | undefined;
  /** Made on the first `context.run`, so that experiments that never call it start no sandbox. */
  private warmRunner: WarmRunner | undefined;

  constructor(private readonly settings: SandboxSettings) {}

  /** `context.isolate` for one candidate's genome. */
  isolateFor(genome: Genome): (file?: string, options?: { files?: Record<string, string> }) => Promise<CandidateModule> {
    return async (file, options = {}) => {
      const extra = options.files ?? {};
      const clash = Object.keys(extra).find((name) => Object.hasOwn(genome, name));
      if (clash !== undefined)
        throw new SandboxError('refused', `isolate: the evaluator's file ${JSON.stringify(clash)} has the name of a genome file`);
      const modules = { ...genome, ...extra };
      const entry = file ?? Object.keys(genome)[0];
      if (entry === undefined) throw new SandboxError('refused', 'isolate: the genome has no files');
      if (!Object.hasOwn(modules, entry)) {
        throw new SandboxError(
          'refused',
          `isolate: the genome has no file ${JSON.stringify(entry)} (it has ${Object.keys(genome).join(', ')})`,
        );
      }
      this.isolateSandbox ??= IsolateSandbox.create({ memoryMb: this.settings.memoryMb, timeoutMs: this.settings.timeoutMs });
      return this.isolateSandbox.load(modules, entry);
    };
  }

  /** `context.run` for one candidate's genome: its files, plus the evaluator's, in the scratch directory. */
  runFor(genome: Genome): (command: string[], options?: Omit<ProcessRunOptions, 'command'>) => Promise<ProcessRunResult> {
    return (command, options = {}) => {
      // One waiting sandbox per worker: a worker evaluates one candidate at a time.
      this.warmRunner ??= new WarmRunner({ size: 1, scratchParent: this.settings.warmParent });
      return this.warmRunner.run({
        timeoutMs: this.settings.timeoutMs,
        ...options,
        command,
        files: { ...genome, ...options.files },
        unsafe: this.settings.unsafe,
        ...(this.settings.brokerSocket ? { brokerSocket: this.settings.brokerSocket } : {}),
      });
    };
  }

  /** Disposes the isolate and kills the waiting sandbox; resolves once that sandbox's folder is gone. */
  dispose(): Promise<void> {
    this.isolateSandbox?.dispose();
    this.isolateSandbox = undefined;
    const runner = this.warmRunner;
    this.warmRunner = undefined;
    return runner?.close() ?? Promise.resolve();
  }
}

/** Why `importGenome` is refused without `--unsafe`. */
export const IMPORT_REFUSED =
  "context.importGenome runs candidate code inside the evaluator's own process, where it could forge its score: " +
  'call it through context.isolate(file) (JavaScript/TypeScript functions) or context.run(command) (programs), ' +
  'or pass --unsafe to allow it';
