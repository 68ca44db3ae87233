export type OuroErrorCode =
  | 'config-invalid'
  | 'config-missing'
  | 'evaluator-missing'
  | 'evaluator-invalid'
  | 'genome-missing'
  | 'genome-markers'
  | 'genome-uneditable'
  | 'genome-unparseable'
  | 'initial-failed'
  | 'store-readonly'
  | 'store-locked'
  | 'store-open'
  | 'store-write'
  | 'store-corrupt'
  | 'store-version'
  | 'model-unreachable'
  | 'model-missing'
  | 'replay-invalid'
  | 'run-unknown'
  | 'candidate-unknown'
  | 'run-finished'
  | 'operators-exhausted'
  | 'option-invalid'
  | 'soup-mismatch'
  | 'fleet-unreachable'
  | 'fleet-version'
  | 'fleet-bundle'
  | 'fleet-unsupported'
  // The fleet could not run a job (a worker's sandbox failed to start, a job failed its attempts).
  | 'fleet-failed'
  // A flywheel round's training job failed (the service's message, or the command's exit and stderr).
  | 'trainer-failed'
  // A model call with no usable reply (ModelCallError): one code per ModelCallFailure, and an HTTP 429 apart.
  | 'model-http'
  | 'model-rate-limited'
  | 'model-timeout'
  | 'model-network'
  | 'model-budget'
  | 'model-aborted'
  | 'model-replay-missing'
  | 'model-bad-reply'
  // Sandboxed candidate code with no usable result (SandboxError): one code per SandboxFailure.
  | 'sandbox-timeout'
  | 'sandbox-memory'
  | 'sandbox-error'
  | 'sandbox-invalid-result'
  | 'sandbox-refused'
  | 'sandbox-unavailable';

export interface OuroErrorDetails {
  /** The config field or CLI option at fault. */
  field?: string;
  /** The file at fault. */
  file?: string;
  /** The candidate at fault. */
  candidate?: string;
  /** Trying the same thing again may succeed: the fault is passing (a busy database, a dropped connection). Default false. */
  isRetryable?: boolean;
  cause?: unknown;
}

/**
 * Every error Ouroboros raises on purpose; the message names what is at fault. `ModelCallError`
 * and `SandboxError` are members of this family. `isRetryable` is what the fleet reads to retry a
 * job, and the CLI to say that trying again may work.
 *
 * @example
 * throw new OuroError('store-locked', `database ${path} is locked by another process`, { file: path, isRetryable: true });
 */
export class OuroError extends Error {
  readonly code: OuroErrorCode;
  readonly field?: string;
  readonly file?: string;
  readonly candidate?: string;
  readonly isRetryable: boolean;

  constructor(code: OuroErrorCode, message: string, details: OuroErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OuroError';
    this.code = code;
    this.field = details.field;
    this.file = details.file;
    this.candidate = details.candidate;
    this.isRetryable = details.isRetryable ?? false;
  }
}

export function isOuroError(error: unknown): error is OuroError {
  return error instanceof OuroError;
}
