export type OuroErrorCode =
  | 'config-invalid'
  | 'config-missing'
  | 'evaluator-missing'
  | 'evaluator-invalid'
  | 'genome-missing'
  | 'genome-markers'
  | 'initial-failed'
  | 'store-readonly'
  | 'store-locked'
  | 'store-open'
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
  | 'fleet-unsupported';

export interface OuroErrorDetails {
  /** The config field or CLI option at fault. */
  field?: string;
  /** The file at fault. */
  file?: string;
  /** The candidate at fault. */
  candidate?: string;
  retryable?: boolean;
  cause?: unknown;
}

/** Every error Ouroboros raises on purpose; the message names what is at fault. */
export class OuroError extends Error {
  readonly code: OuroErrorCode;
  readonly field?: string;
  readonly file?: string;
  readonly candidate?: string;
  readonly retryable: boolean;

  constructor(code: OuroErrorCode, message: string, details: OuroErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OuroError';
    this.code = code;
    this.field = details.field;
    this.file = details.file;
    this.candidate = details.candidate;
    this.retryable = details.retryable ?? false;
  }
}

export function isOuroError(error: unknown): error is OuroError {
  return error instanceof OuroError;
}
