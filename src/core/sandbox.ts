/**
 * What an evaluator sees of the sandbox: candidate code runs behind these interfaces, never in
 * the evaluator's own realm. `sandbox/` implements them; `evaluate/` hands them to evaluators.
 */
import { OuroError } from './errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Why sandboxed candidate code produced no usable result. */
export type SandboxFailure =
  | 'timeout' // over its wall-clock or CPU limit
  | 'memory' // over its memory limit
  | 'error' // it threw, or exited non-zero
  | 'invalid-result' // its result is not plain JSON-able data
  | 'refused' // the code asked for something the sandbox does not offer (an import, a module)
  | 'unavailable'; // the isolation this tier needs is missing on this machine

/**
 * Sandboxed code that produced no usable result: an OuroError whose code is `sandbox-<kind>`.
 * Never retryable: the same code on the same machine fails the same way (a timeout or an
 * exhausted memory limit is the candidate's result, and retrying it would make runs depend on
 * luck), and missing isolation stays missing until someone installs it.
 *
 * @example
 * throw new SandboxError('refused', `file name "${name}" must be a relative path inside the scratch folder`);
 */
export class SandboxError extends OuroError {
  declare readonly code: `sandbox-${SandboxFailure}`;

  constructor(
    readonly kind: SandboxFailure,
    message: string,
  ) {
    super(`sandbox-${kind}`, message);
    this.name = 'SandboxError';
  }
}

/** A candidate JS/TS module loaded into an isolate: call its exported functions with JSON-able data. */
export interface CandidateModule {
  /** Names of the module's exported functions. */
  readonly exports: readonly string[];
  /**
   * Calls an exported function with copies of `args` and returns a copy of its result. Each call
   * has the isolate's time limit. Throws `SandboxError` (timeout, memory, error, invalid-result).
   */
  call(name: string, ...args: JsonValue[]): Promise<JsonValue>;
}

export interface IsolateLimits {
  /** Heap limit of the isolate in megabytes (at least 8). */
  memoryMb: number;
  /** Wall-clock limit of one call, in milliseconds. */
  timeoutMs: number;
}

export interface ProcessRunOptions {
  /** The program and its arguments, run with the scratch directory as working directory. */
  command: string[];
  /** Files written into the scratch directory before the run (relative paths). */
  files?: Record<string, string>;
  /** Wall-clock limit; the whole process group is killed at it. */
  timeoutMs?: number;
  /** Address-space cap per process, in megabytes. */
  memoryMb?: number;
  /** CPU-time cap per process, in seconds. */
  cpuSeconds?: number;
  /** Cap on processes (and threads) the sandbox may hold at once. */
  maxProcesses?: number;
  /** Cap on the size of any file the sandbox writes, in megabytes. */
  maxFileMb?: number;
  /** Bytes of stdout and of stderr kept; the rest is dropped and counted. */
  outputLimitBytes?: number;
  /** Extra environment variables (the sandbox's environment is otherwise a fixed allowlist). */
  env?: Record<string, string>;
  /** Standard input for the program. */
  stdin?: string;
  /** Files the host reads back from the scratch directory after the run, relative paths. */
  collect?: string[];
  /**
   * A model broker's Unix socket on the host. It is bound into the sandbox at
   * `/run/ouro/broker.sock`, and `OURO_BROKER_SOCKET` names it; keys and provider URLs stay outside.
   */
  brokerSocket?: string;
}

export interface ProcessRunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Bytes dropped beyond `outputLimitBytes`. */
  stdoutDropped: number;
  stderrDropped: number;
  durationMs: number;
  /** The `collect` files as the host read them after the process group was gone (missing ones absent). */
  collected: Record<string, string>;
  /** True when the run had no isolation (`--unsafe`). */
  unsafe: boolean;
  /** True when the run ended at its `doneWhen` line, before the program exited (`exitCode` is then null). */
  endedEarly?: boolean;
}
