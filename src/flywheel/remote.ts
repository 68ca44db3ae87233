/**
 * Past one machine: what the flywheel needs from a fleet, and nothing of how it works. The fleet
 * (src/fleet/flywheel.ts) implements it with BullMQ jobs on `ouro worker` processes; the CLI
 * hands it in with `--fleet redis://…`. The run's store, ledger and budget stay here: every
 * model call a worker makes is admitted against the budget before its job is sent, and booked in
 * the run's ledger and `llm_calls` when it comes back.
 */
import type { LlmConfig, ModelConfig } from '../core/experiment.ts';
import type { LlmExchange, ModelHandle } from '../core/model.ts';
import type { Verifier } from './types.ts';

/** What the run hands the fleet once, at start. */
export interface FlywheelRemoteSetup {
  runId: string;
  llm: LlmConfig;
  /** The run's models as configured; keys stay with the workers that call them. */
  models: readonly ModelConfig[];
}

/** The run's budget and ledger, as a remote model handle uses them. */
export interface RemoteBooking {
  /** Why no call may start now (a spent token or money budget), or null. */
  admit(): string | null;
  /** What the budget still allows, sent with each job as its allowance. */
  remaining(): { tokens?: number; costUsd?: number };
  /** Records a worker's exchange in the run's store and ledger, as if this process had made it. */
  book(exchange: LlmExchange): void;
}

export interface FlywheelRemote {
  /** Where the jobs go, for messages (`redis://…`). */
  readonly url: string;
  /**
   * The fleet's version of `local` (the run's handle of the model): its calls run on the workers,
   * and it throws `ModelCallError('budget')` once `booking.admit` refuses.
   */
  model(local: ModelHandle, booking: RemoteBooking): ModelHandle;
  /** The execution verifier, its sandboxes on the workers. */
  readonly verifier: Verifier;
  /** Tasks verified at once: jobs in flight, so that every worker has work. */
  readonly verifyConcurrency: number;
  close(): Promise<void>;
}

/** Opens the fleet for one run; `notice` tells the user about workers and Redis. */
export type StartFlywheelRemote = (setup: FlywheelRemoteSetup, notice: (message: string) => void) => Promise<FlywheelRemote>;
